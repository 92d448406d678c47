"""The timeline page (one map, a date slider) and the compare page (swipe and
difference), plus the data scripts they load from disk."""

from __future__ import annotations

from html import escape
from typing import Any

from mapgen.about import ATTRIBUTION, GOLAN_NOTE
from mapgen.analysis.diff import Diff
from mapgen.analysis.timeline import State, period
from mapgen.model import AtlasData
from mapgen.site.encode import encode_collection, page_features
from mapgen.site.render import (
    PAGE_ZONE_TOLERANCE_DEG,
    TITLE,
    _head,
    horizon_note,
    json_for_script,
)


def all_script(
    atlas: AtlasData,
    collection: dict[str, Any],
    states: list[State],
    pairs: list[tuple[State, State]],
) -> bytes:
    """Every zone version, post and route with its dates, the agreement dates
    and the states, for the timeline and compare pages."""
    first, last = period(atlas)
    data = {
        "period": [first.isoformat(), last.isoformat()],
        "agreements": [
            {"date": a.date.isoformat(), "title": a.title} for a in atlas.agreements
        ],
        "pairs": [f"{a.index}-{b.index}" for a, b in pairs],
        "states": [
            {"start": s.start.isoformat(), "end": s.end.isoformat()} for s in states
        ],
        "features": page_features(collection, simplify_deg=PAGE_ZONE_TOLERANCE_DEG),
    }
    return ("window.ATLAS_ALL=" + json_for_script(data) + ";\n").encode("utf-8")


def diff_script(pair: str, d: Diff) -> bytes:
    """One state pair's difference, loaded by the compare page on demand."""
    data = d.as_json()
    data["geojson"] = encode_collection(data["geojson"])
    return (
        f"Atlas.diffLoaded({json_for_script(pair)},{json_for_script(data)});\n".encode()
    )


def _scripts(page: str) -> list[str]:
    return [
        '<script src="lib/leaflet/leaflet.js"></script>',
        '<script src="data/base.js"></script>',
        '<script src="data/all.js"></script>',
        '<script src="assets/atlas.js"></script>',
        '<script src="assets/pages.js"></script>',
        f'<script src="assets/{page}.js"></script>',
    ]


def _header(title: str) -> str:
    return (
        f"<header><h1>{escape(title)}</h1><nav>"
        '<a href="index.html">All agreements</a>'
        '<a href="timeline.html">Timeline</a>'
        '<a href="compare.html">Compare</a>'
        '<a href="geojson/zones.geojson" download="syria-zones-all-versions.geojson">All zone versions (GeoJSON)</a>'
        "</nav></header>"
    )


def timeline_page(atlas: AtlasData) -> bytes:
    body = [
        _head(f"Timeline — {TITLE}", "", pages_css=True),
        '<body data-page="timeline" data-details="data/details/all.js">',
        _header("Timeline: what was in force, day by day"),
        '<div class="controls" id="controls" role="region" aria-label="Date controls">',
        '<button type="button" id="prev" title="Previous agreement (Page Up)">◀ Previous agreement</button>',
        '<button type="button" id="play" title="Play or pause (space)">▶ Play</button>',
        '<button type="button" id="next" title="Next agreement (Page Down)">Next agreement ▶</button>',
        '<output id="date-label" for="slider"></output>',
        '<div class="slider-box"><input type="range" id="slider" list="agreement-ticks" '
        'aria-label="Date"><datalist id="agreement-ticks"></datalist>'
        '<div id="tick-labels" class="tick-labels"></div></div>',
        '<p id="notice" class="note" hidden></p>',
        "</div>",
        '<main class="map-page timeline-page"><div id="map" role="region" aria-label="Map of the zones in force on the chosen date"></div><aside>',
        '<h2>In force on <span id="aside-date"></span></h2>',
        '<p class="meta">Use the slider, the buttons, or the arrow keys (a day; '
        "Page Up/Down: an agreement). The address keeps the date and layers, so it "
        "can be shared.</p>",
        horizon_note(atlas),
        '<h3>Layers</h3><ul id="kind-toggles"></ul>',
        '<div id="ground-key" aria-live="polite"></div>',
        '<h3>Features</h3><ul id="in-force"></ul>',
        '<div id="legend"></div>',
        f'<p class="note">{escape(GOLAN_NOTE)}</p>',
        f'<p class="attribution">{escape(ATTRIBUTION)}</p>',
        "</aside></main>",
        *_scripts("timeline"),
        "</body>\n</html>\n",
    ]
    return "\n".join(body).encode("utf-8")


def compare_page(atlas: AtlasData) -> bytes:
    body = [
        _head(f"Compare two dates — {TITLE}", "", pages_css=True),
        '<body data-page="compare" data-details="data/details/all.js">',
        _header("Compare two dates"),
        '<div class="controls" id="controls" role="region" aria-label="Date controls">',
        '<label>Left <input type="date" id="date-a"></label>',
        '<label>Right <input type="date" id="date-b"></label>',
        '<label><input type="checkbox" id="show-diff"> Show the difference instead '
        "(added, removed, unchanged)</label>",
        '<p id="notice" class="note" hidden></p>',
        "</div>",
        '<main class="map-page compare-page"><div id="map" role="region" aria-label="Two dates side by side">'
        '<div id="divider" class="divider" role="slider" aria-label="Swipe divider" '
        'aria-valuemin="0" aria-valuemax="100" aria-valuenow="50" '
        'aria-orientation="horizontal" tabindex="0"><span class="handle" '
        'aria-hidden="true">⇔</span></div></div>'
        '<aside tabindex="0" aria-label="What changed between the two dates">',
        '<h2>What changed</h2><p class="meta" id="diff-caption"></p>',
        '<h3>Difference map</h3><ul class="legend" id="diff-key"></ul>',
        '<div id="diff-table" role="region" tabindex="0" '
        'aria-label="Areas added and removed"></div>',
        '<p class="meta">Areas in km² in an equal-area projection (Lambert azimuthal, '
        "centred on Syria). Ceasefires are left out: the nationwide ceasefire covers the "
        "ground of every party it bound and would swamp the table. The Sochi "
        "demilitarised zone lies inside the Idlib zone, so it adds nothing to the "
        "union. The same figures come from <code>mapgen diff</code>.</p>",
        horizon_note(atlas),
        '<div id="legend"></div>',
        f'<p class="attribution">{escape(ATTRIBUTION)}</p>',
        "</aside></main>",
        *_scripts("compare"),
        "</body>\n</html>\n",
    ]
    return "\n".join(body).encode("utf-8")

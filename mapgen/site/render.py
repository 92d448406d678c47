"""HTML pages: the index timeline and one map page per agreement date.

Pages are plain HTML that load Leaflet and the atlas's own script from files
beside them, so they draw from disk with no network. Text is escaped with
``html.escape``; data travel as JSON inside a non-executable script element.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mapgen.about import ATTRIBUTION, GOLAN_NOTE
from mapgen.analysis.stats import Coverage
from mapgen.geodata.extracts import Geodata
from mapgen.geodata.places import arabic_only, places
from mapgen.geometry.geojson import geometry_json
from mapgen.model import PRECISIONS, Agreement, AtlasData, Control, Settlement, Source
from mapgen.site.encode import encode_collection, encode_geometry, page_features

TITLE = "Syria ceasefire and de-escalation zones atlas"


DOWNLOADS_HTML = (
    '<section class="downloads"><h2>Downloads for GIS</h2><p>Every version of every '
    "zone, post and route, with its dates, precision, sources and the Golan note:</p>"
    '<ul><li><a href="downloads/atlas.gpkg" download="syria-zones.gpkg">GeoPackage</a> (QGIS, ArcGIS; '
    "layers zones, posts, routes)</li>"
    '<li><a href="downloads/atlas.shp.zip" download="syria-zones.shp.zip">Shapefile</a> (zipped, one per '
    "layer)</li>"
    '<li><a href="downloads/atlas.fgb" download="syria-zones.fgb">FlatGeobuf</a></li>'
    '<li><a href="downloads/atlas.kml" download="syria-zones.kml">KML</a> (Google Earth; its time '
    "slider shows each feature while it was in force)</li>"
    '<li><a href="downloads/atlas.csv" download="syria-zones.csv">CSV</a> with WKT geometry, ISO '
    'and OCHA p-codes (<a href="downloads/atlas-hxl.csv" download="syria-zones-hxl.csv">HXL-tagged</a>)'
    "</li>"
    '<li><a href="geojson/zones.geojson" download="syria-zones-all-versions.geojson">GeoJSON</a> (RFC 7946)</li>'
    '<li><a href="downloads/places-in-zones.csv" download="syria-places-in-zones.csv">Places inside each zone</a> '
    "on each agreement date (CSV: who held each, since when, and whether the atlas inferred it)</li></ul>"
    "</section>"
)


def json_for_script(data: Any) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# Base layers are drawn at display scale: governorates simplified as one coverage
# (shared borders stay shared) by about 1 km, a pixel at the country view
# (zoom 6-7); the exact borders are fetched from zoom 8 on (base-detail.js).
DISPLAY_TOLERANCE_DEG = 0.009
NEIGHBOUR_TOLERANCE_DEG = 0.02
DETAIL_FROM_ZOOM = 8
# Zones on pages are simplified by about 100 m (under a pixel up to zoom 10);
# the GeoJSON downloads keep every vertex.
PAGE_ZONE_TOLERANCE_DEG = 0.001


def _governorates(geodata: Geodata, tolerance: float) -> dict[str, Any]:
    govs = list(geodata.governorates.values())
    geoms = [g.geometry for g in govs]
    if tolerance:
        geoms = list(shapely.coverage_simplify(geoms, tolerance))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "iso": g.iso,
                    "ocha": g.ocha,
                    "name": g.name,
                    "name_ar": g.name_ar,
                    "kind": g.kind,
                    "label_at": _label_point(g.geometry),
                },  # fmt: skip
                "geometry": encode_geometry(geometry_json(geom)),
            }
            for g, geom in zip(govs, geoms, strict=True)
        ],
    }


def _label_point(geom: BaseGeometry) -> list[float]:
    p = geom.point_on_surface()
    return [round(p.x, 4), round(p.y, 4)]


def place_rows(geodata: Geodata, control: Control) -> list[list[Any]]:
    """The labelled places: [name, Arabic name, lon, lat, rank, variants,
    index of the control settlement at the place or -1]."""
    towns = [
        (t.name, tuple(t.names), tuple(t.names_ar), t.lon, t.lat, t.population)
        for t in geodata.gazetteer.towns
    ]
    found = places(
        towns, [(s.name, s.name_ar, s.lon, s.lat) for s in control.settlements]
    )
    # The history file lists settlements by front and name (export.control).
    order = sorted(
        range(len(control.settlements)),
        key=lambda i: (control.settlements[i].front, control.settlements[i].name),
    )
    position = {original: at for at, original in enumerate(order)}
    return [
        [
            p.name,
            p.name_ar,
            p.lon,
            p.lat,
            p.rank,
            "|".join(p.variants),
            -1 if p.settlement is None else position[p.settlement],
        ]
        for p in found
    ]


def base_script(geodata: Geodata, control: Control) -> bytes:
    """The shared base layers every map page loads: governorates at display
    scale, the neighbouring countries and the place names."""
    neighbours = []
    around = geodata.syria.buffer(1.2).envelope
    for f in geodata.raw("neighbours.geojson")["features"]:
        geom = shapely.simplify(shape(f["geometry"]), NEIGHBOUR_TOLERANCE_DEG)
        near = geom.intersection(around)
        neighbours.append(
            {
                "type": "Feature",
                "properties": {
                    "name": f["properties"]["name"],
                    "label_at": None if near.is_empty else _label_point(near),
                },
                "geometry": encode_geometry(geometry_json(geom)),
            }
        )
    # Under the borders, in the neighbours' colour: the thin strip between
    # Syria's exact border and the coarser neighbour outlines, so that no
    # sliver of background shows along a land border at any zoom.
    land = shapely.union_all(
        [shape(f["geometry"]) for f in geodata.raw("neighbours.geojson")["features"]]
    ).buffer(0.05)
    seam = shapely.simplify(
        geodata.syria.buffer(0.05).intersection(land), DISPLAY_TOLERANCE_DEG
    )
    data = {
        "governorates": _governorates(geodata, DISPLAY_TOLERANCE_DEG),
        "neighbours": {"type": "FeatureCollection", "features": neighbours},
        "seam": encode_geometry(geometry_json(seam)),
        "detailFromZoom": DETAIL_FROM_ZOOM,
        "places": place_rows(geodata, control),
    }
    return ("window.ATLAS_BASE=" + json_for_script(data) + ";\n").encode("utf-8")


def base_detail_script(geodata: Geodata) -> bytes:
    """The exact governorates, loaded when the map is zoomed in."""
    data = _governorates(geodata, 0.0)
    return ("Atlas.baseDetail(" + json_for_script(data) + ");\n").encode("utf-8")


def details_script(name: str, details: dict[str, Any]) -> bytes:
    """Popup details for a page's features, loaded when a popup first opens."""
    return (
        f"Atlas.detailsLoaded({json_for_script(name)},{json_for_script(details)});\n"
    ).encode()


def towns_script(geodata: Geodata) -> bytes:
    """The GeoNames towns, loaded when their layer is switched on."""
    towns = [
        [t.name, t.lon, t.lat, t.population, arabic_only(t.names_ar)]
        for t in geodata.gazetteer.towns
    ]
    return ("Atlas.townsLoaded(" + json_for_script(towns) + ");\n").encode("utf-8")


def _head(title: str, prefix: str, *, pages_css: bool = False) -> str:
    extra = (
        f'<link rel="stylesheet" href="{prefix}assets/pages.css">\n'
        if pages_css
        else ""
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{prefix}lib/leaflet/leaflet.css">\n'
        f'<link rel="stylesheet" href="{prefix}assets/atlas.css">\n{extra}</head>\n'
    )


def bdi(text: str) -> str:
    """Text from the data, escaped and isolated in its own ``<bdi>``, so that
    right-to-left or direction-changing characters in it cannot reorder what
    stands around it (each value its own: one value cannot reorder the next)."""
    return f"<bdi>{escape(text)}</bdi>"


def _bdi_list(texts: tuple[str, ...] | list[str], separator: str = ", ") -> str:
    return separator.join(bdi(t) for t in texts)


def _source_html(source: Source) -> str:
    label = source.label
    if source.url:
        return (
            f'<a href="{escape(source.url, quote=True)}" rel="noopener noreferrer">'
            f"{bdi(label)}</a>"
        )
    return bdi(label)


def _agreement_html(a: Agreement) -> str:
    parts = [
        f"<h2>{bdi(a.title)}</h2>",
        f'<p class="meta">{escape(a.date.isoformat())} · {bdi(a.venue)}</p>',
    ]
    if a.summary:
        parts.append(f"<p>{bdi(a.summary)}</p>")
    parts.append(f"<p><b>Parties:</b> {_bdi_list(a.parties)}")
    if a.guarantors:
        parts.append(f"<br><b>Guarantors:</b> {_bdi_list(a.guarantors)}")
    parts.append("</p><h3>Sources</h3><ul>")
    parts.extend(f"<li>{_source_html(s)}</li>" for s in a.sources)
    parts.append("</ul>")
    return "\n".join(parts)


def _coverage_html(rows: list[Coverage]) -> str:
    """The stats table's frame; its rows come with the details script and are
    drawn when the reader opens it."""
    if not rows:
        return ""
    return (
        '<details id="stats"><summary>Areas and governorate shares</summary>'
        '<div id="stats-table"></div>'
        '<p class="meta">km² in an equal-area projection; also in '
        '<a href="../stats.csv">stats.csv</a>.</p></details>'
    )


def coverage_rows(rows: list[Coverage]) -> list[list[object]]:
    return [
        [
            r.zone_name,
            round(r.zone_km2),
            f"{r.governorate_name} ({r.governorate})",
            round(r.covered_km2),
            round(r.share_pct, 1),
        ]
        for r in rows
    ]


def _obligations_html(atlas: AtlasData, on: dt.date) -> str:
    found = atlas.obligations_on(on)
    if not found:
        return ""
    items = []
    for o in found:
        status = o.status_on(on)
        later = ""
        if status == "pending":
            later = (
                f" Outcome: {bdi(o.status)}"
                + (f" ({bdi(o.outcome)})" if o.outcome else "")
                + "."
            )
        elif o.outcome:
            later = f" {bdi(o.outcome)}"
        sources = "; ".join(_source_html(s) for s in o.sources)
        items.append(
            f'<li data-obligation="{escape(o.obligation_id, quote=True)}">'
            f"<b>{bdi(o.what)}</b> — due <bdi>{o.due.isoformat()}</bdi> "
            f"({_bdi_list(o.concerns)}). "
            f'Status on {on.isoformat()}: <span class="status status-{escape(status, quote=True)}">'
            f"{bdi(status)}</span>.{later}"
            f' <span class="meta">Sources: {sources}</span></li>'
        )
    return (
        "<h2>Obligations and deadlines</h2>"
        f'<ul class="obligations" id="obligations">{"".join(items)}</ul>'
    )


def horizon_note(atlas: AtlasData) -> str:
    """What the zones are drawn from, and the last date the ground is known."""
    horizon = atlas.control.horizon
    if horizon is None:
        return ""
    return (
        '<p class="note" id="horizon-note">Zones follow the ground: each is the '
        "area its agreement covered, cut to the ground its side held on the date "
        "(from who held each settlement, in zones/control), so it shrinks as places "
        f"change hands. The control data is kept to <time>{horizon.isoformat()}</time>; "
        "no zone is drawn after that date.</p>"
    )


def date_page(
    atlas: AtlasData,
    on: dt.date,
    collection: dict[str, Any],
    *,
    previous: dt.date | None,
    following: dt.date | None,
    coverage: list[Coverage],
    control_layer: bool = False,
) -> bytes:
    agreements = [a for a in atlas.agreements if a.date == on]
    iso = on.isoformat()
    zones = page_features(collection, simplify_deg=PAGE_ZONE_TOLERANCE_DEG)
    title = f"{iso}: {'; '.join(a.title for a in agreements) or 'zones in force'}"
    heading = f"{iso}: " + (
        _bdi_list([a.title for a in agreements], "; ") or "zones in force"
    )
    nav = ['<a href="../index.html">All agreements</a>']
    if previous:
        nav.append(
            f'<a href="{previous.isoformat()}.html" rel="prev">← {previous.isoformat()}</a>'
        )
    if following:
        nav.append(
            f'<a href="{following.isoformat()}.html" rel="next">{following.isoformat()} →</a>'
        )
    if previous:
        nav.append(
            f'<a href="../compare.html#a={previous.isoformat()}&amp;b={iso}">'
            "Compare with the previous agreement</a>"
        )
    nav.append(f'<a href="../timeline.html#date={iso}">Timeline</a>')
    nav.append(
        f'<a href="../geojson/{iso}.geojson" download="syria-zones-{iso}.geojson">GeoJSON for {iso}</a>'
    )
    if agreements:
        nav.append(
            f'<a href="../figures/{iso}.png" download="syria-zones-{iso}.png">'
            f"Figure for reports (PNG)</a>"
            f'<a href="../figures/{iso}.svg" download="syria-zones-{iso}.svg">SVG</a>'
        )
    golan = any(
        set(f["properties"]["governorates"]) & {"SY-QU", "SY-DR"}
        and f["properties"]["kind"] not in ("ceasefire", "route", "observation-post")
        for f in collection["features"]
    )
    body = [
        _head(f"{title} — {TITLE}", "../"),
        f'<body data-page="date" data-date="{iso}" data-details="../data/details/{iso}.js"'
        + (' data-control-layer="1">' if control_layer else ">"),
        f"<header><h1>{heading}</h1><nav>{' '.join(nav)}</nav></header>",
        '<main class="map-page"><div id="map" role="region" '
        f'aria-label="Map of zones in force on {iso}"></div><aside>',
        f"<h2>In force on {iso}</h2>",
        '<p class="meta">A zone is in force on a date when valid_from ≤ date &lt; '
        "valid_to. Click a zone for its agreement, dates, figures and sources.</p>",
        horizon_note(atlas),
        "<h3>Zones</h3>",
        '<ul id="zone-list"></ul>',
        "<h3>Routes</h3>",
        '<ul id="route-list"></ul>',
        "<h3>Observation posts</h3>",
        '<ul id="post-list"></ul>',
        _obligations_html(atlas, on),
        '<h3>Base layers</h3><ul id="base-toggles"></ul>',
    ]
    if golan:
        body.append(f'<p class="note" id="golan-note">{escape(GOLAN_NOTE)}</p>')
    body.append('<div id="legend"></div>')
    body.append(_coverage_html(coverage))
    for a in agreements:
        body.append(_agreement_html(a))
    body.extend(
        [
            f'<p class="attribution">{escape(ATTRIBUTION)}</p>',
            "</aside></main>",
            '<script type="application/json" id="atlas-data">'
            + json_for_script({"date": iso, "zones": zones})
            + "</script>",
            '<script src="../lib/leaflet/leaflet.js"></script>',
            '<script src="../data/base.js"></script>',
            '<script src="../assets/atlas.js"></script>',
            "</body>\n</html>\n",
        ]
    )
    return "\n".join(body).encode("utf-8")


def control_script(
    iso: str,
    territory: dict[str, Any],
    points: list[list[Any]],
    horizon: str | None,
) -> bytes:
    """A date's control layer: each side's territory (encoded) and the settlements
    it was drawn from, as [name, lon, lat, side, index into the history]."""
    data = {
        "territory": encode_collection(territory),
        "points": points,
        "horizon": horizon,
    }
    return (
        f"Atlas.controlLoaded({json_for_script(iso)},{json_for_script(data)});\n"
    ).encode()


_EPOCH = dt.date(1970, 1, 1)


def ground_script(
    cells: list[tuple[int, BaseGeometry]],
    settlements: tuple[Settlement, ...],
    horizon: str | None,
) -> bytes:
    """Every place's cell and history, once for every day: the pages colour
    each cell by the side that held its place on the day shown. ``cells[n]``
    (an encoded geometry) belongs to ``places[n]``, its spells, each [first
    day counted from 1970-01-01 as the pages count, side, 1 if inferred]."""
    sides = sorted({sp.side for s in settlements for sp in s.history})
    code = {side: i for i, side in enumerate(sides)}
    data = {
        "sides": sides,
        "horizon": horizon,
        "cells": [encode_geometry(geometry_json(cell)) for _, cell in cells],
        "places": [
            [
                [(sp.start - _EPOCH).days, code[sp.side], 1 if sp.inferred else 0]
                for sp in settlements[i].history
            ]
            for i, _ in cells
        ],
    }
    return ("Atlas.groundLoaded(" + json_for_script(data) + ");\n").encode("utf-8")


def control_history_script(history: list[dict[str, Any]]) -> bytes:
    """Every settlement's history, loaded when a settlement's popup first opens.

    Compact: each citation and note is written once in a table and spells refer
    to them by index (``atlas.js`` expands them): thousands of places share the
    map snapshot's citation and a few notes."""
    sources: dict[str, int] = {}
    notes: dict[str, int] = {}

    def index(table: dict[str, int], value: str) -> int:
        return table.setdefault(value, len(table))

    def source(citation: dict[str, Any]) -> int:
        return index(sources, json.dumps(citation, sort_keys=True, ensure_ascii=False))

    places = []
    for h in history:
        spells = [
            [
                sp["from"],
                sp["side"],
                1 if sp.get("inferred") else 0,
                index(notes, sp["note"]) if sp.get("note") else -1,
                [source(c) for c in sp["sources"]],
            ]
            for sp in h["history"]
        ]
        places.append(
            [
                h["name"],
                h["name_ar"],
                h["governorate"],
                h["front"],
                source(h["coordinates_from"]),
                h.get("kind", "settlement"),
                h.get("origin", "curated"),
                spells,
            ]
        )
    data = {
        "sources": [json.loads(k) for k in sources],
        "notes": list(notes),
        "places": places,
    }
    return ("Atlas.controlHistoryLoaded(" + json_for_script(data) + ");\n").encode(
        "utf-8"
    )


def index_page(atlas: AtlasData, counts: dict[dt.date, int]) -> bytes:
    items = []
    for day in atlas.dates:
        iso = day.isoformat()
        for a in (a for a in atlas.agreements if a.date == day):
            summary = f"<p>{bdi(a.summary)}</p>" if a.summary else ""
            items.append(
                f'<li><a href="maps/{iso}.html" class="thumb"><img src="thumbnails/{iso}.svg" '
                f'width="240" height="200" alt="Map of the zones in force on {iso}"></a>'
                f'<time datetime="{iso}">{iso}</time> — <b>{bdi(a.title)}</b>'
                f'<br><span class="meta">{bdi(a.venue)} · parties: '
                f"{_bdi_list(a.parties)}</span>{summary}"
                f'<p class="links"><a href="maps/{iso}.html">Map of {iso}</a>'
                f'<a href="geojson/{iso}.geojson" download="syria-zones-{iso}.geojson">GeoJSON</a>'
                f'<a href="figures/{iso}.png" download="syria-zones-{iso}.png">Figure (PNG)</a>'
                f'<a href="figures/{iso}.svg" download="syria-zones-{iso}.svg">SVG</a>'
                f'<span class="meta">{counts[day]} zone(s) in force</span></p></li>'
            )
    precision = "".join(
        f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in PRECISIONS.items()
    )
    body = [
        _head(TITLE, "", pages_css=True),
        '<body data-page="index">',
        f"<header><h1>{escape(TITLE)}</h1><nav>"
        '<a href="timeline.html">Timeline with a date slider</a>'
        '<a href="compare.html">Compare two dates</a>'
        '<a href="geojson/zones.geojson" download="syria-zones-all-versions.geojson">All zone versions (GeoJSON)</a>'
        '<a href="stats.csv" download="syria-zones-areas.csv">Areas by date (CSV)</a></nav></header>',
        '<main class="index">',
        "<p>The ceasefire and de-escalation zones agreed for Syria between December "
        "2016 and December 2018, one map per agreement date. Every zone says which "
        "agreement made it, when it was in force, how precise its boundary is, and "
        "where each fact comes from. The pages work offline.</p>",
        f"<h2>Boundary precision</h2><ul>{precision}</ul>",
        "<h2>Timeline</h2>",
        '<ol class="timeline">',
        *items,
        "</ol>",
        DOWNLOADS_HTML,
        f'<p class="note">{escape(GOLAN_NOTE)}</p>',
        f'<p class="attribution">{escape(ATTRIBUTION)}</p>',
        "</main></body>\n</html>\n",
    ]
    return "\n".join(body).encode("utf-8")

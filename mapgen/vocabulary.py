"""One vocabulary for the whole atlas: the kinds of feature, their colours and
labels, and what each boundary precision means and how it is drawn.

Python reads it from here; the pages get it at build time as
``window.ATLAS_VOCABULARY`` (prefixed to ``assets/atlas.js``) and as CSS custom
properties (prefixed to the style sheets), so no colour is written twice.
"""

from __future__ import annotations

import json

ZONE_KINDS = (
    "ceasefire",
    "de-escalation-zone",
    "demilitarized-zone",
    "operational-sub-zone",
)
FEATURE_KINDS = (*ZONE_KINDS, "route", "observation-post")
COLOURS = {
    "ceasefire": "#7b6fb0",
    "de-escalation-zone": "#e6550d",
    "demilitarized-zone": "#c51b1b",
    "operational-sub-zone": "#2b7bba",
    "route": "#333333",
    "observation-post": "#0b4f8a",
}
# Each zone of a kind gets its own colour from the kind's family, by the order
# of the zones' ids (the first takes the kind's colour).
FAMILIES = {
    "ceasefire": ("#7b6fb0",),
    "de-escalation-zone": ("#e6550d", "#8c2d04", "#d4a017", "#c44e52"),
    "demilitarized-zone": ("#c51b1b", "#7f0000"),
    "operational-sub-zone": ("#2b7bba", "#6baed6", "#08306b"),
}


def family_colour(kind: str, index: int) -> str:
    family = FAMILIES.get(kind, (COLOURS.get(kind, "#555555"),))
    return family[index % len(family)]


LABELS = {
    "ceasefire": "Ceasefire",
    "de-escalation-zone": "De-escalation zone",
    "demilitarized-zone": "Demilitarised zone",
    "operational-sub-zone": "Operational sub-zone (reported)",
    "route": "Route",
    "observation-post": "Observation post",
}
PRECISIONS = {
    "exact": "follows administrative boundaries from Natural Earth",
    "approximate": "traced by the project from named towns and/or a drawn outline",
    "schematic": "indicative only: the sources name the area, not its limits",
}
# Sides of the control layer, in the colour families most maps use.
SIDE_COLOURS = {
    "government": "#c2413a",
    "opposition": "#3f9b4f",
    "hts": "#8c8c8c",
    "islamic-state": "#2b2b2b",
    "sdf": "#d9b431",
    "turkey-backed": "#2f9e94",
    "contested": "#b48ac9",
}
# Sides in words a reader knows (ids stay in the exports).
SIDE_LABELS = {
    "government": "the government",
    "opposition": "the armed opposition",
    "hts": "Hayat Tahrir al-Sham",
    "islamic-state": "the Islamic State",
    "sdf": "the SDF",
    "turkey-backed": "Turkish-backed factions",
    "contested": "contested (no holder)",
}
# SVG stroke-dasharray per precision: solid, dashed, dotted.
PRECISION_DASH: dict[str, str | None] = {
    "exact": None,
    "approximate": "7 5",
    "schematic": "2 5",
}


def script() -> str:
    """The vocabulary as a line of JavaScript for the pages."""
    data = {
        "kinds": list(FEATURE_KINDS),
        "colours": COLOURS,
        "labels": LABELS,
        "dash": PRECISION_DASH,
        "sides": SIDE_COLOURS,
        "side_labels": SIDE_LABELS,
    }
    return f"window.ATLAS_VOCABULARY={json.dumps(data, separators=(',', ':'))};\n"


def css() -> str:
    """The kinds' colours as CSS custom properties (``var(--kind-ceasefire)``)."""
    props = ";".join(
        [f"--kind-{kind}:{colour}" for kind, colour in COLOURS.items()]
        + [f"--side-{side}:{colour}" for side, colour in SIDE_COLOURS.items()]
    )
    return f":root{{{props}}}\n"

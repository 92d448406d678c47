"""Small static pictures of each date's map for the index page (matplotlib)."""

from __future__ import annotations

import io
from typing import Any

from shapely.geometry.base import BaseGeometry

from mapgen.geodata import Geodata
from mapgen.model import ZoneVersion
from mapgen.resolve import Resolved

# Same colours as the pages (mapgen/static/atlas.js).
COLOURS = {
    "ceasefire": "#7b6fb0",
    "de-escalation-zone": "#e6550d",
    "demilitarized-zone": "#c51b1b",
    "operational-sub-zone": "#2b7bba",
}


def _polygons(geom: BaseGeometry) -> list[Any]:
    return [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]


def _draw(ax: Any, geom: BaseGeometry, **style: Any) -> None:
    from matplotlib.patches import Polygon as Patch

    for poly in _polygons(geom):
        ax.add_patch(Patch(list(poly.exterior.coords), closed=True, **style))


def thumbnail(
    versions: list[ZoneVersion], resolved: Resolved, geodata: Geodata
) -> bytes:
    """A 240x200 px PNG; byte-identical for identical input (no timestamps)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2.4, 2.0), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(35.6, 42.5)
    ax.set_ylim(32.2, 37.4)
    ax.set_aspect(1.22)  # about 1/cos(35°): degrees of longitude are shorter
    ax.axis("off")
    fig.patch.set_facecolor("#d5e3ea")
    for gov in geodata.governorates.values():
        _draw(ax, gov.geometry, facecolor="#fbfaf6", edgecolor="#8a8373", linewidth=0.4)
    for v in sorted(versions, key=lambda v: v.kind != "ceasefire"):
        colour = COLOURS.get(v.kind, "#555555")
        alpha = {"ceasefire": 0.12, "operational-sub-zone": 0.2}.get(v.kind, 0.6)
        _draw(
            ax,
            resolved.of(v),
            facecolor=colour,
            edgecolor=colour,
            alpha=alpha,
            linewidth=0.6,
        )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()

"""Small static pictures of each date's map for the index page.

Written as SVG by hand: a few kilobytes each, byte-identical for the same
input, drawn in an instant, and no plotting library to install."""

from __future__ import annotations

import math
from collections.abc import Iterable

import shapely
from shapely.geometry.base import BaseGeometry

from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import ZoneVersion
from mapgen.vocabulary import COLOURS

OPACITY = {"ceasefire": 0.12, "operational-sub-zone": 0.25}
WIDTH, HEIGHT = 240, 200
WEST, SOUTH, EAST, NORTH = 35.6, 32.2, 42.5, 37.4
# Degrees of longitude are shorter than degrees of latitude at 35°N.
_XSCALE = math.cos(math.radians(35))
_SCALE = min(WIDTH / ((EAST - WEST) * _XSCALE), HEIGHT / (NORTH - SOUTH))
_TOLERANCE = 1.0 / _SCALE  # one pixel, in degrees


def _path(geom: BaseGeometry) -> str:
    simple = shapely.simplify(geom, _TOLERANCE, preserve_topology=True)
    out = []
    for poly in getattr(simple, "geoms", [simple]):
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            pts = [
                f"{(x - WEST) * _XSCALE * _SCALE:.1f},{(NORTH - y) * _SCALE:.1f}"
                for x, y in ring.coords[:-1]
            ]
            if len(pts) >= 3:
                out.append("M" + "L".join(pts) + "Z")
    return "".join(out)


def _shapes(items: Iterable[tuple[BaseGeometry, str]]) -> list[str]:
    return [f'<path d="{_path(g)}" {style}/>' for g, style in items if not g.is_empty]


def base_layer(geodata: Geodata) -> list[str]:
    style = 'fill="#fbfaf6" stroke="#8a8373" stroke-width="0.5"'
    return _shapes((g.geometry, style) for g in geodata.governorates.values())


def thumbnail(
    versions: list[ZoneVersion], resolved: Resolved, base: list[str]
) -> bytes:
    """A 240x200 SVG of the governorates and the zones in ``versions``."""
    ordered = sorted(versions, key=lambda v: (v.kind != "ceasefire", v.zone_id))
    zones = _shapes(
        (
            resolved.of(v),
            f'fill="{COLOURS.get(v.kind, "#555555")}" '
            f'fill-opacity="{OPACITY.get(v.kind, 0.6)}" '
            f'stroke="{COLOURS.get(v.kind, "#555555")}" stroke-width="0.8"',
        )
        for v in ordered
    )
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#d5e3ea"/>',
        *base,
        *zones,
        "</svg>",
    ]
    return ("\n".join(svg) + "\n").encode("utf-8")

"""Keeping the polygons of a set operation's result."""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry


def polygons_only(geom: BaseGeometry) -> BaseGeometry:
    """The polygons of a set operation's result, dropping any lines or points."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts: list[Polygon] = []
    for g in getattr(geom, "geoms", []):
        if g.geom_type == "Polygon":
            parts.append(g)
        elif g.geom_type == "MultiPolygon":
            parts.extend(g.geoms)
    return shapely.MultiPolygon(parts)

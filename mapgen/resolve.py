"""Turn each zone version's extent into one lon/lat geometry.

Towns are widened in a local Lambert azimuthal equal-area projection (metres,
true areas), never in Web Mercator; everything is clipped to the named
governorates, whose Natural Earth borders are kept exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from mapgen.errors import Problem, ZoneDataError
from mapgen.geodata import Geodata
from mapgen.model import Atlas, Part, ZoneVersion

# Planar area in this projection equals geodesic area (see tooling.md).
EQUAL_AREA = "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"
_TO_METRES = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)
_TO_DEGREES = Transformer.from_crs(EQUAL_AREA, "EPSG:4326", always_xy=True)
MIN_AREA_KM2 = 0.5


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: _xy(_TO_METRES, xy))


def to_degrees(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: _xy(_TO_DEGREES, xy))


def _xy(transformer: Transformer, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def area_km2(geom: BaseGeometry) -> float:
    return float(to_metres(geom).area) / 1e6


@dataclass
class Resolved:
    """Geometry for every zone version, keyed by ``ZoneVersion.key``."""

    shapes: dict[str, BaseGeometry]

    def of(self, version: ZoneVersion) -> BaseGeometry:
        return self.shapes[version.key]


def resolve_atlas(atlas: Atlas, geodata: Geodata) -> Resolved:
    problems: list[Problem] = []
    shapes: dict[str, BaseGeometry] = {}
    for version in atlas.versions:
        geom = resolve_version(version, geodata, problems)
        if geom is not None:
            shapes[version.key] = geom
    if problems:
        raise ZoneDataError(problems)
    return Resolved(shapes)


def resolve_version(
    version: ZoneVersion, geodata: Geodata, problems: list[Problem]
) -> BaseGeometry | None:
    govs = geodata.governorates
    if version.extent is None:
        geom = shapely.coverage_union_all(
            [govs[c].geometry for c in version.governorates]
        )
    else:
        include = [_part(p, geodata, problems) for p in version.extent.include]
        exclude = [_part(p, geodata, problems) for p in version.extent.exclude]
        if any(g is None for g in include + exclude):
            return None
        geom = shapely.union_all([g for g in include if g is not None])
        if exclude:
            geom = geom.difference(
                shapely.union_all([g for g in exclude if g is not None])
            )
    geom = _polygons_only(shapely.make_valid(geom))
    if geom.is_empty or area_km2(geom) < MIN_AREA_KM2:
        problems.append(
            Problem(
                version.mark,
                f"zone '{version.zone_id}' resolves to an empty shape (under "
                f"{MIN_AREA_KM2} km²) after clipping to {', '.join(version.governorates)} "
                "and removing its exclusions; check its towns, outline and exclusions",
            )
        )
        return None
    return geom


def _part(part: Part, geodata: Geodata, problems: list[Problem]) -> BaseGeometry | None:
    pieces: list[BaseGeometry] = []
    if part.towns:
        points = shapely.points([(t.lon, t.lat) for t in part.towns])
        metric = [
            to_metres(p).buffer(part.buffer_km * 1000, quad_segs=6) for p in points
        ]
        merged = shapely.union_all(metric)
        # A part drawn from towns covers the area between them: their hull.
        pieces.append(to_degrees(merged.convex_hull if len(metric) > 1 else merged))
    if part.outline:
        ring = Polygon(part.outline)
        if not ring.is_valid:
            problems.append(
                Problem(
                    part.mark,
                    f"the outline is not a valid polygon ({shapely.is_valid_reason(ring)}); "
                    "list the points in order around the shape without crossing",
                )
            )
            return None
        pieces.append(ring)
    if not pieces:
        if part.governorate is None:
            return None
        return geodata.governorates[part.governorate].geometry
    geom = shapely.union_all(pieces)
    if part.governorate is not None:
        clipped = geom.intersection(geodata.governorates[part.governorate].geometry)
        if clipped.is_empty or area_km2(clipped) < MIN_AREA_KM2:
            problems.append(
                Problem(
                    part.mark,
                    f"this part lies outside {part.governorate}: nothing is left after "
                    "clipping it to the governorate; check the towns or the outline",
                )
            )
            return None
        return clipped
    return geom


def _polygons_only(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts: list[Polygon] = []
    for g in getattr(geom, "geoms", []):
        if g.geom_type == "Polygon":
            parts.append(g)
        elif g.geom_type == "MultiPolygon":
            parts.extend(g.geoms)
    return shapely.MultiPolygon(parts)


def governorates_touched(
    geom: BaseGeometry, geodata: Geodata, *, min_km2: float = 1.0
) -> list[str]:
    """ISO codes of the governorates that a shape covers more than ``min_km2`` of."""
    out = []
    for code in geodata.governorate_codes:
        inter = geom.intersection(geodata.governorates[code].geometry)
        if not inter.is_empty and area_km2(inter) > min_km2:
            out.append(code)
    return out


def union_of(geoms: Iterable[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(list(geoms))

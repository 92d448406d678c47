"""Turn each zone version's extent into one lon/lat geometry.

Towns are widened in a local Lambert azimuthal equal-area projection (metres,
true areas), never in Web Mercator; everything is clipped to the named
governorates, whose Natural Earth borders are kept exactly.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from mapgen.cache import BuildCache
from mapgen.errors import Problem, ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.geojson import geometry_json
from mapgen.geometry.projection import area_km2, to_degrees, to_metres
from mapgen.model import AtlasData, Band, Part, Slice, ZoneVersion

MIN_AREA_KM2 = 0.5
# How close to the international border a zone edge counts as lying on it.
BORDER_TOLERANCE_M = 300.0


@dataclass
class Resolved:
    """Geometry for every zone version (by ``ZoneVersion.key``), post and route."""

    shapes: dict[str, BaseGeometry]
    governorates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fronts: dict[str, BaseGeometry] = field(default_factory=dict)
    posts: dict[str, BaseGeometry] = field(default_factory=dict)
    routes: dict[str, BaseGeometry] = field(default_factory=dict)
    boundaries: dict[str, BaseGeometry] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    _geojson: dict[str, dict[str, Any]] = field(default_factory=dict)
    _areas: dict[str, float] = field(default_factory=dict)

    def geojson(self, key: str, geom: BaseGeometry) -> dict[str, Any]:
        """The RFC 7946 geometry of a feature, serialised once per build."""
        if key not in self._geojson:
            self._geojson[key] = geometry_json(geom)
        return self._geojson[key]

    def of(self, version: ZoneVersion) -> BaseGeometry:
        return self.shapes[version.key]

    def area_km2(self, version: ZoneVersion) -> float:
        """The version's area in km² (equal-area projection), computed once."""
        if version.key not in self._areas:
            self._areas[version.key] = area_km2(self.of(version))
        return self._areas[version.key]

    def governorates_of(self, version: ZoneVersion) -> tuple[str, ...]:
        return self.governorates.get(version.key, version.governorates)

    def governorates_by_point(self, point: BaseGeometry) -> list[str]:
        return [code for code, geom in self.boundaries.items() if geom.covers(point)]


def resolve_atlas(
    atlas: AtlasData, geodata: Geodata, cache: BuildCache | None = None
) -> Resolved:
    """Draw every zone version, post and route; reuse shapes from ``cache``."""
    cache = cache if cache is not None else BuildCache()
    problems: list[Problem] = []
    out = Resolved({})
    out.boundaries = {
        c: geodata.governorates[c].geometry for c in geodata.governorate_codes
    }
    drawn = [v for v in atlas.versions if v.derived is None]
    for version in drawn + [v for v in atlas.versions if v.derived is not None]:
        fingerprint = _fingerprint(version, atlas, out, geodata)
        cached = cache.shape(fingerprint)
        if cached is not None:
            geom, front, govs = cached
        else:
            before = len(problems)
            front = None
            made = (
                resolve_version(version, geodata, problems)
                if version.derived is None
                else _derive(version, atlas, out, geodata, problems)
            )
            if made is None:
                continue
            geom = made
            front = out.fronts.get(version.key)
            govs = (
                version.governorates
                if version.derived is None
                else tuple(governorates_touched(geom, geodata))
            )
            if len(problems) == before:
                cache.keep_shape(fingerprint, (geom, front, govs))
        out.shapes[version.key] = geom
        out.fingerprints[version.key] = fingerprint
        out.governorates[version.key] = govs
        if front is not None:
            out.fronts[version.key] = front
    for post in atlas.posts:
        if post.lon is not None and post.lat is not None:
            out.posts[post.post_id] = shapely.Point(post.lon, post.lat)
        elif post.near is not None:
            near = _part(post.near, geodata, problems)
            if near is not None:
                out.posts[post.post_id] = near.point_on_surface()
    for route in atlas.routes:
        out.routes[route.route_id] = shapely.LineString(
            [(t.lon, t.lat) for t in route.towns]
        )
    if problems:
        raise ZoneDataError(problems)
    return out


def _fingerprint(
    version: ZoneVersion, atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> str:
    parts = [geodata.fingerprint, version.definition]
    if version.derived is not None:
        base = next(
            (
                v
                for v in atlas.history(version.derived.base)
                if v.in_force(version.valid_from)
            ),
            None,
        )
        parts.append(resolved.fingerprints.get(base.key, "") if base else "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _derive(
    version: ZoneVersion,
    atlas: AtlasData,
    resolved: Resolved,
    geodata: Geodata,
    problems: list[Problem],
) -> BaseGeometry | None:
    rule = version.derived
    assert rule is not None
    base = next(
        (v for v in atlas.history(rule.base) if v.in_force(version.valid_from)), None
    )
    if base is None or base.key not in resolved.shapes:
        return None  # reported by the loader, or the base failed to resolve
    base_geom = resolved.shapes[base.key]
    if isinstance(rule, Band):
        geom, front = band(base_geom, rule, geodata)
        resolved.fronts[version.key] = front
    else:
        geom = equal_area_slice(base_geom, rule)
    geom = polygons_only(shapely.make_valid(geom))
    if geom.is_empty or area_km2(geom) < MIN_AREA_KM2:
        problems.append(
            Problem(
                rule.mark,
                f"the derived zone '{version.zone_id}' is empty: nothing of '{rule.base}' is left under this rule",
            )
        )
        return None
    return geom


def front_line(
    base: BaseGeometry, geodata: Geodata, not_along: Sequence[BaseGeometry]
) -> BaseGeometry:
    """The base zone's boundary with the rest of Syria, in metres: its outline
    less the international border (and coast) and less any ``not_along`` areas."""
    metric = shapely.make_valid(to_metres(base))
    border = to_metres(geodata.syria.boundary).buffer(BORDER_TOLERANCE_M)
    excluded = shapely.union_all(
        [border] + [to_metres(a).buffer(1000) for a in not_along]
    )
    return metric.boundary.difference(excluded)


def band(
    base: BaseGeometry, rule: Band, geodata: Geodata
) -> tuple[BaseGeometry, BaseGeometry]:
    """The part of ``base`` within ``rule.inner_km`` of its front line, and the
    front line itself (both in lon/lat)."""
    areas = [Polygon(p.outline) for p in rule.not_along]
    front = front_line(base, geodata, areas)
    strip = front.buffer(rule.inner_km * 1000, quad_segs=16)
    geom = shapely.make_valid(to_metres(base)).intersection(strip)
    return to_degrees(geom), to_degrees(front)


def equal_area_slice(base: BaseGeometry, rule: Slice) -> BaseGeometry:
    """Slice ``rule.index`` of ``rule.parts`` equal-area slices of ``base`` cut
    at right angles to a compass bearing, counted from the bearing's start."""
    metric = shapely.make_valid(to_metres(base))
    theta = math.radians(rule.bearing_deg)
    ax, ay = math.sin(theta), math.cos(theta)
    coords = shapely.get_coordinates(metric)
    projected = coords[:, 0] * ax + coords[:, 1] * ay
    lo_end, hi_end = float(projected.min()) - 1.0, float(projected.max()) + 1.0
    reach = float(np.abs(coords).max()) * 4 + 1e5

    def strip(a: float, b: float) -> BaseGeometry:
        """Everything whose position along the axis lies between a and b."""
        px, py = -ay * reach, ax * reach
        return metric.intersection(
            Polygon(
                [
                    (ax * a + px, ay * a + py),
                    (ax * a - px, ay * a - py),
                    (ax * b - px, ay * b - py),
                    (ax * b + px, ay * b + py),
                ]
            )
        )

    def cut_at(share: float) -> float:
        lo, hi = lo_end, hi_end
        for _ in range(50):
            mid = (lo + hi) / 2
            if strip(lo_end, mid).area < share * metric.area:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    a = cut_at((rule.index - 1) / rule.parts) if rule.index > 1 else lo_end
    b = cut_at(rule.index / rule.parts) if rule.index < rule.parts else hi_end
    return to_degrees(strip(a, b))


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
    geom = polygons_only(shapely.make_valid(geom))
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
        if shapely.make_valid(ring).area == 0:
            problems.append(_no_area(part))
            return None
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
    if geom.is_empty or area_km2(geom) < MIN_AREA_KM2:
        problems.append(_no_area(part))
        return None
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


def _no_area(part: Part) -> Problem:
    if part.towns and part.buffer_km <= 0:
        why = "its towns are widened by 0 km ('buffer_km: 0')"
    elif part.outline:
        why = "the points of its outline lie on one line or enclose no ground"
    else:
        why = "what it names encloses no ground"
    return Problem(
        part.mark,
        f"this part has no area: {why}; give an outline around an area, "
        "or a 'buffer_km' above 0",
    )


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

"""Turn each zone version's extent into one lon/lat geometry.

Towns are widened in a local Lambert azimuthal equal-area projection (metres,
true areas), never in Web Mercator; everything is clipped to the named
governorates, whose Natural Earth borders are kept exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
import shapely.affinity
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from mapgen.cache import BuildCache
from mapgen.errors import Problem, ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.geometry import states
from mapgen.geometry.clean import polygons_only
from mapgen.geometry.geojson import geometry_json
from mapgen.geometry.projection import area_km2, to_degrees, to_metres
from mapgen.geometry.territory import Ground
from mapgen.model import AtlasData, Band, Part, Slice, ZoneVersion

MIN_AREA_KM2 = 0.5
SLIVER_KM2 = 1.0
# How close to the international border a zone edge counts as lying on it.
BORDER_TOLERANCE_M = 300.0
# How far a band's front may be simplified before it is buffered (metres).
BAND_TOLERANCE_M = 25.0
# How close to another side's ground a zone edge counts as the front.
FRONT_TOLERANCE_M = 200.0


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
    # Each drawn version's declared area (before its side's ground is applied).
    declared: dict[str, BaseGeometry] = field(default_factory=dict)
    # Not errors, but worth saying (a zone with no ground of its side on day one).
    warnings: list[Problem] = field(default_factory=list)
    _geojson: dict[str, dict[str, Any]] = field(default_factory=dict)
    _areas: dict[str, float] = field(default_factory=dict)

    def geojson(self, key: str, geom: BaseGeometry) -> dict[str, Any]:
        """The RFC 7946 geometry of a feature, serialised once per build."""
        if key not in self._geojson:
            self._geojson[key] = geometry_json(geom)
        return self._geojson[key]

    def keep(
        self,
        version: ZoneVersion,
        geom: BaseGeometry,
        fingerprint: str,
        governorates: tuple[str, ...],
    ) -> None:
        self.shapes[version.key] = geom
        self.fingerprints[version.key] = fingerprint
        self.governorates[version.key] = governorates

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
) -> tuple[AtlasData, Resolved]:
    """Draw every zone version, post and route; reuse shapes from ``cache``.

    A version with ``held_by`` becomes its dated states (``mapgen.geometry.states``),
    and a zone derived from it follows them; the atlas returned lists the states
    in place of the versions."""
    cache = cache if cache is not None else BuildCache()
    problems: list[Problem] = []
    out = Resolved({})
    out.boundaries = {
        c: geodata.governorates[c].geometry for c in geodata.governorate_codes
    }
    ground = _Ground(atlas, geodata)
    if not atlas.control.fronts and any(v.held_by for v in atlas.versions):
        first = next(v for v in atlas.versions if v.held_by)
        out.warnings.append(
            Problem(
                first.mark,
                "there is no control data (zones/control), so zones with 'held_by' "
                "are drawn as their whole declared areas, not the ground their "
                "sides held",
            )
        )
    versions: list[ZoneVersion] = []
    for version in atlas.versions:
        if version.derived is not None:
            continue
        fingerprint = _digest(geodata.fingerprint, version.definition)
        cached = cache.shape(fingerprint)
        if cached is not None:
            declared = cached[0]
        else:
            before = len(problems)
            made = resolve_version(version, geodata, problems)
            if made is None:
                continue
            declared = made
            if len(problems) == before:
                cache.keep_shape(fingerprint, (declared, None, version.governorates))
        out.declared[version.key] = declared
        if not version.held_by or not atlas.control.fronts:
            out.keep(version, declared, fingerprint, version.governorates)
            versions.append(version)
            continue
        near = ground.ground.near(declared, states.NEAR_KM)
        split = states.split(version, near, atlas.control.horizon)
        kept = len(versions)
        for state in split:
            key = _digest(
                fingerprint, ",".join(state.held_by), ground.signature(state.valid_from)
            )
            hit = cache.shape(key)
            if hit is not None:
                geom = hit[0]
            else:
                geom = ground.covered(declared, state.held_by, state.valid_from)
                cache.keep_shape(key, (geom, None, version.governorates))
            if not _has_area(geom):
                if state.valid_from == version.valid_from:
                    out.warnings.append(
                        Problem(
                            version.mark,
                            f"zone '{version.zone_id}' holds no ground of "
                            f"{' or '.join(version.held_by)} on {state.valid_from}, "
                            "its first day: the control data has no settlement of "
                            "that side in its declared area then",
                        )
                    )
                continue
            out.keep(state, geom, key, version.governorates)
            versions.append(state)
        if split and len(versions) > kept and versions[-1] is not split[-1]:
            # Its last ground fell before the agreement's end: it ends then.
            versions[-1] = replace(
                versions[-1], fate=split[-1].fate, fate_note=split[-1].fate_note
            )
    drawn = tuple(versions)
    for version in atlas.versions:
        if version.derived is not None:
            versions.extend(
                _derive_states(version, drawn, out, geodata, ground, cache, problems)
            )
    for post in atlas.posts:
        if post.lon is not None and post.lat is not None:
            out.posts[post.post_id] = shapely.Point(post.lon, post.lat)
        elif post.near is not None:
            near_part = _part(post.near, geodata, problems)
            if near_part is not None:
                out.posts[post.post_id] = near_part.point_on_surface()
    for route in atlas.routes:
        out.routes[route.route_id] = shapely.LineString(
            [(t.lon, t.lat) for t in route.towns]
        )
    out.warnings.extend(_horizon_warnings(atlas, versions))
    if problems:
        raise ZoneDataError(problems)
    return replace(atlas, versions=tuple(versions)), out


def _horizon_warnings(atlas: AtlasData, drawn: Sequence[ZoneVersion]) -> list[Problem]:
    """Say which control file's horizon all the control data is cut at, when
    the files disagree, and every zone that horizon leaves out altogether."""
    front = atlas.control.horizon_front
    if front is None or front.horizon_mark is None:
        return []
    horizon, where = front.horizon, front.horizon_mark
    out = []
    latest = max(f.horizon for f in atlas.control.fronts)
    if latest > horizon:
        out.append(
            Problem(
                where,
                f"this horizon, {horizon}, is the earliest of the control files' "
                f"(others keep to {latest}): all control data, and every zone that "
                "follows the ground, stops on it",
            )
        )
    for v in atlas.versions:
        if (v.held_by or v.derived) and v.valid_from > horizon:
            end = v.valid_to or dt.date.max
            if not any(
                d.zone_id == v.zone_id and v.valid_from <= d.valid_from < end
                for d in drawn
            ):
                out.append(
                    Problem(
                        v.mark,
                        f"zone '{v.zone_id}' begins on {v.valid_from}, after the "
                        f"control data's horizon {horizon} (set at {where}), so it "
                        "is not drawn at all; keep that control file to "
                        f"{v.valid_from} or later",
                    )
                )
    return out


def _has_area(geom: BaseGeometry) -> bool:
    return not geom.is_empty and area_km2(geom) >= MIN_AREA_KM2


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class _Ground:
    """The zones' view of the ground (``territory.Ground``), with the states'
    fingerprints."""

    def __init__(self, atlas: AtlasData, geodata: Geodata) -> None:
        self.ground = Ground(atlas.control, geodata)
        self.geodata = geodata

    @functools.cached_property
    def border(self) -> BaseGeometry:
        """Syria's widened border (metres), once for every band state."""
        return border_zone(self.geodata)

    def signature(self, day: dt.date) -> str:
        return self.ground.signature(day)

    def side(self, day: dt.date, side: str) -> BaseGeometry:
        return self.ground.land(day, (side,))

    def covered(
        self, declared: BaseGeometry, held_by: tuple[str, ...], day: dt.date
    ) -> BaseGeometry:
        """The part of ``declared`` on ground held by ``held_by`` on ``day``."""
        land = self.ground.land(day, tuple(sorted(held_by)), declared.bounds)
        if land.is_empty:
            return shapely.MultiPolygon()
        made = polygons_only(shapely.make_valid(declared.intersection(land)))
        # Corners of a declared box that a distant settlement's cell just
        # reaches are artefacts, not ground: parts under SLIVER_KM2 are dropped.
        parts = [p for p in getattr(made, "geoms", [made]) if area_km2(p) >= SLIVER_KM2]
        return shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon()


def _derive_states(
    version: ZoneVersion,
    drawn: tuple[ZoneVersion, ...],
    resolved: Resolved,
    geodata: Geodata,
    ground: _Ground,
    cache: BuildCache,
    problems: list[Problem],
) -> list[ZoneVersion]:
    """A derived zone, once for each state of its base while it is in force."""
    rule = version.derived
    assert rule is not None
    end = version.valid_to or dt.date.max
    bases = [
        b
        for b in drawn
        if b.zone_id == rule.base
        and b.valid_from < end
        and (b.valid_to is None or b.valid_to > version.valid_from)
    ]
    made: list[ZoneVersion] = []
    facing = rule.facing if isinstance(rule, Band) else None
    for i, base in enumerate(bases):
        first = max(base.valid_from, version.valid_from)
        last = min(base.valid_to or dt.date.max, end)
        final = i == len(bases) - 1
        own_end = last == end
        state = replace(
            version,
            valid_from=first,
            valid_to=None if last == dt.date.max else last,
            declared_from=version.valid_from
            if len(bases) > 1 or base.declared_from
            else None,
            fate=(version.fate if own_end else base.fate) if final else None,
            fate_note=(version.fate_note if own_end else base.fate_note)
            if final
            else None,
        )
        key = _digest(
            geodata.fingerprint,
            version.definition,
            resolved.fingerprints[base.key],
            ground.signature(first) if facing else "",
        )
        cached = cache.shape(key)
        if cached is not None:
            geom, front, govs = cached
        else:
            before = len(problems)
            base_geom = resolved.shapes[base.key]
            front = None
            if isinstance(rule, Band):
                # Without control data there is no front to face: the rule falls
                # back to the zone's whole boundary (less the border).
                has_ground = bool(ground.ground.settlements)
                land = ground.side(first, facing) if facing and has_ground else None
                geom, front = band(base_geom, rule, geodata, land, ground.border)
            else:
                geom = equal_area_slice(base_geom, rule)
            geom = polygons_only(shapely.make_valid(geom))
            if not _has_area(geom):
                empty = Problem(
                    rule.mark,
                    f"the derived zone '{version.zone_id}' is empty on {first}: "
                    f"nothing of '{rule.base}' is left under this rule",
                )
                # A state of the ground can leave nothing for a while: said, not
                # fatal. A rule that leaves nothing of a drawn zone is a mistake.
                if base.declared_from is not None:
                    resolved.warnings.append(empty)
                else:
                    problems.append(empty)
                continue
            govs = tuple(governorates_touched(geom, geodata))
            if len(problems) == before:
                cache.keep_shape(key, (geom, front, govs))
        resolved.keep(state, geom, key, govs)
        if front is not None:
            resolved.fronts[state.key] = front
        made.append(state)
    return made


def border_zone(geodata: Geodata) -> BaseGeometry:
    """Syria's border and coast widened by BORDER_TOLERANCE_M (metres): a
    front leaves it out."""
    return to_metres(geodata.syria.boundary).buffer(BORDER_TOLERANCE_M)


def front_line(
    base: BaseGeometry,
    geodata: Geodata,
    not_along: Sequence[BaseGeometry],
    facing: BaseGeometry | None = None,
    border: BaseGeometry | None = None,
) -> BaseGeometry:
    """The base zone's boundary with the rest of Syria, in metres: its outline
    less the international border (and coast) and less any ``not_along`` areas;
    with ``facing`` (a side's ground, lon/lat), only where it meets that ground."""
    metric = shapely.make_valid(to_metres(base))
    border = border if border is not None else border_zone(geodata)
    excluded = shapely.union_all(
        [border] + [to_metres(a).buffer(1000) for a in not_along]
    )
    line = metric.boundary.difference(excluded)
    if facing is not None:
        # Only the other side's ground near the zone matters: cut it to the
        # zone's box (plus a margin) before widening it.
        box = shapely.box(*metric.bounds).buffer(5 * FRONT_TOLERANCE_M)
        near = shapely.clip_by_rect(to_metres(facing), *box.bounds)
        line = line.intersection(near.buffer(FRONT_TOLERANCE_M))
    return line


def band(
    base: BaseGeometry,
    rule: Band,
    geodata: Geodata,
    facing: BaseGeometry | None = None,
    border: BaseGeometry | None = None,
) -> tuple[BaseGeometry, BaseGeometry]:
    """The part of ``base`` within ``rule.inner_km`` of its front line, and the
    front line itself (both in lon/lat)."""
    areas = [Polygon(p.outline) for p in rule.not_along]
    front = front_line(base, geodata, areas, facing, border)
    # Buffered from the front simplified to BAND_TOLERANCE_M: the band's inner
    # edge is that close to exact, and a front of thousands of cell edges costs
    # a fraction of the time.
    strip = front.simplify(BAND_TOLERANCE_M).buffer(rule.inner_km * 1000, quad_segs=8)
    geom = shapely.make_valid(to_metres(base)).intersection(strip)
    return to_degrees(geom), to_degrees(front)


def equal_area_slice(base: BaseGeometry, rule: Slice) -> BaseGeometry:
    """Slice ``rule.index`` of ``rule.parts`` equal-area slices of ``base`` cut
    at right angles to a compass bearing, counted from the bearing's start.

    The shape is turned so that the bearing points along x; a slice is then a
    clip by a rectangle (cheap), and its cuts are found by bisection on area."""
    metric = shapely.make_valid(to_metres(base))
    turn = rule.bearing_deg - 90.0  # counter-clockwise, so the bearing lies along +x
    turned = shapely.affinity.rotate(metric, turn, origin=(0.0, 0.0))
    x0, y0, x1, y1 = turned.bounds
    lo_end, hi_end = x0 - 1.0, x1 + 1.0
    whole = turned.area

    def strip(a: float, b: float) -> BaseGeometry:
        """Everything whose position along the bearing lies between a and b."""
        return shapely.clip_by_rect(turned, a, y0 - 1.0, b, y1 + 1.0)

    def cut_at(share: float) -> float:
        lo, hi = lo_end, hi_end
        for _ in range(40):  # a millimetre on a 1,000 km span
            mid = (lo + hi) / 2
            if strip(lo_end, mid).area < share * whole:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    a = cut_at((rule.index - 1) / rule.parts) if rule.index > 1 else lo_end
    b = cut_at(rule.index / rule.parts) if rule.index < rule.parts else hi_end
    piece = shapely.affinity.rotate(strip(a, b), -turn, origin=(0.0, 0.0))
    return to_degrees(shapely.make_valid(piece))


def resolve_version(
    version: ZoneVersion, geodata: Geodata, problems: list[Problem]
) -> BaseGeometry | None:
    if version.extent is None:
        geom = shapely.union_all([geodata.ground(c) for c in version.governorates])
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
    if not _has_area(geom):
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
        return geodata.ground(part.governorate)
    geom = shapely.union_all(pieces)
    if geom.is_empty or area_km2(geom) < MIN_AREA_KM2:
        problems.append(_no_area(part))
        return None
    if part.governorate is not None:
        clipped = geom.intersection(geodata.ground(part.governorate))
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

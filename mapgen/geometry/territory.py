"""Territory by side on a date, computed from who held each settlement.

The method (``docs/control-data.md``): in the atlas's equal-area projection,
every settlement whose control is known on the date gets its Voronoi cell among
all such settlements, cut at ``reach_km`` from the settlement (so that one
village does not own 40 km of empty desert) and clipped to Syria; a side's
territory is the union of its settlements' cells. The boundary between two
sides therefore falls midway between their nearest settlements: its precision
is half the distance between them, which the atlas reports as each front
settlement's distance to the nearest settlement of another side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.errors
from shapely.geometry.base import BaseGeometry

from mapgen.geodata.extracts import Geodata
from mapgen.geometry.clean import polygons_only
from mapgen.geometry.projection import (
    area_km2,
    many_to_degrees,
    many_to_metres,
    to_metres,
)
from mapgen.model import Control, Settlement

# How far a settlement's cell may reach: about the distance between villages in
# the settled west, so that sparse desert settlements do not claim the desert.
REACH_KM = 10.0


@dataclass(frozen=True)
class Territory:
    """What each side held on ``day``, and the settlements it was drawn from."""

    day: dt.date
    sides: dict[str, BaseGeometry]
    settlements: tuple[tuple[Settlement, str], ...]
    reach_km: float

    def area_km2(self, side: str) -> float:
        geom = self.sides.get(side)
        return area_km2(geom) if geom is not None else 0.0

    def side_at(self, lon: float, lat: float) -> str | None:
        point = shapely.Point(lon, lat)
        for side, geom in self.sides.items():
            if geom.covers(point):
                return side
        return None


def territory_on(
    control: Control, geodata: Geodata, day: dt.date, *, reach_km: float = REACH_KM
) -> Territory:
    """Each side's territory on ``day`` (lon/lat geometries)."""
    known = [(s, side) for s in control.settlements if (side := s.side_on(day))]
    if not known:
        return Territory(day, {}, (), reach_km)
    metric = many_to_metres(shapely.points([(s.lon, s.lat) for s, _ in known]))
    syria = geodata.syria
    envelope = to_metres(syria.envelope).buffer(reach_km * 1000)
    if len(metric) == 1:
        cells = np.array([envelope], dtype=object)
    else:
        cells = np.array(
            shapely.voronoi_polygons(
                shapely.MultiPoint(list(metric)), extend_to=envelope, ordered=True
            ).geoms,
            dtype=object,
        )
    cells = shapely.intersection(
        cells, shapely.buffer(metric, reach_km * 1000, quad_segs=8)
    )
    # Back to degrees, then clipped to Syria there (a clip in metres would leave
    # border edges a few centimetres off the degree-space border). Only cells that
    # cross the border are clipped, each against the border's piece in its box.
    cells = many_to_degrees(cells)
    shapely.prepare(syria)
    inside = shapely.contains_properly(syria, cells)
    by_side: dict[str, list[BaseGeometry]] = {}
    for (_, side), cell, within in zip(known, cells, inside, strict=True):
        if not within:
            cell = polygons_only(cell.intersection(_border_piece(syria, cell)))
        if not cell.is_empty:
            by_side.setdefault(side, []).append(cell)
    sides = {
        side: polygons_only(shapely.make_valid(shapely.union_all(cells_of_side)))
        for side, cells_of_side in sorted(by_side.items())
    }
    return Territory(day, sides, tuple(known), reach_km)


def _border_piece(syria: BaseGeometry, cell: BaseGeometry) -> BaseGeometry:
    """The part of Syria in the cell's bounding box (cheaper to intersect than
    the whole country); the whole country where GEOS cannot cut it cleanly."""
    try:
        return shapely.make_valid(shapely.clip_by_rect(syria, *cell.bounds))
    except shapely.errors.GEOSException:
        return syria


def front_distances(territory: Territory) -> list[float]:
    """For every settlement with a settlement of another side within 2 × reach,
    the distance (km) to the nearest such: the width of the band in which the
    line between them is uncertain."""
    pts = [
        (s, side, to_metres(shapely.Point(s.lon, s.lat)))
        for s, side in territory.settlements
    ]
    out = []
    limit = 2 * territory.reach_km * 1000
    for s, side, p in pts:
        others = [q.distance(p) for t, other, q in pts if other != side and t is not s]
        nearest = min(others, default=float("inf"))
        if nearest <= limit:
            out.append(nearest / 1000)
    return out


def partition_on(
    control: Control, geodata: Geodata, day: dt.date
) -> dict[str, BaseGeometry]:
    """Each side's ground on ``day`` as whole Voronoi cells (lon/lat), not cut
    at the reach: every point goes to the side of the nearest settlement whose
    control is known on that day. Zones intersect their declared area with
    this, so the agreement, not a distance, bounds what a settlement claims."""
    known = [(s, side) for s in control.settlements if (side := s.side_on(day))]
    if not known:
        return {}
    metric = many_to_metres(shapely.points([(s.lon, s.lat) for s, _ in known]))
    envelope = to_metres(geodata.syria.envelope).buffer(50_000)
    if len(metric) == 1:
        cells = [envelope]
    else:
        cells = list(
            shapely.voronoi_polygons(
                shapely.MultiPoint(list(metric)), extend_to=envelope, ordered=True
            ).geoms
        )
    by_side: dict[str, list[BaseGeometry]] = {}
    for (_, side), cell in zip(known, cells, strict=True):
        by_side.setdefault(side, []).append(cell)
    merged = {
        side: shapely.coverage_union_all(cells_of_side)
        for side, cells_of_side in sorted(by_side.items())
    }
    return dict(
        zip(
            merged,
            many_to_degrees(np.array(list(merged.values()), dtype=object)),
            strict=True,
        )
    )

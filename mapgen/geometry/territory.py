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
import functools
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.errors
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from mapgen.geodata.extracts import Geodata
from mapgen.geometry.clean import polygons_only
from mapgen.geometry.projection import (
    area_km2,
    many_to_degrees,
    many_to_metres,
    to_degrees,
    to_metres,
)
from mapgen.model import Control, Settlement

# Cells are unioned in blocks of this size (see Ground.land); how many block
# unions and answers are kept.
BLOCK_KM = 40.0
_BLOCKS_KEPT = 50_000
_LANDS_KEPT = 64
# Keys of (settlement, day): days as ordinals stay far below this.
_DAYS = 1 << 22
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


def voronoi_cells(
    points: NDArray[np.object_], envelope: BaseGeometry
) -> NDArray[np.object_]:
    """Each point's Voronoi cell (metres), in the points' order, out to
    ``envelope``; a lone point's cell is the envelope."""
    if len(points) == 0:
        return np.array([], dtype=object)
    if len(points) == 1:
        return np.array([envelope], dtype=object)
    return np.array(
        shapely.voronoi_polygons(
            shapely.MultiPoint(list(points)), extend_to=envelope, ordered=True
        ).geoms,
        dtype=object,
    )


def territory_on(
    control: Control, geodata: Geodata, day: dt.date, *, reach_km: float = REACH_KM
) -> Territory:
    """Each side's territory on ``day`` (lon/lat geometries)."""
    return Ground(control, geodata).territory(day, reach_km=reach_km)


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


class Ground:
    """Each side's ground on any day, as whole Voronoi cells (not cut at the
    reach): every point goes to the side of the nearest settlement whose control
    is known on that day. Zones intersect their declared area with this, so the
    agreement, not a distance, bounds what a settlement claims.

    Built for many days: the points are projected once, the cells are computed
    once per set of known settlements (side changes do not move them), and a
    side's ground is a coverage union of its cells, cached per day."""

    def __init__(self, control: Control, geodata: Geodata) -> None:
        self.settlements = control.settlements
        self.geodata = geodata
        # Every spell as one sorted array of keys (settlement, day): a day's
        # sides are one searchsorted for all settlements at once.
        self._names = sorted({sp.side for s in self.settlements for sp in s.history})
        code = {side: i for i, side in enumerate(self._names)}
        owners = [i for i, s in enumerate(self.settlements) for _ in s.history]
        days = [sp.start.toordinal() for s in self.settlements for sp in s.history]
        self._keys = np.array(owners, dtype=np.int64) * _DAYS + np.array(
            days, dtype=np.int64
        )
        self._owners = np.array(owners, dtype=np.int64)
        self._codes = np.array(
            [code[sp.side] for s in self.settlements for sp in s.history],
            dtype=np.int16,
        )
        self._everyone = np.arange(len(self.settlements), dtype=np.int64)
        self.metric = (
            many_to_metres(shapely.points([(s.lon, s.lat) for s in self.settlements]))
            if self.settlements
            else np.array([], dtype=object)
        )
        self._day_codes: dict[dt.date, NDArray[np.int16]] = {}
        self._land: OrderedDict[
            tuple[dt.date, tuple[str, ...], tuple[float, float, float, float] | None],
            BaseGeometry,
        ] = OrderedDict()
        self._blocks: dict[bytes, BaseGeometry] = {}
        self._signatures: dict[dt.date, str] = {}
        self._reaches: dict[tuple[bytes, float], BaseGeometry] = {}

    def codes_on(self, day: dt.date) -> NDArray[np.int16]:
        """Each settlement's side on ``day`` as an index into the side names
        (-1 before its history begins)."""
        if day not in self._day_codes:
            if not len(self._keys):
                out = np.full(len(self.settlements), -1, dtype=np.int16)
            else:
                wanted = self._everyone * _DAYS + day.toordinal()
                at = np.searchsorted(self._keys, wanted, side="right") - 1
                hit = at >= 0
                hit[hit] = self._owners[at[hit]] == self._everyone[hit]
                out = np.where(hit, self._codes[np.maximum(at, 0)], -1).astype(np.int16)
            self._day_codes[day] = out
        return self._day_codes[day]

    def sides_on(self, day: dt.date) -> tuple[str | None, ...]:
        """Who held each settlement on ``day`` (None before its history)."""
        names = self._names
        return tuple(names[c] if c >= 0 else None for c in self.codes_on(day).tolist())

    def signature(self, day: dt.date) -> str:
        """A digest of every settlement's side on ``day``: equal digests, equal ground."""
        if day not in self._signatures:
            digest = hashlib.sha256(self._places)
            digest.update("\x1f".join(self._names).encode())
            digest.update(self.codes_on(day).tobytes())
            self._signatures[day] = digest.hexdigest()
        return self._signatures[day]

    @functools.cached_property
    def _places(self) -> bytes:
        return "\x1f".join(f"{s.lon:.6f},{s.lat:.6f}" for s in self.settlements).encode(
            "utf-8"
        )

    def _cells_on(
        self, day: dt.date
    ) -> tuple[NDArray[np.object_], NDArray[np.float64], list[str]]:
        """The Voronoi cells (metres) of the settlements known on ``day``, their
        bounds, and their sides."""
        cells, bounds, codes = self._coded_cells(day)
        known = codes >= 0
        return (
            cells[known],
            bounds[known],
            [self._names[c] for c in codes[known].tolist()],
        )

    @functools.cached_property
    def _all_cells(self) -> tuple[NDArray[np.object_], NDArray[np.float64]]:
        """Every place's Voronoi cell (metres) and its bounds, once."""
        envelope = to_metres(self.geodata.syria.envelope).buffer(50_000)
        cells = voronoi_cells(self.metric, envelope)
        return cells, shapely.bounds(cells).reshape(-1, 4)

    def _coded_cells(
        self, day: dt.date
    ) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.int16]]:
        """Every place's Voronoi cell (metres), computed once for all places,
        known or not, with its bounds and its side's code on ``day`` (-1 where
        the place is not known yet: its cell is nobody's ground, drawn as
        unknown, rather than given to its neighbours)."""
        found, bounds = self._all_cells
        return found, bounds, self.codes_on(day)

    def land(
        self,
        day: dt.date,
        wanted: tuple[str, ...],
        within: tuple[float, float, float, float] | None = None,
    ) -> BaseGeometry:
        """The ground of the sides ``wanted`` on ``day`` (lon/lat); only the
        cells that reach into the box ``within`` (lon/lat) when it is given.

        The cells are unioned block by block (squares of BLOCK_KM): a change of
        one place redraws one block, and a day's ground is the union of the
        blocks' unions, so thousands of dated states cost little more than a
        few. Recent answers are kept; old ones are let go."""
        key = (day, wanted, within)
        if key in self._land:
            self._land.move_to_end(key)
            return self._land[key]
        cells, bounds, codes = self._coded_cells(day)
        want = [i for i, name in enumerate(self._names) if name in wanted]
        pick = np.isin(codes, want)
        if within is not None:
            x0, y0, x1, y1 = to_metres(shapely.box(*within)).bounds
            pick &= (
                (bounds[:, 0] <= x1)
                & (bounds[:, 2] >= x0)
                & (bounds[:, 1] <= y1)
                & (bounds[:, 3] >= y0)
            )
        mine = np.flatnonzero(pick)
        if not len(mine):
            answer: BaseGeometry = shapely.MultiPolygon()
        else:
            block = self._block_of(bounds)
            pieces = []
            order = mine[np.argsort(block[mine], kind="stable")]
            starts = np.flatnonzero(np.diff(block[order], prepend=-1))
            for part in np.split(order, starts[1:]):
                tag = part.astype(np.int64).tobytes()
                if tag not in self._blocks:
                    if len(self._blocks) > _BLOCKS_KEPT:
                        self._blocks.clear()
                    self._blocks[tag] = shapely.coverage_union_all(cells[part])
                pieces.append(self._blocks[tag])
            answer = to_degrees(shapely.coverage_union_all(pieces))
        self._land[key] = answer
        if len(self._land) > _LANDS_KEPT:
            self._land.popitem(last=False)
        return answer

    def _block_of(self, bounds: NDArray[np.float64]) -> NDArray[np.int64]:
        """Each cell's block: a square of BLOCK_KM by the centre of its box."""
        cx = ((bounds[:, 0] + bounds[:, 2]) / 2 // (BLOCK_KM * 1000)).astype(np.int64)
        cy = ((bounds[:, 1] + bounds[:, 3]) / 2 // (BLOCK_KM * 1000)).astype(np.int64)
        out: NDArray[np.int64] = cx * 100_000 + cy
        return out

    def territory(self, day: dt.date, *, reach_km: float = REACH_KM) -> Territory:
        """Each side's territory on ``day``: its settlements' whole cells, cut at
        ``reach_km`` from every known settlement and clipped to Syria."""
        sides = self.sides_on(day)
        known = [
            (s, side) for s, side in zip(self.settlements, sides, strict=True) if side
        ]
        if not known:
            return Territory(day, {}, (), reach_km)
        cells, _, cell_sides = self._cells_on(day)
        reach = self._reach(np.packbits(self.codes_on(day) >= 0).tobytes(), reach_km)
        out: dict[str, BaseGeometry] = {}
        for side in sorted(set(cell_sides)):
            pick = np.array([s == side for s in cell_sides], dtype=bool)
            land = to_degrees(shapely.coverage_union_all(cells[pick]))
            shapely.prepare(land)
            ground = polygons_only(shapely.make_valid(land.intersection(reach)))
            if not ground.is_empty:
                out[side] = ground
        return Territory(day, out, tuple(known), reach_km)

    def _reach(self, mask: bytes, reach_km: float) -> BaseGeometry:
        """Syria within ``reach_km`` of a known settlement (lon/lat), once per
        set of known settlements."""
        key = (mask, reach_km)
        if key not in self._reaches:
            known = np.flatnonzero(self.codes_on_mask(mask))
            discs = shapely.buffer(self.metric[known], reach_km * 1000, quad_segs=8)
            near = to_degrees(shapely.union_all(discs))
            syria = self.geodata.syria
            self._reaches[key] = shapely.make_valid(near.intersection(syria))
        return self._reaches[key]

    def page_cells(
        self, day: dt.date, *, reach_km: float = REACH_KM, tolerance: float = 0.0005
    ) -> list[tuple[int, BaseGeometry]]:
        """Each place known on ``day`` with its cell (lon/lat, simplified by
        ``tolerance`` degrees), cut at ``reach_km`` and clipped to Syria: what
        the pages colour by who held the place on any day."""
        all_cells, _, codes = self._coded_cells(day)
        known = np.flatnonzero(codes >= 0)
        cells = all_cells[known]
        discs = shapely.buffer(self.metric[known], reach_km * 1000, quad_segs=8)
        cut = many_to_degrees(shapely.intersection(cells, discs))
        syria = self.geodata.syria
        shapely.prepare(syria)
        inside = shapely.contains_properly(syria, cut)
        out: list[tuple[int, BaseGeometry]] = []
        for i, cell, within in zip(known.tolist(), cut, inside, strict=True):
            if not within:
                cell = polygons_only(shapely.make_valid(cell.intersection(syria)))
            cell = shapely.simplify(cell, tolerance, preserve_topology=True)
            if not cell.is_empty:
                out.append((i, cell))
        return out

    def codes_on_mask(self, mask: bytes) -> NDArray[np.bool_]:
        """The known-settlement flags a packed mask stands for."""
        bits = np.unpackbits(np.frombuffer(mask, dtype=np.uint8))
        return bits[: len(self.settlements)].astype(bool)

    def near(self, area: BaseGeometry, km: float) -> list[Settlement]:
        """The settlements within ``km`` of ``area`` (lon/lat)."""
        if not self.settlements:
            return []
        reach = to_metres(area).buffer(km * 1000, quad_segs=4)
        inside = shapely.contains(reach, self.metric)
        return [s for s, yes in zip(self.settlements, inside, strict=True) if yes]

"""Measurements of a derived band: how wide it is along its front line.

A band "15-20 km deep along the front" makes two claims, checked here as set
inclusions in an equal-area projection: every point of the base zone within
15 km of the front is in the band, and no point of the band is farther than
20 km from the front. Widths are sampled along the band's inner edge (its
outline away from the zone's own outline): each sample's distance to the front
is the band's depth there. Sampling from the front instead overstates depth
wherever bands from two stretches of the front merge (a salient narrower than
twice the depth, or a notch such as the one around Aleppo city), so those
figures are reported apart as ``from_front``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapgen.geometry.projection import to_metres


@dataclass(frozen=True)
class BandCheck:
    widths_km: tuple[float, ...]  # inner edge to front, every step_km
    from_front_km: tuple[float, ...]  # front to the nearest inner edge
    missing_within_min_km2: float  # zone area within min_km of the front, not in band
    beyond_max_km: float  # the band's farthest point from the front
    outside_base_km2: float  # band area outside the base zone
    area_km2: float

    @staticmethod
    def stats(values: tuple[float, ...]) -> tuple[float, float, float]:
        arr = np.array(values)
        return float(arr.min()), float(np.median(arr)), float(arr.max())


def _samples(lines: BaseGeometry, step_m: float) -> list[BaseGeometry]:
    points: list[BaseGeometry] = []
    for line in getattr(lines, "geoms", [lines]):
        if line.length == 0:
            continue
        n = max(int(line.length // step_m), 1)
        points.extend(line.interpolate(i * line.length / n) for i in range(n + 1))
    return points


def check_band(
    band: BaseGeometry,
    front: BaseGeometry,
    base: BaseGeometry,
    *,
    min_km: float,
    step_km: float = 1.0,
) -> BandCheck:
    band_m = shapely.make_valid(to_metres(band))
    front_m = to_metres(front)
    base_m = shapely.make_valid(to_metres(base))
    inner = band_m.boundary.difference(base_m.boundary.buffer(25))
    widths = tuple(p.distance(front_m) / 1000 for p in _samples(inner, step_km * 1000))
    from_front = tuple(
        p.distance(inner) / 1000 for p in _samples(front_m, 2 * step_km * 1000)
    )
    near = base_m.intersection(front_m.buffer(min_km * 1000, quad_segs=16))
    missing = near.difference(band_m).area / 1e6
    vertices = shapely.points(shapely.get_coordinates(band_m))
    farthest = float(np.max(shapely.distance(front_m, vertices))) / 1000
    outside = band_m.difference(base_m.buffer(1)).area / 1e6
    return BandCheck(widths, from_front, missing, farthest, outside, band_m.area / 1e6)

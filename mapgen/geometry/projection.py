"""The atlas's equal-area projection: distances, buffers and areas in metres.

A Lambert azimuthal equal-area projection centred on Syria, never Web
Mercator (which would widen a 17.5 km buffer's area by half).
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

# Planar area in this projection equals geodesic area (see tooling.md).
EQUAL_AREA = "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"
_TO_METRES = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)
_TO_DEGREES = Transformer.from_crs(EQUAL_AREA, "EPSG:4326", always_xy=True)


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: _xy(_TO_METRES, xy))


def many_to_metres(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """An array of geometries in metres, in one call."""
    out: NDArray[np.object_] = shapely.transform(geoms, lambda xy: _xy(_TO_METRES, xy))
    return out


def many_to_degrees(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """An array of geometries back in degrees, in one call."""
    out: NDArray[np.object_] = shapely.transform(geoms, lambda xy: _xy(_TO_DEGREES, xy))
    return out


def to_degrees(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: _xy(_TO_DEGREES, xy))


def _xy(transformer: Transformer, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def area_km2(geom: BaseGeometry) -> float:
    return float(to_metres(geom).area) / 1e6

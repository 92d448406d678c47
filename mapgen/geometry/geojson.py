"""RFC 7946 GeoJSON: rounding, winding and one deterministic serialisation."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

DECIMALS = 5


def _round_coords(coords: Any, decimals: int) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), decimals) + 0.0 for c in coords]
    return [_round_coords(c, decimals) for c in coords]


def round_geometry(geom: Any, decimals: int = DECIMALS) -> dict[str, Any]:
    """Round a GeoJSON geometry mapping, turning tuples into lists."""
    return {
        "type": geom["type"],
        "coordinates": _round_coords(geom["coordinates"], decimals),
    }


def geometry_json(geom: BaseGeometry, decimals: int = DECIMALS) -> dict[str, Any]:
    """A shapely geometry as RFC 7946 GeoJSON: lon/lat, CCW exteriors, rounded.

    Rounding can in principle fold a sliver into an invalid ring, so the
    rounded shape is snapped to the grid by GEOS first, which keeps it valid.
    """
    gridded = shapely.orient_polygons(shapely.set_precision(geom, 10.0**-decimals))
    # Round all coordinates at once so that each prints with at most `decimals`.
    rounded = shapely.set_coordinates(
        gridded, np.round(shapely.get_coordinates(gridded), decimals)
    )
    return dict(mapping(rounded))


def dumps_compact(data: Any, *, indent: bool = False) -> bytes:
    """Serialise with a fixed layout so that equal data gives equal bytes."""
    if indent:
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    else:
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), sort_keys=False
        )
    return (text + "\n").encode("utf-8")


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}

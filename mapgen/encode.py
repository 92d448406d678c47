"""Compact geometry for the pages: coordinates as delta-encoded polylines.

Pages carry their shapes in the encoded-polyline format (signed deltas of
coordinates scaled by 10^5, zig-zag varints in printable ASCII), longitude
first. It holds the same 5-decimal coordinates as the GeoJSON downloads in
about a quarter of the bytes; ``atlas.js`` turns it back into GeoJSON. The
downloads themselves stay plain RFC 7946.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SCALE = 100_000


def encode_line(coords: Any) -> str:
    """``[[lon, lat], ...]`` as one polyline string (vectorised with numpy)."""
    scaled = np.round(np.asarray(coords, dtype=np.float64) * SCALE).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), np.int64)).ravel()
    zigzag = np.where(deltas < 0, ~(deltas << 1), deltas << 1).astype(np.uint64)
    # Five bits a character, low bits first; 0x20 marks "more to come".
    shifts = np.arange(7, dtype=np.uint64) * np.uint64(5)
    chunks = (zigzag[:, None] >> shifts[None, :]) & np.uint64(0x1F)
    bits = np.maximum(np.ceil(np.log2(zigzag.astype(np.float64) + 1) / 5), 1)
    length = bits.astype(np.int64)
    k = np.arange(7)[None, :]
    more = (k < (length[:, None] - 1)).astype(np.uint64) * np.uint64(0x20)
    chars = (chunks | more) + np.uint64(63)
    return chars[k < length[:, None]].astype(np.uint8).tobytes().decode("ascii")


def decode_line(text: str) -> list[tuple[float, float]]:
    """The inverse of :func:`encode_line` (used by tests; the pages use JS)."""
    values = []
    i = 0
    while i < len(text):
        shift = result = 0
        while True:
            b = ord(text[i]) - 63
            i += 1
            result |= (b & 0x1F) << shift
            shift += 5
            if b < 0x20:
                break
        values.append(~(result >> 1) if result & 1 else result >> 1)
    coords = []
    x = y = 0
    for dx, dy in zip(values[0::2], values[1::2], strict=True):
        x, y = x + dx, y + dy
        coords.append((x / SCALE, y / SCALE))
    return coords


def encode_geometry(geom: dict[str, Any]) -> dict[str, Any]:
    kind, coords = geom["type"], geom["coordinates"]
    if kind == "Point":
        return {"type": kind, "coordinates": list(coords)}
    if kind == "LineString":
        return {"type": kind, "e": encode_line(coords)}
    if kind == "Polygon":
        return {"type": kind, "e": [encode_line(r) for r in coords]}
    if kind == "MultiPolygon":
        return {"type": kind, "e": [[encode_line(r) for r in p] for p in coords]}
    raise ValueError(f"Cannot encode a {kind} geometry.")


def encode_collection(collection: dict[str, Any]) -> dict[str, Any]:
    """A copy of a FeatureCollection with every geometry encoded."""
    return {
        "type": "FeatureCollection",
        "features": [
            {**f, "geometry": encode_geometry(f["geometry"])}
            for f in collection["features"]
        ],
    }

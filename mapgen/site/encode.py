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


# A reference to the page's table of repeated values: a string that starts with
# U+0001, which a zone file cannot contain (YAML forbids C0 control characters).
REF = "\u0001"


def intern(data: Any, *, min_length: int = 12) -> tuple[Any, list[Any]]:
    """Replace values that occur more than once (strings of at least
    ``min_length`` characters, and whole objects or lists) by references into a
    table; ``atlas.js`` expands them back. Returns (data, table)."""
    import json

    def canon(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    counts: dict[str, int] = {}

    def count(value: Any) -> None:
        if isinstance(value, dict):
            counts[canon(value)] = counts.get(canon(value), 0) + 1
            for v in value.values():
                count(v)
        elif isinstance(value, list):
            if value and not isinstance(value[0], (int, float)):
                counts[canon(value)] = counts.get(canon(value), 0) + 1
            for v in value:
                count(v)
        elif isinstance(value, str) and len(value) >= min_length:
            counts[canon(value)] = counts.get(canon(value), 0) + 1

    count(data)
    table: list[Any] = []
    index: dict[str, int] = {}

    def replace(value: Any) -> Any:
        if isinstance(value, (dict, list, str)) and counts.get(canon(value), 0) > 1:
            key = canon(value)
            if key not in index:
                index[key] = len(table)
                table.append(value)
            return f"{REF}{index[key]}"
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v) for v in value]
        return value

    return replace(data), table


def expand(data: Any, table: list[Any]) -> Any:
    """The inverse of :func:`intern` (used by tests; the pages use JS)."""
    if isinstance(data, str) and data.startswith(REF):
        return table[int(data[1:])]
    if isinstance(data, dict):
        return {k: expand(v, table) for k, v in data.items()}
    if isinstance(data, list):
        return [expand(v, table) for v in data]
    return data


# What a page needs to draw and list a feature; the rest of its properties are
# only read when its popup opens, so they travel in a details script.
DRAW_KEYS = (
    "id",
    "version",
    "name",
    "kind",
    "precision",
    "valid_from",
    "valid_to",
    "number",
    "colour",
    "label_at",
    "zone_began",
)


def page_features(
    collection: dict[str, Any], *, simplify_deg: float = 0.0
) -> dict[str, Any]:
    """Features for a page: geometry encoded, only the properties it draws with."""
    features = []
    for f in collection["features"]:
        geom = f["geometry"]
        if simplify_deg and geom["type"] in ("Polygon", "MultiPolygon"):
            geom = _simplified(geom, simplify_deg)
        props = f["properties"]
        features.append(
            {
                "type": "Feature",
                "id": f["id"],
                "properties": {k: props[k] for k in DRAW_KEYS if k in props},
                "geometry": encode_geometry(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def page_details(collection: dict[str, Any]) -> dict[str, Any]:
    """The properties a page leaves out, by feature id, repeated values interned."""
    details = {
        f["id"]: {k: v for k, v in f["properties"].items() if k not in DRAW_KEYS}
        for f in collection["features"]
    }
    interned, table = intern(details)
    return {"details": interned, "table": table}


def _simplified(geom: dict[str, Any], tolerance: float) -> dict[str, Any]:
    import shapely
    from shapely.geometry import shape

    from mapgen.geometry.geojson import geometry_json

    return geometry_json(
        shapely.simplify(shape(geom), tolerance, preserve_topology=True)
    )

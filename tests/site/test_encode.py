from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mapgen.site.encode import decode_line, encode_collection, encode_line

coords = st.lists(
    st.tuples(st.integers(3_500_000, 4_300_000), st.integers(3_200_000, 3_750_000)),
    min_size=1,
    max_size=50,
).map(lambda pts: [(x / 1e5, y / 1e5) for x, y in pts])


@given(coords)
def test_encoding_round_trips_5_decimal_coordinates(
    line: list[tuple[float, float]],
) -> None:
    assert decode_line(encode_line(line)) == line


def test_pages_carry_the_same_coordinates_as_the_downloads(site: Path) -> None:
    plain = json.loads((site / "geojson" / "2017-09-15.geojson").read_text())
    encoded = encode_collection(plain)
    for f, e in zip(plain["features"], encoded["features"], strict=True):
        g = f["geometry"]
        if g["type"] == "Polygon":
            assert [decode_line(r) for r in e["geometry"]["e"]] == [
                [tuple(p) for p in r] for r in g["coordinates"]
            ]
    size_plain = len(
        json.dumps(
            plain["features"][1]["geometry"]["coordinates"], separators=(",", ":")
        )
    )
    size_encoded = len(json.dumps(encoded["features"][1]["geometry"]["e"]))
    assert size_encoded < size_plain / 2.5

"""Issue 18: the dense gazetteer (geodata/wikimap.csv) is where independent
sources put the places, and a damaged extract is refused row by row."""

from __future__ import annotations

import json
import math
import statistics

import pytest
from conftest import ROOT

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata, name_keys
from mapgen.geodata.wikimap import COLUMNS, read_marks

GEODATA = Geodata(DEFAULT_DIR)


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371 * math.hypot(dx, math.radians(lat2 - lat1))


def test_the_extract_reads_without_a_problem() -> None:
    places, problems = GEODATA.wikimap
    assert not problems
    settlements = [p for p in places if p.kind == "settlement"]
    assert len(settlements) >= 4_500
    # At least 3,000 in the western governorates (west of 38.2° E).
    assert sum(p.lon < 38.2 for p in settlements) >= 3_000


def test_places_lie_where_geonames_puts_the_towns_of_the_same_name() -> None:
    # GeoNames cities500 (geodata/towns.json) is an independent source.
    towns = json.loads((ROOT / "geodata" / "towns.json").read_text())["towns"]
    places = [p for p in GEODATA.wikimap[0] if p.kind == "settlement"]
    distances = []
    for town in towns:
        keys: set[str] = set()
        for name in [town["name"], *town["names"]]:
            keys |= name_keys(name)
        near = [
            _km(town["lon"], town["lat"], p.lon, p.lat)
            for p in places
            if keys & name_keys(p.name)
        ]
        near = [d for d in near if d < 15]
        if near:
            distances.append(min(near))
    assert len(distances) >= 150
    assert statistics.median(distances) <= 0.5
    assert sum(d <= 2 for d in distances) / len(distances) >= 0.9


HEADER = ",".join(COLUMNS)
GOOD = "Harasta,33.5587,36.3652,settlement,opposition,opposition,opp,SY-RD,400000,1,"


def problems(*rows: str) -> list[str]:
    data = "\n".join([HEADER, *rows]).encode()
    codes = list(GEODATA.governorates)
    _, found = read_marks(data, "wikimap.csv", GEODATA.syria, codes)
    return [str(p) for p in found]


def test_a_good_row_reads() -> None:
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            GOOD.replace("33.5587,36.3652", "48.85,2.35"),
            "wikimap.csv:3:2: (48.85, 2.35) lies outside Syria",
        ),
        (
            GOOD.replace(",opposition,opposition,", ",regime,opposition,"),
            "wikimap.csv:3:5: unknown side 'regime'",
        ),
        (
            GOOD.replace("33.5587", "north"),
            "wikimap.csv:3:2: 'north' is not a latitude",
        ),
        (
            GOOD.replace("settlement", "castle"),
            "wikimap.csv:3:4: unknown kind 'castle'",
        ),
        (GOOD.replace("SY-RD", "SY-XX"), "wikimap.csv:3:8: unknown governorate code"),
        (GOOD + ",extra", "wikimap.csv:3:1: this row has 12 fields; expected 11"),
    ],
)
def test_every_bad_row_is_a_located_problem(row: str, expected: str) -> None:
    found = problems(GOOD.replace(",400000,1,", ",400000,9,"), row)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_one_mark_written_twice_is_a_problem() -> None:
    (found,) = problems(GOOD, GOOD)
    assert found.startswith(
        "wikimap.csv:3:1: mark wikimap:400000:1 is already on line 2"
    )

"""Issue 18: the places inside each zone on each agreement date, as a CSV the
site links, checked against places an independent source puts in or out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

FACTS = [
    fact
    for path in sorted((ROOT / "tests" / "facts").glob("*.yaml"))
    for fact in yaml.safe_load(path.read_text())["facts"]
]


def rows(site: Path) -> list[dict[str, str]]:
    with (site / "downloads" / "places-in-zones.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_the_index_links_the_csv(site: Path) -> None:
    index = (site / "index.html").read_text()
    assert 'href="downloads/places-in-zones.csv" download' in index


def test_every_row_is_a_place_inside_a_zone_in_force(site: Path) -> None:
    found = rows(site)
    assert len(found) > 1000
    assert {"idlib", "eastern-ghouta", "northern-homs", "south-west", "sochi-dmz"} <= {
        r["zone_id"] for r in found
    }
    assert "nationwide-ceasefire" not in {r["zone_id"] for r in found}
    assert {r["inferred"] for r in found} == {"yes", "no"}
    # A place of the zone's own sides: the de-escalation zones held opposition
    # and HTS ground only.
    assert {r["side"] for r in found if r["zone_id"] == "idlib"} <= {
        "opposition",
        "hts",
    }


@pytest.mark.parametrize(
    ("place", "zone", "day"),
    [
        ("Douma", "eastern-ghouta", "2017-09-15"),
        ("Talbiseh", "northern-homs", "2017-09-15"),
    ],
)
def test_a_town_a_source_puts_in_the_zone_is_listed(
    site: Path, place: str, zone: str, day: str
) -> None:
    # tests/facts: Douma (ghouta.yaml) and Talbiseh (homs.yaml) held by the
    # opposition in September 2017.
    assert any(
        f["place"] == place
        and str(f["date"]).startswith("2017-09")
        and f["side"] == "opposition"
        for f in FACTS
    )
    listed = {(r["place"], r["zone_id"], r["date"]) for r in rows(site)}
    assert (place, zone, day) in listed

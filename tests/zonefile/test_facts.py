"""Issue 18: control as facts (changes and attestations) and whole-pocket deals;
every contradiction is a located problem that names the sources on both sides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_control import GEODATA, VALID, problems
from test_control import write as write_control
from zonefiles import VALID as VALID_ZONES
from zonefiles import write

from mapgen.errors import ZoneDataError
from mapgen.histories import spells_from_facts
from mapgen.zonefile.control import load_control
from mapgen.zonefile.load import load_atlas

# Harasta's history in VALID: opposition from 2013-04-07, government from 2018-03-23.
SECOND = """      - from: 2018-03-23
        side: government
        sources: [offensive-wp]
"""


def with_entry(entry: str) -> str:
    return VALID.replace(SECOND, SECOND + entry)


def test_an_attestation_is_carried_back_as_inferred_and_a_change_is_not(
    tmp_path: Path,
) -> None:
    text = VALID.replace("      - from: 2013-04-07", "      - attested: 2017-06-01")
    (harasta,) = load_control(write_control(tmp_path, text), GEODATA).settlements
    first = harasta.spell_on(dt.date(2016, 6, 1))
    assert first is not None and first.side == "opposition" and first.inferred
    attested = harasta.spell_on(dt.date(2017, 6, 1))
    assert attested is not None and not attested.inferred
    assert harasta.side_on(dt.date(2015, 1, 1)) is None  # before the atlas's start


def test_a_changes_was_is_carried_back() -> None:
    from mapgen.errors import Mark
    from mapgen.model import Citation, Fact

    source = (Citation("k", "t", None, None, None, None),)
    facts = (
        Fact(
            Mark("f", 1, 1),
            dt.date(2018, 1, 1),
            "change",
            "government",
            "hts",
            source,
            None,
        ),
    )
    spells = spells_from_facts(facts)
    assert [(s.side, s.inferred) for s in spells] == [
        ("hts", True),
        ("government", False),
    ]


def test_two_entries_on_one_day_with_different_sides_are_a_problem(
    tmp_path: Path,
) -> None:
    entry = """      - from: 2018-03-23
        side: opposition
        sources: [geonames-cities500]
"""
    (found,) = problems(tmp_path, with_entry(entry))
    assert "two entries on 2018-03-23 give different sides" in found
    assert "offensive-wp" in found and "geonames-cities500" in found


def test_a_change_from_a_side_that_did_not_hold_it_is_a_problem(tmp_path: Path) -> None:
    entry = """      - from: 2018-06-01
        was: islamic-state
        side: opposition
        sources: [geonames-cities500]
"""
    (found,) = problems(tmp_path, with_entry(entry))
    assert (
        "this change is from 'islamic-state', but 'government' held it from 2018-03-23"
        in found
    )
    assert "offensive-wp" in found and "geonames-cities500" in found


def test_an_attestation_that_contradicts_the_change_before_it_is_a_problem(
    tmp_path: Path,
) -> None:
    entry = """      - attested: 2018-06-01
        side: opposition
        sources: [geonames-cities500]
"""
    (found,) = problems(tmp_path, with_entry(entry))
    assert (
        "this says 'opposition' held it on 2018-06-01 (geonames-cities500), but 'government' held it from 2018-03-23 (offensive-wp"
        in found
    )


def test_an_entry_with_both_from_and_attested_is_a_problem(tmp_path: Path) -> None:
    text = VALID.replace(
        "      - from: 2013-04-07",
        "      - from: 2013-04-07\n        attested: 2013-04-07",
    )
    (found,) = problems(tmp_path, text)
    assert "needs either 'from' (the day the side took it) or 'attested'" in found
    assert found.endswith("not both")


POCKETS = """\
sources:
  deal:
    title: A deal
    publisher: A publisher
    url: https://example.org/deal
pockets:
  - id: harasta-pocket
    name: Harasta pocket
    date: DATE
    from: [SIDE]
    to: government
    settlements:
      - name: NAME
    sources: [deal]
"""


def atlas_problems(tmp_path: Path, date: str, side: str, name: str) -> list[str]:
    zones = tmp_path / "zones"
    write(zones, VALID_ZONES)
    control = zones / "control"
    control.mkdir()
    (control / "test-front.yaml").write_text(VALID.replace("2018-03-23", "2018-06-01"))
    pockets = POCKETS.replace("DATE", date).replace("SIDE", side).replace("NAME", name)
    (control / "pockets.yaml").write_text(pockets)
    try:
        load_atlas(zones, GEODATA)
    except ZoneDataError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_valid_pocket_passes_its_places_on_its_day(tmp_path: Path) -> None:
    assert atlas_problems(tmp_path, "2018-03-23", "opposition", "Harasta") == []


@pytest.mark.parametrize(
    ("date", "side", "name", "expected"),
    [
        (
            "2018-03-23",
            "islamic-state",
            "Harasta",
            "pockets.yaml:7:5: the pocket 'harasta-pocket' holds no settlement of islamic-state on 2018-03-22",
        ),
        (
            "2018-03-23",
            "opposition",
            "Atlantis",
            "pockets.yaml:13:9: no settlement named 'Atlantis'",
        ),
    ],
)
def test_a_pocket_that_names_no_place_of_its_losing_side_is_a_problem(
    tmp_path: Path, date: str, side: str, name: str, expected: str
) -> None:
    found = atlas_problems(tmp_path, date, side, name)
    assert any(expected in f for f in found), found

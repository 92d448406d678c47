"""Issue 3's bad input: each a file:line:col error naming the valid choices."""

from __future__ import annotations

from pathlib import Path

import pytest
from zonefiles import VALID, line_of, write

from mapgen.errors import ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.site.build import load_and_resolve

DERIVED = (
    VALID
    + """\
  - id: test-band
    name: Test band
    kind: demilitarized-zone
    derived:
      from: test-zone
      band: {min_km: 1, max_km: 2, inner_edge_km: 1.5, basis: test}
    valid_from: 2017-05-04
    valid_to: null
    precision: schematic
    sources: [002_7e46fb40130ba7bf.txt]
"""
)
POSTS = """\
posts:
  - id: post-x
    number: 1
    name: X
    established: 2017-06-01
    established_as_reported: June 2017
    lon: 36.4
    lat: 33.57
    precision: approximate
    sources: [002_7e46fb40130ba7bf.txt]
routes:
  - id: road
    name: Road
    towns: [Duma, Harasta]
    valid_from: 2017-05-04
    valid_to: null
    precision: schematic
    sources: [002_7e46fb40130ba7bf.txt]
obligations:
  - id: ob
    what: Something
    due: 2017-06-01
    concerns: [test-zone, road]
    status: done
    sources: [002_7e46fb40130ba7bf.txt]
"""


def errors(tmp_path: Path, geodata: Geodata, text: str) -> list[str]:
    write(tmp_path, text)
    with pytest.raises(ZoneDataError) as info:
        load_and_resolve(tmp_path, geodata)
    return [str(p) for p in info.value.problems]


def test_a_valid_derived_file_loads(tmp_path: Path, geodata: Geodata) -> None:
    write(tmp_path, DERIVED + POSTS)
    atlas, resolved = load_and_resolve(tmp_path, geodata)
    assert [v.zone_id for v in atlas.versions] == ["test-zone", "test-band"]
    assert (
        len(atlas.posts) == 1 and len(atlas.routes) == 1 and len(atlas.obligations) == 1
    )
    assert resolved.governorates_of(atlas.versions[1]) == ("SY-RD",)


def test_unknown_base_zone(tmp_path: Path, geodata: Geodata) -> None:
    text = DERIVED.replace("from: test-zone", "from: test-zonee")
    found = errors(tmp_path, geodata, text)
    assert found == [
        f"{tmp_path / '2017-05-04-test.yaml'}:{line_of(text, 'band:')}:13: 'from: test-zonee' names no zone (did you mean 'test-zone'?); known zones: test-band, test-zone"
    ]


@pytest.mark.parametrize(
    ("band", "message"),
    [
        (
            "{min_km: 20, max_km: 15, inner_edge_km: 17, basis: t}",
            "'min_km' 20 is more than 'max_km' 15",
        ),
        (
            "{min_km: -1, max_km: 15, inner_edge_km: 10, basis: t}",
            "'min_km' should be a positive width in km, found -1",
        ),
        (
            "{min_km: 1, max_km: 2, inner_edge_km: 3, basis: t}",
            "'inner_edge_km' 3 should lie between 'min_km' 1 and 'max_km' 2",
        ),
    ],
)
def test_bad_band_widths(
    tmp_path: Path, geodata: Geodata, band: str, message: str
) -> None:
    text = DERIVED.replace(
        "{min_km: 1, max_km: 2, inner_edge_km: 1.5, basis: test}", band
    )
    found = errors(tmp_path, geodata, text)
    assert len(found) == 1 and message in found[0]
    assert f":{line_of(text, 'band:')}:" in found[0]


def test_post_outside_syria(tmp_path: Path, geodata: Geodata) -> None:
    text = DERIVED + POSTS.replace(
        "lon: 36.4\n    lat: 33.57", "lon: 35.5\n    lat: 33.9"
    )
    found = errors(tmp_path, geodata, text)
    assert len(found) == 1
    assert (
        f":{line_of(text, 'lon: 35.5')}:10: post 'X' at lon 35.5, lat 33.9 is outside Syria"
        in found[0]
    )


def test_route_through_unknown_town(tmp_path: Path, geodata: Geodata) -> None:
    text = DERIVED + POSTS.replace("towns: [Duma, Harasta]", "towns: [Duma, Atlantis]")
    found = errors(tmp_path, geodata, text)
    assert any(
        "unknown town 'Atlantis'" in p and f":{line_of(text, 'Atlantis')}:" in p
        for p in found
    )


def test_obligation_due_before_its_agreement_and_unknown_target(
    tmp_path: Path, geodata: Geodata
) -> None:
    text = DERIVED + POSTS.replace("due: 2017-06-01", "due: 2017-05-01").replace(
        "[test-zone, road]", "[test-zone, raod]"
    )
    found = errors(tmp_path, geodata, text)
    assert any(
        "obligation due 2017-05-01 is before its agreement's date 2017-05-04" in p
        for p in found
    )
    text = DERIVED + POSTS.replace("[test-zone, road]", "[test-zone, raod]")
    found = errors(tmp_path, geodata, text)
    assert any(
        "obligation concerns unknown zone or route 'raod' (did you mean 'road'?)" in p
        for p in found
    )

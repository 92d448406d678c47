"""Issue 10: a user's admin-1 boundary file in place of the packaged one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from conftest import AGREEMENT_DATES, MAPGEN, ROOT

import mapgen
from mapgen.errors import BoundaryError
from mapgen.geodata.extracts import DEFAULT_DIR


def ocha_style() -> gpd.GeoDataFrame:
    """The packaged governorates as OCHA's COD-AB names its fields, in UTM 37N."""
    data = json.loads((DEFAULT_DIR / "governorates.geojson").read_text())
    features = [f for f in data["features"] if f["properties"]["kind"] == "governorate"]
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    frame = frame.rename(columns={"ocha": "ADM1_PCODE", "name": "ADM1_EN"})
    return frame[["ADM1_EN", "ADM1_PCODE", "geometry"]].to_crs("EPSG:32637")


def test_a_cod_ab_style_shapefile_gives_the_same_zones(tmp_path: Path) -> None:
    path = tmp_path / "syr_admbnda_adm1.shp"
    ocha_style().to_file(path)
    ours = mapgen.open_atlas()
    theirs = mapgen.open_atlas(boundaries=path)
    worst = 0.0
    for day in AGREEMENT_DATES:
        a = ours.zones_on(day).set_index(["id", "version"])["area_km2"]
        b = theirs.zones_on(day).set_index(["id", "version"])["area_km2"]
        assert list(a.index) == list(b.index)
        worst = max(worst, float(((a - b).abs() / a).max()))
    assert worst < 0.005, f"largest area difference {worst:.3%}"


def test_build_and_validate_take_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "adm1.gpkg"
    ocha_style().to_file(path, layer="adm1", driver="GPKG")
    done = subprocess.run(
        [
            *MAPGEN,
            "build",
            "--boundaries",
            str(path),
            "--boundary-key",
            "ADM1_PCODE",
            "--out",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "maps" / "2017-09-15.html").is_file()


def problems(path: Path, key: str | None = None) -> list[str]:
    with pytest.raises(BoundaryError) as info:
        mapgen.open_atlas(boundaries=path, boundary_key=key)
    return info.value.problems


def test_a_missing_governorate_is_named(tmp_path: Path) -> None:
    frame = ocha_style()
    path = tmp_path / "adm1.shp"
    frame[frame["ADM1_PCODE"] != "SY08"].to_file(path)
    found = problems(path)
    assert any("has no feature for SY-HA (Al-Hasakah)" in p for p in found)
    assert any("uncovered" in p or "SY-HA" in p for p in found)


def test_a_wrong_key_field_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "adm1.shp"
    ocha_style().to_file(path)
    (found,) = problems(path, key="ADM1_EN")
    assert "the field 'ADM1_EN' holds no governorate codes" in found
    (missing,) = problems(path, key="NOPE")
    assert "has no field 'NOPE'" in missing and "ADM1_PCODE" in missing


def test_a_file_without_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "adm1.shp"
    ocha_style().to_file(path)
    path.with_suffix(".prj").unlink()
    (found,) = problems(path)
    assert "has no coordinate reference system" in found


def test_an_invalid_polygon_and_an_overlap_are_reported(tmp_path: Path) -> None:
    frame = ocha_style().to_crs("EPSG:4326")
    bowtie = shapely.Polygon([(38, 35), (38.5, 35.5), (38.5, 35), (38, 35.5)])
    frame.loc[frame["ADM1_PCODE"] == "SY11", "geometry"] = bowtie
    idlib = frame.loc[frame["ADM1_PCODE"] == "SY07", "geometry"].iloc[0]
    frame.loc[frame["ADM1_PCODE"] == "SY06", "geometry"] = (
        frame.loc[frame["ADM1_PCODE"] == "SY06", "geometry"]
        .iloc[0]
        .union(idlib.buffer(-0.05))
    )
    path = tmp_path / "adm1.geojson"
    frame.to_file(path, driver="GeoJSON")
    found = problems(path)
    assert any(
        "ADM1_PCODE='SY11'" in p and "not a valid polygon" in p for p in found
    ), found
    frame.loc[frame["ADM1_PCODE"] == "SY11", "geometry"] = (
        ocha_style()
        .to_crs("EPSG:4326")
        .loc[lambda f: f["ADM1_PCODE"] == "SY11", "geometry"]
        .iloc[0]
    )
    frame.to_file(path, driver="GeoJSON")
    found = problems(path)
    assert any("SY-ID and SY-LA overlap by" in p and "km²" in p for p in found), found


def test_the_cli_reports_each_problem_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "adm1.shp"
    frame = ocha_style()
    frame[~frame["ADM1_PCODE"].isin(["SY08", "SY09"])].to_file(path)
    done = subprocess.run(
        [*MAPGEN, "validate", "--boundaries", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "SY-HA (Al-Hasakah)" in done.stderr and "SY-DY (Deir ez-Zor)" in done.stderr
    assert "Traceback" not in done.stderr

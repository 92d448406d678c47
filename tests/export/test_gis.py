"""Issue 10: GIS formats, each opened back by a reader of its own."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely
import shapely.wkt
from conftest import MAPGEN, ROOT

IDLIB_CITY = shapely.Point(36.63393, 35.93062)  # GeoNames


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gis")
    for fmt, name in [
        ("gpkg", "atlas.gpkg"),
        ("shp", "atlas.shp.zip"),
        ("fgb", "atlas.fgb"),
        ("kml", "atlas.kml"),
        ("csv", "atlas.csv"),
    ]:
        done = subprocess.run(
            [*MAPGEN, "export", "--all", "--format", fmt, "-o", str(out / name)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return out


def test_geopackage_has_a_layer_per_geometry_kind_with_flat_typed_fields(
    exports: Path,
) -> None:
    path = exports / "atlas.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"zones": "MultiPolygon", "posts": "Point", "routes": "LineString"}
    info = pyogrio.read_info(path, layer="zones")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["version"] == "int32" and types["area_km2"] == "float64"
    assert types["valid_from"].startswith("datetime64")
    assert info["crs"] == "EPSG:4326"
    zones = pyogrio.read_dataframe(path, layer="zones")
    idlib = zones[(zones["id"] == "idlib") & (zones["version"] == 2)].iloc[0]
    assert idlib.geometry.contains(IDLIB_CITY)
    # Readable citations: the seed article by its publisher and title, not its file.
    assert (
        "Middle East Institute (MEI), 'Tehran, Ankara and Moscow Reach Agreement"
        in idlib["sources"]
    )
    assert "TASS, [story no. 965939, not retrieved], Sep 2017" in idlib["sources"]
    assert idlib["precision"] in ("exact", "approximate", "schematic")
    assert "Golan" in idlib["about"]
    posts = pyogrio.read_dataframe(path, layer="posts")
    assert sorted(posts["number"]) == list(range(1, 13))
    assert posts["version"].isna().all()


def test_shapefile_layers_have_short_field_names_and_a_prj(exports: Path) -> None:
    path = exports / "atlas.shp.zip"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    for layer in ("zones", "posts", "routes"):
        assert {f"{layer}.shp", f"{layer}.dbf", f"{layer}.shx", f"{layer}.prj"} <= names
        info = pyogrio.read_info(path, layer=layer)
        assert all(len(f) <= 10 for f in info["fields"])
        assert info["crs"] == "EPSG:4326"
    zones = pyogrio.read_dataframe(path, layer="zones")
    assert {"agr_date", "prec_note", "gov_pcode"} <= set(zones.columns)


def test_flatgeobuf_reads_back(exports: Path) -> None:
    df = pyogrio.read_dataframe(exports / "atlas.fgb")
    assert set(df["kind"]) >= {"de-escalation-zone", "observation-post", "route"}
    assert df.crs.to_epsg() == 4326


def _feature_count() -> int:
    """Every zone state, post and route of the atlas, counted from its GeoJSON."""
    done = subprocess.run(
        [*MAPGEN, "export", "--all"], cwd=ROOT, capture_output=True, check=True
    )
    count = len(json.loads(done.stdout)["features"])
    assert count > 100  # states, not just the 16 versions
    return count


def test_kml_carries_time_spans_for_a_second_reader(exports: Path) -> None:
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(exports / "atlas.kml").getroot()
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == _feature_count()
    spans = {}
    for mark in marks:
        name = mark.findtext("k:name", namespaces=ns)
        begin = mark.findtext("k:TimeSpan/k:begin", namespaces=ns)
        end = mark.findtext("k:TimeSpan/k:end", namespaces=ns)
        spans.setdefault(name, []).append((begin, end))
    ghouta = spans["Eastern Ghouta de-escalation zone"]
    assert ("2017-07-22" in {b for b, _ in ghouta}) and (
        "2018-04-14" in {e for _, e in ghouta}
    )
    assert all(begin for v in spans.values() for begin, _ in v)


def test_csv_has_wkt_codes_and_an_hxl_copy(exports: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((exports / "atlas.csv").read_text())))
    assert len(rows) == _feature_count()
    idlib = next(r for r in rows if r["id"] == "idlib" and r["version"] == "2")
    assert shapely.wkt.loads(idlib["geometry_wkt"]).contains(IDLIB_CITY)
    assert "SY-ID" in idlib["governorates"] and "SY07" in idlib["ocha_pcodes"]
    assert idlib["valid_from"] == "2017-09-15"
    hxl = list(csv.reader(io.StringIO((exports / "atlas-hxl.csv").read_text())))
    assert hxl[1][hxl[0].index("governorates")] == "#adm1+code+iso"
    assert hxl[1][hxl[0].index("geometry_wkt")] == "#geo+wkt"
    assert len(hxl) == len(rows) + 2


def test_export_needs_a_file_name_with_the_format_suffix(tmp_path: Path) -> None:
    for args in (
        ["--format", "gpkg"],
        ["--format", "gpkg", "-o", str(tmp_path / "x.gpk")],
    ):
        done = subprocess.run(
            [*MAPGEN, "export", "--all", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2
        assert done.stderr.startswith("mapgen: ") and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import shapely
from conftest import MAPGEN, ROOT
from shapely.geometry import shape

REQUIRED = {
    "id",
    "name",
    "kind",
    "agreement",
    "valid_from",
    "valid_to",
    "precision",
    "governorates",
    "sources",
    "population",
}


def rings(geom: dict[str, Any]) -> list[tuple[list[list[float]], bool]]:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [(ring, i == 0) for poly in polys for i, ring in enumerate(poly)]


def check_rfc7946(data: dict[str, Any]) -> None:
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    for f in data["features"]:
        assert f["type"] == "Feature"
        assert set(f["properties"]) >= REQUIRED, f["properties"].keys()
        geom = f["geometry"]
        kind = f["properties"]["kind"]
        expected = {"observation-post": ("Point",), "route": ("LineString",)}.get(
            kind, ("Polygon", "MultiPolygon")
        )
        assert geom["type"] in expected, (kind, geom["type"])
        assert shape(geom).is_valid
        if geom["type"] == "Point":
            lon, lat = geom["coordinates"]
            assert 35.0 < lon < 43.0 and 32.0 < lat < 37.5
            continue
        if geom["type"] == "LineString":
            assert len(geom["coordinates"]) >= 2
            continue
        for ring, exterior in rings(geom):
            assert ring[0] == ring[-1]
            for lon, lat in ring:
                assert 35.0 < lon < 43.0 and 32.0 < lat < 37.5
            ccw = shapely.LinearRing(ring).is_ccw
            assert ccw == exterior, "exterior rings counter-clockwise, holes clockwise"
        for s in f["properties"]["sources"]:
            assert s["kind"] in ("ref", "seed", "url", "cite")


def test_every_geojson_file_is_rfc7946(site: Path) -> None:
    files = sorted((site / "geojson").glob("*.geojson"))
    zones = [p for p in files if p.name != "control.geojson"]
    assert len(zones) == 9
    for path in zones:
        text = path.read_text()
        assert not re.search(r"\d\.\d{7,}", text), f"{path.name}: more than 6 decimals"
        check_rfc7946(json.loads(text))
    control = json.loads((site / "geojson" / "control.geojson").read_text())
    assert control["horizon"] == "2018-12-31"
    assert len(control["features"]) >= 300
    for f in control["features"]:
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert 35.0 < lon < 43.0 and 32.0 < lat < 37.5
        assert round(lon, 5) == lon and round(lat, 5) == lat
        assert f["properties"]["history"]
        assert all(spell["sources"] for spell in f["properties"]["history"])


def test_all_versions_file_carries_dates(site: Path) -> None:
    data = json.loads((site / "geojson" / "zones.geojson").read_text())
    keys = [f["id"] for f in data["features"]]
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert len(keys) == len(set(keys))
    assert kinds.count("observation-post") == 12 and kinds.count("route") == 2
    assert data["control_horizon"] == "2018-12-31"
    ghouta = [f for f in data["features"] if f["properties"]["id"] == "eastern-ghouta"]
    # Two versions (4 May and 22 July 2017), each in dated states that follow the
    # ground; the last ends on the day the government completed its control.
    assert {f["properties"]["declared_from"] for f in ghouta} == {
        "2017-05-04",
        "2017-07-22",
    }
    assert len(ghouta) > 2
    assert ghouta[-1]["properties"]["valid_to"] == "2018-04-14"
    assert ghouta[-1]["properties"]["fate"] == "retaken"
    assert all(f["properties"]["control_horizon"] == "2018-12-31" for f in ghouta)
    # Harasta was evacuated on 22 March 2018 (issue 11's example): a state
    # begins then or before, and the ones after it are smaller.
    harasta = shapely.Point(36.365, 33.558)
    after = [f for f in ghouta if f["properties"]["valid_from"] >= "2018-03-23"]
    assert after and not any(
        shapely.geometry.shape(f["geometry"]).covers(harasta) for f in after
    )


def test_export_cli_any_date_to_file_and_stdout(tmp_path: Path) -> None:
    out = tmp_path / "zones.geojson"
    done = subprocess.run(
        [*MAPGEN, "export", "--date", "2017-10-01", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    check_rfc7946(data)
    assert sorted(f["properties"]["id"] for f in data["features"]) == [
        "eastern-ghouta",
        "idlib",
        "idlib-sub-zone-russia",
        "idlib-sub-zone-syria-iran",
        "idlib-sub-zone-turkey",
        "nationwide-ceasefire",
        "northern-homs",
        "south-west",
    ]
    piped = subprocess.run(
        [*MAPGEN, "export", "--date", "2017-10-01"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    assert piped.stdout == out.read_bytes()


def test_export_cli_rejects_a_bad_date() -> None:
    done = subprocess.run(
        [*MAPGEN, "export", "--date", "2017-13-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert (
        "'2017-13-01' is written YYYY-MM-DD but is no day of the calendar"
        in done.stderr
    )

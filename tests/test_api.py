"""Issue 10: the atlas as a Python library."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time

import pytest
import shapely

import mapgen
from mapgen.errors import ZoneDataError

# Independent facts: GeoNames coordinates of towns, and agreement dates from the
# agreements' own texts (see the zone files' sources).
IDLIB_CITY = shapely.Point(36.63393, 35.93062)
DOUMA = shapely.Point(36.40197, 33.57175)


@pytest.fixture(scope="module")
def atlas() -> mapgen.Atlas:
    return mapgen.open_atlas()


def test_import_and_build_need_neither_geopandas_nor_folium(tmp_path: object) -> None:
    code = (
        "import sys, mapgen, mapgen.cli\n"
        f"mapgen.cli.main(['build', '--out', {str(tmp_path)!r} + '/site'])\n"
        "print(sorted(m for m in ('geopandas', 'folium', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_zones_on_a_date_are_a_typed_geodataframe(atlas: mapgen.Atlas) -> None:
    zones = atlas.zones_on("2017-10-01")
    assert zones.crs.to_epsg() == 4326
    assert set(zones["kind"]) <= {
        "ceasefire",
        "de-escalation-zone",
        "demilitarized-zone",
        "operational-sub-zone",
    }
    idlib = zones[zones["id"] == "idlib"].iloc[0]
    assert idlib["geometry"].contains(IDLIB_CITY)
    assert isinstance(idlib["valid_from"], dt.date)
    assert idlib["valid_from"] <= dt.date(2017, 10, 1)
    assert idlib["declared_from"] == dt.date(2017, 9, 15)
    assert isinstance(idlib["area_km2"], float) and idlib["area_km2"] > 1000
    assert str(zones["version"].dtype) == "Int32"
    assert "SY-ID" in idlib["governorates"].split() and "SY07" in idlib["ocha_pcodes"]
    assert "Golan" in idlib["about"]
    assert json.loads(idlib["details"])["guarantors"]
    ghouta = zones[zones["id"] == "eastern-ghouta"].iloc[0]
    assert ghouta["geometry"].buffer(0.01).contains(DOUMA)
    same = atlas.zones_on(dt.date(2017, 10, 1))
    assert list(same["id"]) == list(zones["id"])


def test_zones_on_is_fast_when_warm(atlas: mapgen.Atlas) -> None:
    atlas.zones_on("2018-09-17")
    start = time.perf_counter()
    for _ in range(5):
        atlas.zones_on("2018-09-17")
    assert (time.perf_counter() - start) / 5 < 0.1


@pytest.mark.parametrize("when", ["2016-01-01", "2030-01-01", "20171001", "soon"])
def test_dates_outside_the_period_or_malformed_are_refused(
    atlas: mapgen.Atlas, when: str
) -> None:
    with pytest.raises(ValueError, match="outside the atlas's period|YYYY-MM-DD"):
        atlas.zones_on(when)


def test_agreements_dates_history_and_diff(atlas: mapgen.Atlas) -> None:
    assert atlas.dates[0] == dt.date(2016, 12, 29)
    assert [a.date for a in atlas.agreements] == sorted(
        a.date for a in atlas.agreements
    )
    history = atlas.history("eastern-ghouta")
    assert list(history["version"]) == sorted(history["version"])
    assert history["valid_to"].iloc[-1] == dt.date(2018, 4, 14)
    with pytest.raises(KeyError, match="No zone is called"):
        atlas.history("atlantis")
    table = atlas.diff("2017-05-04", "2018-09-17")
    total = table[table["section"] == "total"].iloc[0]
    assert total["removed"] > 0 and total["km2_b"] < total["km2_a"]
    ghouta = table[table["id"] == "eastern-ghouta"].iloc[0]
    assert ghouta["km2_b"] == 0 and ghouta["removed"] == pytest.approx(ghouta["km2_a"])


def test_explore_gives_a_folium_map_with_layers_and_sources(
    atlas: mapgen.Atlas,
) -> None:
    import folium

    fmap = atlas.explore("2018-09-17")
    assert isinstance(fmap, folium.Map)
    page = fmap.get_root().render()
    assert "Idlib de-escalation zone" in page
    assert "Sochi memorandum" in page
    assert "L.control.layers" in page
    html = atlas._repr_html_()
    assert "8 agreements" in html and "<table>" in html


def test_open_atlas_reports_bad_zone_files(tmp_path: object) -> None:
    from pathlib import Path

    from zonefiles import VALID, write

    zones = Path(str(tmp_path)) / "zones"
    write(zones, VALID.replace("venue: Astana", "venue: Astana\nvenu: x"))
    with pytest.raises(ZoneDataError, match="unknown key 'venu'"):
        mapgen.open_atlas(zones)


def test_docstring_examples_run() -> None:
    import doctest

    from mapgen import api

    result = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0

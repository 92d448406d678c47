"""The edit loop: caches never serve stale output, and 'mapgen watch' rebuilds."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

from conftest import MAPGEN, ROOT, ZONES, tree_digest

from mapgen.geodata import DEFAULT_DIR, Geodata
from mapgen.site import build


def edit(zones: Path) -> None:
    path = zones / "2017-07-22-eastern-ghouta.yaml"
    text = path.read_text()
    assert "buffer_km: 2.5" in text
    path.write_text(text.replace("buffer_km: 2.5", "buffer_km: 3.5", 1))


def test_a_warm_rebuild_after_an_edit_equals_a_cold_build(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    geodata = Geodata(DEFAULT_DIR)
    build(zones, tmp_path / "warm", geodata)  # fills the caches
    before = tree_digest(tmp_path / "warm")
    edit(zones)
    build(zones, tmp_path / "warm", geodata)
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
    assert proc.stdout is not None
    try:
        lines = []
        while not any(line.startswith("Built") for line in lines):
            lines.append(proc.stdout.readline())
        page = (out / "maps" / "2017-07-22.html").read_bytes()
        time.sleep(0.05)
        edit(zones)
        start = time.monotonic()
        while not proc.stdout.readline().startswith("Built"):
            assert time.monotonic() - start < 30
        assert (out / "maps" / "2017-07-22.html").read_bytes() != page
        bad = zones / "2017-01-24-astana-1.yaml"
        bad.write_text(bad.read_text().replace("SY-RD,", "SY-RX,", 1))
        while True:
            line = proc.stdout.readline()
            if line.startswith("Not rebuilt"):
                break
            assert "SY-RX" in line or line.strip() == "" or ":" in line
        assert (out / "index.html").is_file()
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Stopped watching." in rest

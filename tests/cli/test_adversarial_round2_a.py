"""Issue 16, round two of the adversarial run: data loss, code execution,
crashes, and names that broke the GIS files and the figures. Each test pins one
defect; none may print a traceback."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import MAPGEN, ROOT
from zonefiles import VALID, write

DEVICE = Path("/dev/null")


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

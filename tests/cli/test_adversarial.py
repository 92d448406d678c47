"""Issue 9: every defect an adversarial run of the CLI found, each pinned by a
test. A traceback shown to a user is a bug: every path here asserts that none
is printed."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import (
    MAPGEN,
    ROOT,
    ZONES,
    Lines,
    OfflinePage,
    site_copy,
    tree_digest,
)
from zonefiles import VALID, line_of, write

from mapgen import cli
from mapgen.cache import BuildCache
from mapgen.errors import ZoneDataError
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.site.build import build
from mapgen.site.outdir import STAMP

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


def zones_copy(tmp_path: Path) -> Path:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones, ignore=shutil.ignore_patterns("control"))
    return zones


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("mapgen: ") and lines[0].endswith("."), stderr
    return lines[0]


# -- --out can never name something a build would destroy ----------------------


@pytest.mark.parametrize(
    "out",
    [".", "..", "zones", "zones/inside", "README.md", "/", "docs"],
    ids=["cwd", "parent", "zones", "inside-zones", "a-file", "root", "non-empty"],
)
def test_out_that_would_destroy_files_is_refused(tmp_path: Path, out: str) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "notes.txt").write_text("mine")
    (project / "README.md").write_text("mine")
    zones = zones_copy(project)
    before = tree_digest(tmp_path)
    done = run("build", "--zones", str(zones), "--out", out, cwd=project)
    assert done.returncode == 2
    assert "--out" in one_sentence(done.stderr)
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_a_site_holding_a_file_mapgen_did_not_write_is_not_replaced(
    tmp_path: Path, site: Path
) -> None:
    out = site_copy(site, tmp_path / "site")
    (out / "my-notes.txt").write_text("keep me")
    done = run("build", "--out", str(out))
    assert done.returncode == 2
    assert "my-notes.txt" in one_sentence(done.stderr)
    assert (out / "my-notes.txt").read_text() == "keep me"


def test_a_previous_build_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    assert run("build", "--out", str(out)).returncode == 0
    assert (out / STAMP).is_file() and (out / "index.html").is_file()
    (out / "index.html").write_text("old")
    assert run("build", "--out", str(out)).returncode == 0
    assert (out / "index.html").read_text() != "old"


def test_invalid_data_creates_no_folders(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID.replace("venue: Astana", "venue: Astana\nvenue: Again"))
    done = run("build", "--zones", str(zones), "--out", "a/b/c/output", cwd=tmp_path)
    assert done.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones"]


# -- atomic swap, lock, leftovers ---------------------------------------------------


def test_output_never_goes_missing_while_builds_swap_it_in(
    tmp_path: Path, site: Path
) -> None:
    out = site_copy(site, tmp_path / "output")
    # One cache for the three builds: what is tested is the swap, not the drawing.
    cache = BuildCache()
    missing: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (out / "index.html").is_file():
                missing.append(time.monotonic())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with cache:
            for _ in range(3):
                build(ZONES, out, GEODATA, cache)
    finally:
        stop.set()
        watcher.join()
    assert missing == []


def test_concurrent_builds_queue_and_both_succeed(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "output"
    procs = [
        subprocess.Popen(
            [*MAPGEN, "build", "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert tree_digest(out) == tree_digest(site)


def test_a_killed_build_leaves_a_folder_the_next_build_removes(tmp_path: Path) -> None:
    out = tmp_path / "output"
    proc = subprocess.Popen(
        [*MAPGEN, "build", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".output.building-*")):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert list(tmp_path.glob(".output.building-*")), "SIGKILL left nothing behind"
    assert run("build", "--out", str(out)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# -- reading zone files safely ------------------------------------------------------


def test_deep_nesting_is_refused_with_a_place_in_bounded_time(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(zones, "date: " + "[" * 40_000 + "]" * 40_000 + "\n")
    start = time.monotonic()
    done = run("validate", str(zones), timeout=60)
    assert time.monotonic() - start < 30
    assert done.returncode == 1
    assert ":1:" in done.stderr and "nested more than 64 levels" in done.stderr


def test_a_link_to_dev_zero_and_a_fifo_are_reported_not_read(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID)
    (zones / "2017-06-01-zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(zones / "2017-06-02-pipe.yaml")
    done = run("validate", str(zones), timeout=60)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(
        "2017-06-01-zero.yaml:1:1: this is a device, not a regular file" in line
        for line in lines
    ), done.stderr
    assert any(
        "2017-06-02-pipe.yaml:1:1: this is a named pipe (FIFO)" in line
        for line in lines
    ), done.stderr


def test_a_folder_named_yaml_and_a_dangling_link_are_located_problems(
    tmp_path: Path,
) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID)
    (zones / "x.yaml").mkdir()
    (zones / "2017-06-03-gone.yaml").symlink_to(zones / "nowhere.yaml")
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "x.yaml:1:1: this is a folder, not a zone file" in done.stderr
    assert "2017-06-03-gone.yaml:1:1: this is a link to" in done.stderr


def test_editor_leftovers_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID)
    # Emacs's lock file is a dangling link; backups and autosaves are copies.
    (zones / ".#2017-05-04-test.yaml").symlink_to("root@host.1234:1700000000")
    (zones / "2017-05-04-test.yaml~").write_text("broken: [")
    (zones / "#2017-05-04-test.yaml#").write_text("broken: [")
    (zones / ".hidden.yaml").write_text("broken: [")
    done = run("validate", str(zones))
    assert done.returncode == 0, done.stderr
    assert "all valid" in done.stdout


def test_yml_files_are_read_too(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID)
    write(zones, "date: [", name="2017-06-01-other.yml")
    write(zones, "date: [", name="2017-06-02-upper.YAML")
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "2017-06-01-other.yml:1:" in done.stderr
    assert "2017-06-02-upper.YAML:1:" in done.stderr


def test_an_unreadable_file_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tests run as root, which reads any file: simulate the refusal at open().
    zones = tmp_path / "zones"
    path = write(zones, VALID)
    real_open = os.open

    def refuse(p: object, *args: object, **kwargs: object) -> int:
        if str(p) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_open(p, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    assert cli.main(["validate", str(zones)]) == 1
    err = capsys.readouterr().err
    assert (
        "2017-05-04-test.yaml:1:1: this file cannot be read (Permission denied)" in err
    )


def test_validate_accepts_one_file(tmp_path: Path) -> None:
    good = run("validate", "zones/2017-07-22-eastern-ghouta.yaml")
    assert good.returncode == 0, good.stderr
    assert good.stdout == "zones/2017-07-22-eastern-ghouta.yaml: valid.\n"
    zones = zones_copy(tmp_path)
    path = zones / "2017-07-22-eastern-ghouta.yaml"
    path.write_text(path.read_text().replace("venue: Cairo", "venue: Cairo\nvenu: x"))
    bad = run("validate", str(path), cwd=tmp_path)
    assert bad.returncode == 1
    assert "unknown key 'venu'" in bad.stderr
    assert "does not exist" not in bad.stderr


# -- every problem at once, each at the place an editor shows -----------------------


def test_problems_of_loading_and_of_geometry_are_reported_together(
    tmp_path: Path,
) -> None:
    zones = tmp_path / "zones"
    first = VALID.replace("venue: Astana", "venue: Astana\nvenu: x")
    write(zones, first)
    second = (
        VALID.replace("id: test-zone", "id: other-zone")
        .replace("date: 2017-05-04", "date: 2017-05-05")
        .replace("valid_from: 2017-05-04", "valid_from: 2017-05-05")
        .replace("buffer_km: 2", "buffer_km: 0")
    )
    write(zones, second, name="2017-05-05-other.yaml")
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert (
        f"2017-05-04-test.yaml:{line_of(first, 'venu:')}:1: unknown key 'venu'"
        in done.stderr
    )
    part = line_of(second, "- governorate: SY-RD")
    assert (
        f"2017-05-05-other.yaml:{part}:11: this part has no area: its towns are widened by 0 km"
        in done.stderr
    )
    assert "nothing is left after clipping" not in done.stderr


def test_a_collinear_outline_has_no_area(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    text = VALID.replace(
        "          towns: [Duma, Harasta]\n          buffer_km: 2\n",
        "          outline: [[36.40, 33.55], [36.42, 33.56], [36.44, 33.57]]\n"
        "          basis: A test.\n",
    )
    write(zones, text)
    with pytest.raises(ZoneDataError) as info:
        from mapgen.site.build import load_and_resolve

        load_and_resolve(zones, GEODATA)
    (problem,) = info.value.problems
    assert "this part has no area: the points of its outline lie on one line" in str(
        problem
    )


def test_columns_count_characters_after_arabic_text(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    text = VALID.replace("title: Test memorandum", "title: 'مذكرة \x07'")
    write(zones, text)
    done = run("validate", str(zones))
    # "title: 'مذكرة \x07'": the control character is the line's 15th character.
    line = line_of(text, "title:")
    assert f"2017-05-04-test.yaml:{line}:15: the character U+0007" in done.stderr


@pytest.mark.parametrize("breaker", ["\u2028", "\u0085", "\r"])
def test_line_breaks_editors_do_not_show_do_not_shift_positions(
    tmp_path: Path, breaker: str
) -> None:
    zones = tmp_path / "zones"
    text = VALID.replace("title: Test memorandum", f'title: "Test{breaker}memorandum"')
    text = text.replace("venue: Astana", "venue: Astana\nvenu: x")
    write(zones, text)
    done = run("validate", str(zones))
    # Editors break lines at a lone CR, but not at U+2028 or U+0085.
    before = text[: text.index("venu:")]
    line = before.count("\n") + before.count("\r") + 1
    assert f"2017-05-04-test.yaml:{line}:1: unknown key 'venu'" in done.stderr


# -- data that is read but wrong -------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2011-03-14"])
def test_dates_outside_the_war_are_errors(tmp_path: Path, day: str) -> None:
    zones = tmp_path / "zones"
    write(zones, VALID.replace("date: 2017-05-04", f"date: {day}"))
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert f"the agreement's 'date' {day} is outside the Syrian war" in done.stderr


def test_duplicate_post_numbers_are_refused(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path)
    path = zones / "2017-09-15-astana-6-idlib.yaml"
    text = path.read_text()
    assert "    number: 2\n" in text
    path.write_text(text.replace("    number: 2\n", "    number: 1\n", 1))
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "post number 1 is already used at" in done.stderr


def test_overlap_advice_for_versions_starting_the_same_day(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(
        zones,
        VALID.replace("valid_to: 2018-04-14", "valid_to: null").replace(
            "    fate: retaken\n", ""
        ),
    )
    second = VALID.replace(
        "  - id: test-zone\n    name: Test zone\n    kind: de-escalation-zone\n",
        "  - revises: test-zone\n",
    ).replace("title: Test memorandum", "title: Second")
    write(zones, second, name="2017-05-04-zz-second.yaml")
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "cannot start on the same day" in done.stderr
    assert "set that version's 'valid_to' to 2017-05-04" not in done.stderr


def test_a_source_url_with_a_bidi_override_is_refused(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    write(
        zones,
        VALID.replace(
            "https://example.org/report", "https://example.org/\u202efdp.exe"
        ),
    )
    done = run("validate", str(zones))
    assert done.returncode == 1
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in done.stderr


def test_ten_thousand_unknown_towns_validate_quickly(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    names = ", ".join(f"Nowhere{i}" for i in range(10_000))
    write(zones, VALID.replace("towns: [Duma, Harasta]", f"towns: [{names}]"))
    start = time.monotonic()
    done = run("validate", str(zones))
    took = time.monotonic() - start
    assert done.returncode == 1
    assert done.stderr.count("unknown town") == 10_000
    assert took < 20, f"{took:.1f} s"


# -- the CLI never shows a traceback ---------------------------------------------------


@pytest.mark.parametrize("date", ["20171001", "2017-W40-1", "2017-10-1"])
def test_export_accepts_only_iso_dates(date: str) -> None:
    done = run("export", "--date", date)
    assert done.returncode == 2
    assert "is not a date written YYYY-MM-DD" in done.stderr


@pytest.mark.parametrize(
    "command",
    [["export", "--date", "2017-10-01"], ["diff", "2017-05-04", "2018-09-17"]],
)
def test_output_to_a_folder_or_into_the_zones_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    zones = zones_copy(tmp_path)
    before = tree_digest(zones)
    for target in (str(zones), str(zones / "new.geojson")):
        done = run(*command, "--zones", str(zones), "-o", target)
        assert done.returncode == 2
        one_sentence(done.stderr)
    assert tree_digest(zones) == before


def test_export_to_a_full_disk_is_one_sentence() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*MAPGEN, "export", "--date", "2017-10-01"],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert "disk is full" in one_sentence(done.stderr)


def test_export_with_stdout_closed_is_one_sentence() -> None:
    done = subprocess.run(
        [*MAPGEN, "export", "--date", "2017-10-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2
    assert "Standard output is closed" in one_sentence(done.stderr)


def test_a_full_disk_during_a_build_keeps_the_previous_site(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    site: Path,
) -> None:
    out = site_copy(site, tmp_path / "output")
    before = tree_digest(out)
    real = Path.write_bytes

    def fill(self: Path, data: bytes) -> int:
        if self.name == "compare.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fill)
    assert cli.main(["build", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "The disk is full" in err and "previous output was left untouched" in err
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_read_only_parent_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if str(self).startswith(str(tmp_path)):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert cli.main(["build", "--out", str(tmp_path / "sub" / "output")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mapgen: Read-only file system") and "\n" not in err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("governorates.geojson", '{"type": "FeatureCollection", "feat'),
        ("towns.json", ""),
    ],
)
def test_damaged_geodata_is_one_sentence(
    tmp_path: Path, name: str, content: str
) -> None:
    geodata = tmp_path / "geodata"
    shutil.copytree(DEFAULT_DIR, geodata)
    (geodata / name).write_text(content)
    done = run("validate", "--geodata", str(geodata))
    assert done.returncode == 1
    sentence = one_sentence(done.stderr)
    assert name in sentence and "damaged" in sentence


# -- CSV cells ----------------------------------------------------------------------------


def test_no_csv_cell_starts_a_formula_even_after_a_line_break(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path)
    path = zones / "2017-07-22-eastern-ghouta.yaml"
    text = path.read_text()
    hostile = "\"Test zone\\r=cmd|' /C calc'!A0\\n+1\\u2028@SUM(A1)\""
    path.write_text(
        text.replace(
            "    name: Eastern Ghouta de-escalation zone", f"    name: {hostile}", 1
        )
    )
    out = tmp_path / "site"
    assert run("build", "--zones", str(zones), "--out", str(out)).returncode == 0
    diff = run(
        "diff", "2017-07-07", "2017-07-22", "--format", "csv", "--zones", str(zones)
    )
    assert diff.returncode == 0, diff.stderr
    for data in ((out / "stats.csv").read_text(), diff.stdout):
        assert "Test zone" in data
        for piece in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            for row in csv.reader(io.StringIO(piece)):
                for cell in row:
                    assert not cell.lstrip().startswith(("=", "+", "@")), cell


# -- watch survives the file system changing under it -----------------------------------


def test_watch_survives_files_and_the_folder_coming_and_going(tmp_path: Path) -> None:
    zones = zones_copy(tmp_path)
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
        extra = zones / "2017-06-01-extra.yaml"
        extra.write_text("date: [\n")
        got = lines.wait_for("Not rebuilt")
        assert any("2017-06-01-extra.yaml:" in line for line in got)
        extra.rename(zones / "2017-06-01-renamed.yaml")
        lines.wait_for("Not rebuilt")
        (zones / "2017-06-01-renamed.yaml").unlink()
        lines.wait_for("Built")
        (zones / ".#2017-07-22-eastern-ghouta.yaml").symlink_to("user@host.1:2")
        (zones / "folder.yaml").mkdir()
        got = lines.wait_for("Not rebuilt")
        assert any("folder.yaml:1:1: this is a folder" in line for line in got)
        (zones / "folder.yaml").rmdir()
        lines.wait_for("Built")
        zones.rename(tmp_path / "away")
        lines.wait_for(f"{zones}/ is missing")
        (tmp_path / "away").rename(zones)
        lines.wait_for("Built")
        assert proc.poll() is None
    finally:
        rest, err = lines.stop()
    assert proc.returncode == 0, err
    assert "Stopped watching." in rest
    assert "Traceback" not in err


# -- a normal install --------------------------------------------------------------------


def test_a_non_editable_install_builds_the_same_site_from_anywhere(
    tmp_path: Path, site: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # What the lock says, then the project itself (a wheel, not editable).
    python = str(venv / "bin" / "python")
    pip_install = [python, "-m", "pip", "install", "--disable-pip-version-check"]
    locked = subprocess.run(
        [
            *pip_install,
            "--require-hashes",
            "--no-deps",
            "-r",
            str(ROOT / "requirements" / "site.lock"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert locked.returncode == 0, locked.stderr
    pip = subprocess.run(
        [*pip_install, "--no-deps", "--no-build-isolation", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr
    assert "warning" not in (pip.stdout + pip.stderr).lower().replace(
        "warning: location", ""
    ), pip.stdout + pip.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    mapgen = str(venv / "bin" / "mapgen")
    env = {**os.environ, "PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
    valid = subprocess.run(
        [mapgen, "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert valid.returncode == 0, valid.stderr
    assert "8 agreements" in valid.stdout
    built = subprocess.run(
        [mapgen, "build", "--out", "site"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert tree_digest(elsewhere / "site") == tree_digest(site)


# -- pages -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(
    ("page_name", "fragment", "field", "shown"),
    [
        ("timeline.html", "#date=2017-09-15%", "body", "data-date"),
        ("compare.html", "#a=%zz&b=2018-09-17", "#date-a", "value"),
    ],
)
def test_a_malformed_escape_in_the_address_falls_back_with_a_notice(
    site: Path,
    offline_page: OfflinePage,
    page_name: str,
    fragment: str,
    field: str,
    shown: str,
) -> None:
    page = offline_page.open(site / page_name, fragment)
    assert page.is_visible("#notice")
    assert "is not a date" in page.inner_text("#notice")
    # As for any other address that is not a date: the timeline keeps the year
    # it can read (as for #date=2017-02-31), compare its default first date.
    value = page.eval_on_selector(
        field, f"e => e.{'dataset.date' if shown == 'data-date' else 'value'}"
    )
    assert value == ("2017-01-01" if page_name == "timeline.html" else "2017-05-04")
    assert page.locator("path.governorate").count() == 14
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_popups_show_figure_notes_isolated_text_and_the_post_count(
    tmp_path: Path, offline_page: OfflinePage
) -> None:
    zones = zones_copy(tmp_path)
    path = zones / "2017-08-03-northern-homs.yaml"
    text = path.read_text()
    note = "counted by the \u202eMoD\u202c in حمص"
    text = text.replace(
        "        sources: [syriadirect-2017-08-03-north-homs]\n",
        "        sources: [syriadirect-2017-08-03-north-homs]\n"
        f'        note: "{note}"\n',
        1,
    )
    assert note in text
    path.write_text(text)
    out = tmp_path / "site"
    build(zones, out, GEODATA)
    page = offline_page.open(out / "maps" / "2017-08-03.html")
    page.locator("path.zone-northern-homs").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2").wait_for()
    assert note in popup.inner_text()
    # Every piece of text from the data sits in its own <bdi>.
    isolated = popup.locator("bdi").evaluate_all("els => els.map(e => e.textContent)")
    assert any(note in t for t in isolated)
    assert "Northern Homs de-escalation zone" in isolated
    page2 = offline_page.open(out / "maps" / "2018-09-17.html")
    page2.locator("path.zone-post-salwa").first.click(force=True)
    post = page2.locator(".leaflet-popup-content")
    post.locator("h2").wait_for()
    assert "#1 of 12 (order of establishment)" in post.inner_text()
    assert offline_page.errors == [] and offline_page.aborted == []

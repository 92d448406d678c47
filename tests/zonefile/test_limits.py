"""Issue 16: one size limit per kind of data file, checked where it is read and
named in its own words; and the project's depth guard speaks before PyYAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from test_control import GEODATA
from test_control import VALID as VALID_CONTROL
from test_control import write as write_control
from zonefiles import VALID, write

from mapgen.errors import ZoneDataError
from mapgen.zonefile._yaml import MAX_DEPTH, Reader
from mapgen.zonefile.bibliography import read_bibliography
from mapgen.zonefile.control import load_control
from mapgen.zonefile.files import (
    BIBLIOGRAPHY_FILE,
    CONTROL_FILE,
    ZONE_FILE,
    FileKind,
    UnreadableFileError,
    read_capped,
)
from mapgen.zonefile.load import load_atlas

KINDS = [ZONE_FILE, CONTROL_FILE, BIBLIOGRAPHY_FILE]


def padded(text: str, size: int) -> str:
    """``text`` followed by a comment that brings it to exactly ``size`` bytes."""
    room = size - len(text.encode()) - 3
    assert room >= 0
    return text + "#" + "x" * room + "\n\n"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_kind_is_read_up_to_its_limit_and_refused_one_byte_over(
    tmp_path: Path, kind: FileKind
) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(b"a" * kind.max_bytes)
    assert len(read_capped(path, kind)) == kind.max_bytes
    path.write_bytes(b"a" * (kind.max_bytes + 1))
    with pytest.raises(UnreadableFileError) as info:
        read_capped(path, kind)
    assert str(info.value) == (
        f"the file is {kind.max_bytes + 1:,} bytes; {kind.name} may be at most "
        f"{kind.max_bytes:,} bytes ({kind.advice})"
    )


def test_the_limits_differ_by_kind() -> None:
    assert ZONE_FILE.max_bytes == 256 * 1024
    assert CONTROL_FILE.max_bytes == 1024 * 1024
    assert BIBLIOGRAPHY_FILE.max_bytes == 512 * 1024


def test_a_control_file_over_the_zone_file_limit_is_read_whole(tmp_path: Path) -> None:
    # The adversarial run's case: 304,244 bytes were refused with the zone files'
    # sentence although control files may be larger.
    folder = write_control(tmp_path, padded(VALID_CONTROL, 304_244))
    control = load_control(folder, GEODATA)
    assert [s.name for s in control.settlements] == ["Harasta"]


def test_a_control_file_at_its_limit_loads_and_one_byte_over_is_refused(
    tmp_path: Path,
) -> None:
    folder = write_control(tmp_path, padded(VALID_CONTROL, CONTROL_FILE.max_bytes))
    assert load_control(folder, GEODATA).settlements
    write_control(tmp_path, padded(VALID_CONTROL, CONTROL_FILE.max_bytes + 1))
    with pytest.raises(ZoneDataError) as info:
        load_control(folder, GEODATA)
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.endswith(
        ":1:1: the file is 1,048,577 bytes; control files may be at most "
        "1,048,576 bytes (split the front into two control files)"
    )


def test_a_zone_file_at_its_limit_loads_and_one_byte_over_is_refused(
    tmp_path: Path,
) -> None:
    zones = tmp_path / "zones"
    write(zones, padded(VALID, ZONE_FILE.max_bytes))
    assert load_atlas(zones, GEODATA)
    write(zones, padded(VALID, ZONE_FILE.max_bytes + 1))
    with pytest.raises(ZoneDataError) as info:
        load_atlas(zones, GEODATA)
    assert any(
        "the file is 262,145 bytes; zone files may be at most 262,144 bytes" in str(p)
        for p in info.value.problems
    )


BIBLIOGRAPHY = """\
tass-1:
  publisher: TASS
  title: A report
  date: 2017-05-04
  url: https://tass.com/world/1
"""


def test_the_bibliography_at_its_limit_loads_and_one_byte_over_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "sources.yaml").write_text(
        padded(BIBLIOGRAPHY, BIBLIOGRAPHY_FILE.max_bytes)
    )
    entries, problems = read_bibliography(tmp_path)
    assert entries is not None and list(entries) == ["tass-1"] and not problems
    (tmp_path / "sources.yaml").write_text(
        padded(BIBLIOGRAPHY, BIBLIOGRAPHY_FILE.max_bytes + 1)
    )
    entries, problems = read_bibliography(tmp_path)
    assert entries is None
    assert [p.message for p in problems] == [
        "the file is 524,289 bytes; the bibliography (sources.yaml) may be at most "
        "524,288 bytes (shorten its notes; every entry needs only publisher, title, "
        "date and url)"
    ]


def test_an_unreadable_bibliography_is_one_problem_not_one_per_citation(
    tmp_path: Path,
) -> None:
    # Issue 16: a YAML error in sources.yaml gave a line per citation claiming
    # "there is no bibliography".
    zones = tmp_path / "zones"
    write(zones, VALID.replace("[002_7e46fb40130ba7bf.txt]", "[tass-1]"))
    (zones / "sources.yaml").write_text(BIBLIOGRAPHY + "broken: [\n")
    with pytest.raises(ZoneDataError) as info:
        load_atlas(zones, GEODATA)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 1, messages
    assert "sources.yaml:7:1: YAML syntax error" in messages[0]
    assert "no bibliography" not in messages[0]


def test_the_readme_states_each_limit() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    for kind in KINDS:
        kib = kind.max_bytes // 1024
        size = f"{kib // 1024} MiB" if kib % 1024 == 0 else f"{kib} KiB"
        assert re.search(rf"{re.escape(kind.name)}[^.]*{size}", readme), kind.name


# -- the depth guard speaks first ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "date: " + "[" * 40_000 + "]" * 40_000,
        "date: " + "{a: " * 2_000 + "1" + "}" * 2_000,
        "- " * 1_500 + "a",
        "".join(" " * i + "a:\n" for i in range(1_100)),
    ],
    ids=["flow-sequences", "flow-mappings", "compact-block", "indented-block"],
)
def test_nesting_past_the_guard_is_refused_in_the_projects_words(text: str) -> None:
    # PyYAML 6.0.4 refuses 1,000 levels itself ("exceeded maximum nesting
    # depth"); the project's sentence must be the one the user reads.
    # Control files may be the largest, so the deepest block nesting fits.
    r = Reader("deep.yaml", kind=CONTROL_FILE)
    assert r.parse(text.encode()) is None
    (problem,) = [str(p) for p in r.problems]
    assert f"nested more than {MAX_DEPTH} levels deep here" in problem
    assert problem.startswith("deep.yaml:")
    assert "exceeded maximum nesting depth" not in problem


def test_nesting_up_to_the_guard_is_read() -> None:
    # The top-level mapping is one level.
    text = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    r = Reader("ok.yaml")
    assert r.parse(text.encode()) is not None
    assert not r.problems

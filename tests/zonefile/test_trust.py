"""Issue 5: every malformed file gets a precise error, builds are atomic and
reproducible, and nothing from the data runs as code."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import MAPGEN, ROOT, ZONES, OfflinePage, site_copy, tree_digest
from corpus_cases import (
    CASES,
    CORPUS,
    expected_path,
    library_neutral,
    matches,
    run_case,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.errors import ZoneDataError
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.site.build import build, load_and_resolve
from mapgen.zonefile.keys import KEYS
from mapgen.zonefile.schema import bibliography_schema_bytes, schema_bytes

MESSAGE = re.compile(r"^[^\n]+:\d+:\d+: \S[^\n]*$")
GEODATA = Geodata(DEFAULT_DIR)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_corpus_file_gives_exactly_its_expected_errors(
    case: Path, tmp_path: Path
) -> None:
    output, stdout = run_case(case, tmp_path)
    expected = expected_path(case).read_text()
    assert matches(expected, output), (expected, output)
    assert output.endswith("exit status 1\n")
    for line in output.splitlines()[:-2]:
        assert MESSAGE.match(line), line
    assert stdout == ""


def test_library_wording_is_left_to_the_library() -> None:
    expected = "f.yaml:4:11: YAML syntax error: {lib}\n"
    assert matches(expected, "f.yaml:4:11: YAML syntax error: did not find ','\n")
    assert not matches(expected, "f.yaml:4:12: YAML syntax error: did not find ','\n")
    ours = "f.yaml:1:4: YAML syntax error: YAML anchors and aliases (&name, *name) are not allowed"
    assert library_neutral(ours) == ours


def test_validate_exit_codes_and_it_writes_nothing(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    before = tree_digest(tmp_path)
    ok = subprocess.run(
        [*MAPGEN, "validate", "zones"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "all valid" in ok.stdout
    missing = subprocess.run(
        [*MAPGEN, "validate", "nowhere"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    bad_option = subprocess.run(
        [*MAPGEN, "validate", "--frobnicate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad_option.returncode == 2
    # Taken before the three runs: validate wrote, moved and deleted nothing.
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones"]


def test_billion_laughs_is_refused_fast_and_small() -> None:
    case = CORPUS / "46-billion-laughs.yaml"
    # A fresh interpreter runs the CLI and reports its own peak resident size
    # (VmHWM, which starts afresh with the new program; ru_maxrss would keep the
    # peak of the forked test process it was started from), so the figure is
    # that of one validate run, with no tool needed beyond Python.
    measure = (
        "import re, sys\n"
        "from mapgen.cli import main\n"
        "code = main(['validate', sys.argv[1]])\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", measure, str(case.parent)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    took = time.perf_counter() - start
    assert done.returncode == 1
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert "anchors and aliases" in done.stderr
    assert took < 10 and peak_kib < 300_000


# -- property tests ------------------------------------------------------------

VALID_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(ZONES.glob("*.yaml"))]
NOISE = list(":-[]{}&*!|>'\"#,\t 0123456789abcXYZ\n") + [
    "null",
    "~",
    "- ",
    "  ",
    "2017-02-30",
    "SY-XX",
    "\u00e9",
    "\x00",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "poke", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "poke" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(st.sampled_from(NOISE)) + lines[i][k + 1 :]
        elif op == "truncate":
            lines = lines[:i]
        text = "\n".join(lines)
    return text


VOCAB = sorted(
    {k for keys in KEYS.values() for k in keys["required"] + keys["optional"]}
    | {"id", "revises"}
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.sampled_from(["2017-05-04", "2018-13-01", "SY-RD", "Duma", "de-escalation-zone", "approximate", "002_7e46fb40130ba7bf.txt", "https://x.org", "test-zone", ""]),
    st.text(max_size=12),
)  # fmt: skip
structures = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.dictionaries(st.sampled_from(VOCAB), kids, max_size=6),
    ),
    max_leaves=40,
)


def check_loads_or_reports(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2017-05-04-generated.yaml"
        path.write_bytes(
            text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        )
        try:
            load_and_resolve(Path(tmp), GEODATA)
        except ZoneDataError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert MESSAGE.match(str(problem)), str(problem)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_zone_files_load_or_fail_with_our_error(text: str) -> None:
    check_loads_or_reports(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(VOCAB), structures, max_size=8))
def test_generated_structures_load_or_fail_with_our_error(data: dict[str, Any]) -> None:
    check_loads_or_reports(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_fail_with_our_error(data: bytes) -> None:
    check_loads_or_reports(data)


# -- schema --------------------------------------------------------------------


def _plain(o: Any) -> Any:
    if isinstance(o, dt.date):
        return o.isoformat()
    if isinstance(o, dict):
        return {k: _plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_plain(v) for v in o]
    return o


def test_committed_schema_matches_the_model() -> None:
    assert (ZONES / "schema.json").read_bytes() == schema_bytes(
        GEODATA.governorate_codes
    ), "run 'mapgen schema'"


def test_bibliography_follows_its_schema() -> None:
    assert (ZONES / "sources.schema.json").read_bytes() == bibliography_schema_bytes()
    schema = json.loads((ZONES / "sources.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    text = (ZONES / "sources.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=sources.schema.json\n")
    errors = jsonschema.Draft7Validator(schema).iter_errors(
        _plain(yaml.safe_load(text))
    )
    assert list(errors) == []


def test_zone_files_follow_the_schema_and_reference_it() -> None:
    schema = json.loads((ZONES / "schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for path in sorted(ZONES.glob("*.yaml")):
        if path.name == "sources.yaml":
            continue
        text = path.read_text()
        assert text.startswith("# yaml-language-server: $schema=schema.json\n"), (
            path.name
        )
        assert list(validator.iter_errors(_plain(yaml.safe_load(text)))) == [], (
            path.name
        )


@pytest.mark.parametrize(
    "case",
    [
        "15-misspelt-top-level-key",
        "16-misspelt-zone-key",
        "37-unknown-kind",
        "36-unknown-governorate-code",
    ],
)
def test_schema_also_rejects_spelling_mistakes(case: str) -> None:
    validator = jsonschema.Draft7Validator(
        json.loads((ZONES / "schema.json").read_text())
    )
    data = _plain(yaml.safe_load((CORPUS / f"{case}.yaml").read_text()))
    assert list(validator.iter_errors(data))


# -- atomic and reproducible builds -------------------------------------------


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    # Two fresh processes, so that no cache of the first build serves the second.
    for name in ("one", "two"):
        done = subprocess.run(
            [*MAPGEN, "build", "--out", str(tmp_path / name)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    a, b = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert len(a) > 100
    assert a == b


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_output_untouched(
    tmp_path: Path, sig: signal.Signals, site: Path
) -> None:
    out = site_copy(site, tmp_path / "output")
    (out / "index.html").write_text("the previous build's index")
    before = tree_digest(out)
    proc = subprocess.Popen(
        [*MAPGEN, "build", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".output.building-*")):
        assert proc.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)  # inside the writing of the site, which takes about 0.5 s
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "left untouched" in err
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# -- no injection ----------------------------------------------------------------

HOSTILE = '<script>window.__pwned=1</script></script><img src=x onerror="window.__pwned=2"> "quotes\' & back\\\\slash'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    zones = root / "zones"
    shutil.copytree(ZONES, zones)
    path = zones / "2017-07-22-eastern-ghouta.yaml"
    text = path.read_text()
    quoted = json.dumps(HOSTILE)  # a valid YAML double-quoted scalar
    text = text.replace("title: Eastern Ghouta ceasefire agreement", f"title: {quoted}")
    text = text.replace(
        "    name: Eastern Ghouta de-escalation zone", f"    name: {quoted}"
    )
    text = text.replace(
        "    fate: retaken\n", f"    fate: retaken\n    notes: {quoted}\n", 1
    )
    text = text.replace(
        "  - tass-957354\n  - tass-957613",
        f"  - {{cite: {quoted}, url: 'https://example.org/?q=%22%3E%3Cscript%3Ewindow.__pwned=3%3C/script%3E'}}\n  - tass-957613",
    )
    path.write_text(text)
    # The bibliography's entries reach the pages too: a hostile publisher.
    bibliography = zones / "sources.yaml"
    entries = bibliography.read_text()
    assert "  publisher: TASS\n" in entries
    bibliography.write_text(
        entries.replace("  publisher: TASS\n", f"  publisher: {quoted}\n")
    )
    out = root / "output"
    build(zones, out, GEODATA)
    return out


def test_a_javascript_url_is_refused(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    path = zones / "2017-01-24-astana-1.yaml"
    path.write_text(
        path.read_text().replace(
            "  - tass-926976", "  - {cite: x, url: 'javascript:alert(1)'}"
        )
    )
    with pytest.raises(ZoneDataError) as info:
        load_and_resolve(zones, GEODATA)
    assert "'javascript:alert(1)' is not an http(s) URL" in str(info.value)


@pytest.mark.browser
@pytest.mark.parametrize(
    "page_name", ["maps/2017-07-22.html", "index.html", "timeline.html", "compare.html"]
)
def test_hostile_text_shows_literally_and_never_runs(
    hostile_site: Path, offline_page: OfflinePage, page_name: str
) -> None:
    page = offline_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    fragment = (
        "#date=2017-08-01"
        if page_name == "timeline.html"
        else "#a=2017-07-22&b=2017-05-04"
        if page_name == "compare.html"
        else ""
    )
    page.goto((hostile_site / page_name).resolve().as_uri() + fragment)
    page.wait_for_load_state("load")
    if page_name != "index.html":
        page.wait_for_selector("body[data-ready]", state="attached")
        page.locator("path.zone-eastern-ghouta").first.click(force=True)
        page.locator(".leaflet-popup-content h2").wait_for()  # details loaded
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert HOSTILE in popup
    else:
        assert HOSTILE in page.inner_text("body")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    assert offline_page.errors == []
    assert [u for u in offline_page.aborted if not u.startswith("file:")] == []


def test_yaml_is_parsed_by_libyaml() -> None:
    # The corpus's expected syntax messages are libyaml's; PyPI's PyYAML wheels
    # include it, a source build without the library would not.
    assert yaml.__with_libyaml__


def test_csv_cells_from_the_data_never_run_as_formulas(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    path = zones / "2017-05-04-astana-memorandum.yaml"
    path.write_text(
        path.read_text().replace(
            "name: Eastern Ghouta de-escalation zone (zone 3)",
            'name: \'=HYPERLINK("https://example.org","x")\'',
        )
    )
    out = tmp_path / "out"
    build(zones, out, GEODATA)
    stats = (out / "stats.csv").read_text()
    assert "'=HYPERLINK" in stats and "\n2017-05-04,eastern-ghouta,=" not in stats
    done = subprocess.run(
        [
            *MAPGEN,
            "diff",
            "2017-05-04",
            "2017-06-01",
            "--zones",
            str(zones),
            "--format",
            "csv",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "zone,eastern-ghouta,\"'=HYPERLINK" in done.stdout

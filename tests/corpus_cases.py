"""The malformed-file corpus: every case in ``tests/corpus/`` with the exact
output ``mapgen validate`` gives for it, in ``CASE.expected``.

Where a message quotes a library (libyaml's parser, GEOS's validity reasons),
the expected file holds ``{lib}`` in its place: the test checks the project's
own words exactly and lets the library word its part as it will.

After an intended change of messages, regenerate and review:

    .venv/bin/python tests/corpus_cases.py
    git diff tests/corpus/        # read every changed line before committing
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix != ".expected")
LIB = "{lib}"
# libyaml's wording after our prefix, except the project's own refusals.
_YAML = re.compile(
    r"(YAML syntax error: )(?!YAML anchors|lists and mappings are nested)[^;\n]+"
)
_GEOS = re.compile(r"(is not a valid polygon \()[^)]*\](\))")


def expected_path(case: Path) -> Path:
    return CORPUS / f"{case.name.removesuffix('.yaml')}.expected"


def run_case(case: Path, workdir: Path) -> tuple[str, str]:
    """``mapgen validate`` on a copy of the case: (stderr + exit status, stdout)."""
    for source in sorted(case.glob("*.yaml")) if case.is_dir() else [case]:
        shutil.copy(source, workdir / source.name)
    done = subprocess.run(
        [sys.executable, "-m", "mapgen", "validate", "."],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done.stderr + f"exit status {done.returncode}\n", done.stdout


def library_neutral(text: str) -> str:
    text = _YAML.sub(lambda m: m.group(1) + LIB, text)
    return _GEOS.sub(lambda m: m.group(1) + LIB + m.group(2), text)


def matches(expected: str, actual: str) -> bool:
    pattern = ".+?".join(re.escape(piece) for piece in expected.split(LIB))
    return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None


def regenerate() -> int:
    changed = 0
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            output, _ = run_case(case, Path(tmp))
        new = library_neutral(output)
        path = expected_path(case)
        if not path.exists() or path.read_text() != new:
            path.write_text(new)
            changed += 1
            print(f"rewrote {path.relative_to(CORPUS.parent.parent)}")
    print(
        f"{changed} of {len(CASES)} expected files changed; review them with git diff."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(regenerate())

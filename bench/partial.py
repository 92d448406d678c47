"""A shorter benchmark run: the build, page weight, edit loop, export and
control-scale sections of bench/run.py (render and agreement scale left out),
printed as one table."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run  # noqa: E402


def main() -> None:
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    try:
        out = {
            "build": run.bench_build(work, 3),
            "weight": run.bench_weight(work / "site", work / "alt"),
            "edit": run.bench_edit(work, 3),
            "export": run.bench_export(work, 3),
            "control": run.bench_control(
                work, [(1000, 2000), (1000, 20000), (5000, 20000)]
            ),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["took_s"] = time.perf_counter() - began
    (Path(__file__).parent / "partial.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

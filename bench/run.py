"""Benchmark the atlas against the obvious alternative and the geometry floor.

    python bench/run.py [--quick]

Prints a table and writes bench/results.json. Measures, in one run on this
machine: whole-site build time (median of 5) against an explore()+save() loop;
each page's weight against the alternative's page and against the bytes of the
coordinates it shows; render time in real Chromium with the network cut
(median of 5); build time and peak memory for 10, 100 and 1,000 synthetic
agreements; and the edit loop of 'mapgen watch'. --quick does fewer runs and
skips 1,000 agreements (for a smoke test)."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate  # noqa: E402

from mapgen.encode import decode_line  # noqa: E402

ZONES = ROOT / "zones"
TARGETS = {
    "build_ratio": 0.5,
    "page_vs_alternative": 0.35,
    "page_vs_floor": 1.5,
    "render_ms": 150,
    "scale_1000_over_100": 12,
    "scale_memory_mib": 1024,
    "edit_loop_s": 0.5,
}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def timed(cmd: list[str], **kw: Any) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - start


def median_of(n: int, fn: Any) -> float:
    return statistics.median(fn() for _ in range(n))


# -- build -----------------------------------------------------------------------


def bench_build(work: Path, runs: int) -> dict[str, Any]:
    site = work / "site"
    alt = work / "alt"
    mapgen = [sys.executable, "-m", "mapgen"]
    ours_cold = median_of(
        runs, lambda: timed([*mapgen, "build", "--out", str(site)], cwd=ROOT)
    )
    alt_cold = median_of(
        runs,
        lambda: timed(
            [
                sys.executable,
                str(ROOT / "bench" / "alternative.py"),
                str(site),
                str(alt),
            ],
            cwd=ROOT,
        ),
    )
    # In-process, imports done, as a long-running tool would see it.
    from alternative import run as alt_run

    from mapgen import resolve
    from mapgen import site as site_mod
    from mapgen.geodata import DEFAULT_DIR, Geodata

    geodata = Geodata(DEFAULT_DIR)
    alt_run(site, alt)

    def ours_fresh() -> float:
        resolve._SHAPES.clear()
        site_mod._DIFF_SCRIPTS.clear()
        start = time.perf_counter()
        site_mod.build(ZONES, work / "site-warm", geodata)
        return time.perf_counter() - start

    def ours_cached() -> float:
        start = time.perf_counter()
        site_mod.build(ZONES, work / "site-warm", geodata)
        return time.perf_counter() - start

    def alt_warm() -> float:
        start = time.perf_counter()
        alt_run(site, alt)
        return time.perf_counter() - start

    ours_fresh()
    return {
        "ours_cold_s": ours_cold,
        "alternative_cold_s": alt_cold,
        "ratio_cold": ours_cold / alt_cold,
        "ours_in_process_s": median_of(runs, ours_fresh),
        "ours_in_process_cached_s": median_of(runs, ours_cached),
        "alternative_in_process_s": median_of(runs, alt_warm),
        "files": sum(1 for p in site.rglob("*") if p.is_file()),
        "bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    }


# -- page weight -------------------------------------------------------------------


def _plain_bytes(coords: Any) -> int:
    return len(json.dumps(coords, separators=(",", ":")))


def _geometry_coords(g: dict[str, Any]) -> Any:
    if "e" not in g:
        return g["coordinates"]
    if g["type"] == "LineString":
        return [list(p) for p in decode_line(g["e"])]
    if g["type"] == "Polygon":
        return [[list(p) for p in decode_line(r)] for r in g["e"]]
    return [[[list(p) for p in decode_line(r)] for r in poly] for poly in g["e"]]


def floor_of(collections: list[dict[str, Any]]) -> int:
    """Bytes of the coordinates shown, as plain GeoJSON numbers (5 decimals)."""
    return sum(
        _plain_bytes(_geometry_coords(f["geometry"]))
        for fc in collections
        for f in fc["features"]
    )


def _script_json(path: Path, prefix: str) -> Any:
    text = path.read_text()
    body = text[len(prefix) :].rstrip().rstrip(";")
    if body.endswith(")"):
        body = body[:-1]
    return json.loads(body)


def bench_weight(site: Path, alt: Path) -> dict[str, Any]:
    base = _script_json(site / "data" / "base.js", "window.ATLAS_BASE=")
    everything = _script_json(site / "data" / "all.js", "window.ATLAS_ALL=")
    base_fc = [base["governorates"], base["neighbours"]]
    size = lambda rel: (site / rel).stat().st_size  # noqa: E731
    shared = {
        "data/base.js": size("data/base.js"),
        "assets/atlas.js": size("assets/atlas.js"),
        "assets/atlas.css": size("assets/atlas.css"),
    }
    pages = {}
    for page in sorted((site / "maps").glob("*.html")):
        html = page.read_text()
        data = json.loads(
            re.search(
                r'<script type="application/json" id="atlas-data">(.*?)</script>',
                html,
                re.S,
            ).group(1)
        )  # type: ignore[union-attr]
        ours = page.stat().st_size + sum(shared.values())
        floor = floor_of(base_fc + [data["zones"]])
        alt_bytes = (alt / page.name).stat().st_size
        pages[f"maps/{page.name}"] = {
            "bytes": ours,
            "alternative": alt_bytes,
            "floor": floor,
            "vs_alternative": ours / alt_bytes,
            "vs_floor": ours / floor,
        }
    alt_total = sum(
        (alt / p.name).stat().st_size for p in (site / "maps").glob("*.html")
    )
    for name, extra in (
        (
            "timeline.html",
            ["assets/timeline.js", "assets/pages.js", "assets/pages.css"],
        ),
        (
            "compare.html",
            [
                "assets/compare.js",
                "assets/pages.js",
                "assets/pages.css",
                "data/diff/2-11.js",
            ],
        ),
    ):
        ours = (
            size(name)
            + size("data/all.js")
            + sum(shared.values())
            + sum(size(e) for e in extra)
        )
        fcs = base_fc + [everything["features"]]
        if name == "compare.html":
            fcs.append(
                _script_json(
                    site / "data" / "diff" / "2-11.js", 'Atlas.diffLoaded("2-11",'
                )["geojson"]
            )
        floor = floor_of(fcs)
        pages[name] = {
            "bytes": ours,
            "alternative": alt_total,
            "floor": floor,
            "vs_alternative": ours / alt_total,
            "vs_floor": ours / floor,
        }
    leaflet = size("lib/leaflet/leaflet.js") + size("lib/leaflet/leaflet.css")
    return {"pages": pages, "shared": shared, "leaflet_bytes": leaflet}


# -- render ------------------------------------------------------------------------


def bench_render(site: Path, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    pages = [f"maps/{p.name}" for p in sorted((site / "maps").glob("*.html"))] + [
        "timeline.html",
        "compare.html",
    ]
    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for rel in pages:
            times = []
            for _ in range(runs + 1):  # the first run warms the browser's caches
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                page.route(
                    "**/*",
                    lambda r: (
                        r.continue_()
                        if r.request.url.startswith("file:")
                        else r.abort()
                    ),
                )
                page.goto((site / rel).resolve().as_uri())
                page.wait_for_function(
                    "performance.getEntriesByName('atlas-ready').length > 0",
                    timeout=15000,
                )
                times.append(
                    page.evaluate(
                        "performance.getEntriesByName('atlas-ready')[0].startTime"
                    )
                )
                page.close()
            out[rel] = statistics.median(times[1:])
        browser.close()
    return out


# -- scale ---------------------------------------------------------------------------

# Peak resident memory of the build process (VmHWM, which exec resets; the
# rusage figure would inherit this benchmark's own peak) and of its workers.
PEAK = (
    "import re, resource, sys; from mapgen.cli import main; rc = main(sys.argv[1:]); "
    "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
    "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)"
)


def bench_scale(work: Path, sizes: list[int]) -> dict[str, Any]:
    out = {}
    for n in sizes:
        zones = work / f"synthetic-{n}"
        generate(n, zones)
        start = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                PEAK,
                "build",
                "--zones",
                str(zones),
                "--out",
                str(work / f"out-{n}"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        took = time.perf_counter() - start
        peak_kib, worker_kib = (
            int(x) for x in done.stderr.strip().splitlines()[-1].split()
        )
        files = sum(1 for p in (work / f"out-{n}").rglob("*") if p.is_file())
        out[str(n)] = {
            "build_s": took,
            "peak_mib": peak_kib / 1024,
            "worker_peak_mib": worker_kib / 1024,
            "files": files,
        }
    return out


# -- edit loop -----------------------------------------------------------------------


def bench_edit(work: Path, runs: int) -> dict[str, Any]:
    zones = work / "edit-zones"
    shutil.copytree(ZONES, zones)
    target = zones / "2017-07-22-eastern-ghouta.yaml"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mapgen",
            "watch",
            "--zones",
            str(zones),
            "--out",
            str(work / "edit-out"),
            "--interval",
            "0.02",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None

    def wait_built() -> None:
        while not proc.stdout.readline().startswith("Built"):  # type: ignore[union-attr]
            pass

    wait_built()
    times = []
    for i in range(runs):
        text = target.read_text()
        old, new = (
            ("buffer_km: 2.5", "buffer_km: 3.5")
            if i % 2 == 0
            else ("buffer_km: 3.5", "buffer_km: 2.5")
        )
        start = time.perf_counter()
        target.write_text(text.replace(old, new, 1))
        wait_built()
        times.append(time.perf_counter() - start)
    proc.terminate()
    proc.wait(timeout=30)
    cli = timed(
        [
            sys.executable,
            "-m",
            "mapgen",
            "build",
            "--zones",
            str(zones),
            "--out",
            str(work / "edit-cli"),
        ],
        cwd=ROOT,
    )
    return {
        "watch_median_s": statistics.median(times),
        "watch_runs_s": times,
        "cli_build_s": cli,
    }


# -- report --------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 2 if quick else 5
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    try:
        results: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "targets": TARGETS,
        }
        results["build"] = build = bench_build(work, runs)
        results["weight"] = weight = bench_weight(work / "site", work / "alt")
        results["render_ms"] = render = bench_render(work / "site", runs)
        results["scale"] = scale = bench_scale(
            work, [10, 100] if quick else [10, 100, 1000]
        )
        results["edit"] = edit = bench_edit(work, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (Path(__file__).parent / "results.json").write_text(
        json.dumps(results, indent=1) + "\n"
    )

    rows = []
    rows.append(
        (
            "Build, whole site (fresh process, median)",
            f"{build['ours_cold_s']:.2f} s vs {build['alternative_cold_s']:.2f} s",
            f"{build['ratio_cold']:.2f}x",
            f"<= {TARGETS['build_ratio']}x",
            mark(build["ratio_cold"] <= TARGETS["build_ratio"]),
        )
    )
    rows.append(
        (
            "Build, in process, no cache",
            f"{build['ours_in_process_s']:.2f} s vs {build['alternative_in_process_s']:.2f} s",
            f"{build['ours_in_process_s'] / build['alternative_in_process_s']:.2f}x",
            "(for reference)",
            "",
        )
    )
    rows.append(
        (
            "Build, in process, cached",
            f"{build['ours_in_process_cached_s']:.2f} s",
            "",
            "(for reference)",
            "",
        )
    )
    worst_alt = max(p["vs_alternative"] for p in weight["pages"].values())
    worst_floor = max(p["vs_floor"] for p in weight["pages"].values())
    rows.append(
        (
            "Page weight vs alternative (worst page)",
            "",
            f"{worst_alt:.2f}x",
            f"<= {TARGETS['page_vs_alternative']}x",
            mark(worst_alt <= TARGETS["page_vs_alternative"]),
        )
    )
    rows.append(
        (
            "Page weight vs geometry floor (worst page)",
            "",
            f"{worst_floor:.2f}x",
            f"<= {TARGETS['page_vs_floor']}x",
            mark(worst_floor <= TARGETS["page_vs_floor"]),
        )
    )
    med = statistics.median(render.values())
    rows.append(
        (
            "Render, median over pages",
            f"{med:.0f} ms (max {max(render.values()):.0f} ms)",
            "",
            f"<= {TARGETS['render_ms']} ms",
            mark(med <= TARGETS["render_ms"]),
        )
    )
    if "1000" in scale:
        ratio = scale["1000"]["build_s"] / scale["100"]["build_s"]
        peak = max(s["peak_mib"] for s in scale.values())
        rows.append(
            (
                "Scale: 1,000 vs 100 agreements",
                f"{scale['1000']['build_s']:.1f} s vs {scale['100']['build_s']:.1f} s",
                f"{ratio:.1f}x",
                f"<= {TARGETS['scale_1000_over_100']}x",
                mark(ratio <= TARGETS["scale_1000_over_100"]),
            )
        )
        rows.append(
            (
                "Scale: peak memory",
                f"{peak:.0f} MiB",
                "",
                f"< {TARGETS['scale_memory_mib']} MiB",
                mark(peak < TARGETS["scale_memory_mib"]),
            )
        )
    rows.append(
        (
            "Edit loop (mapgen watch, median)",
            f"{edit['watch_median_s']:.2f} s (CLI rebuild {edit['cli_build_s']:.2f} s)",
            "",
            f"<= {TARGETS['edit_loop_s']} s",
            mark(edit["watch_median_s"] <= TARGETS["edit_loop_s"]),
        )
    )
    print(
        f"Machine: {results['machine']['cpus']} cores, Python {results['machine']['python']}, {results['machine']['platform']}"
    )
    print(f"{'measure':<44}{'figures':<34}{'ratio':>8}  {'target':<16}result")
    for r in rows:
        print(f"{r[0]:<44}{r[1]:<34}{r[2]:>8}  {r[3]:<16}{r[4]}")
    print()
    print(
        f"{'page':<24}{'bytes':>9}{'alternative':>13}{'floor':>9}{'vs alt':>8}{'vs floor':>9}{'render ms':>11}"
    )
    for name, p in weight["pages"].items():
        print(
            f"{name:<24}{p['bytes']:>9,}{p['alternative']:>13,}{p['floor']:>9,}{p['vs_alternative']:>8.2f}{p['vs_floor']:>9.2f}{render.get(name, float('nan')):>11.0f}"
        )
    print(
        f"Leaflet 1.9.4 (third party, loaded by every page): {weight['leaflet_bytes']:,} bytes"
    )
    for n, s in scale.items():
        print(
            f"Scale {n:>5} agreements: {s['build_s']:.2f} s, peak {s['peak_mib']:.0f} MiB (workers {s['worker_peak_mib']:.0f} MiB, pages shared copy-on-write), {s['files']} files"
        )


if __name__ == "__main__":
    main()

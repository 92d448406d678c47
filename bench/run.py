"""Benchmark the atlas against the obvious alternative and against floors.

    python bench/run.py [--quick]

Prints the figures as Markdown tables (the README's Performance section is
pasted from them) and writes bench/results.json. Everything is measured in one
run on this machine:

- whole-site build time, cold (a fresh process each time, imports included)
  and warm (in process, imports done), against bench/alternative.py, which
  calls GeoDataFrame.explore() + save() once per date on the same simplified
  shapes; what each side writes is counted;
- each date page's weight against the alternative's page and against the bytes
  of the coordinates it shows (the geometry floor);
- in real Chromium with the network cut: the time from navigation to the first
  frame painted after every in-force zone is in the map, against a floor page
  measured in the same run (Leaflet alone drawing one polygon from disk);
- build time and peak memory for 10, 100 and 1,000 synthetic agreements;
- the edit loop of 'mapgen watch' at its default polling interval.

Figures are medians of 5 runs, 9 for page loads (2 with --quick, which also
skips 1,000 agreements: a smoke test)."""

from __future__ import annotations

import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate, generate_control  # noqa: E402

from mapgen.site.encode import decode_line  # noqa: E402

ZONES = ROOT / "zones"
TARGETS: dict[str, float] = {
    "build_ratio": 0.5,
    "page_vs_alternative": 0.35,
    "page_vs_floor": 1.5,
    "render_vs_floor_page": 1.3,
    "scale_1000_over_100": 12,
    "scale_memory_mib": 1024,
    "edit_loop_s": 0.5,
    "export_all_formats_s": 2.0,
    "zones_on_warm_ms": 100.0,
    # Issue 11: control data at scale.
    "control_5000_build_s": 60.0,
    "control_5000_memory_mib": 1024,
    "control_10x_changes_ratio": 12,
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def child_env(work: Path) -> dict[str, str]:
    """The environment of every process the benchmark starts: bytecode cached
    (in the work directory), as in any normal install, even where the machine
    sets PYTHONDONTWRITEBYTECODE."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def timed(cmd: list[str], **kw: Any) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - start


def median_of(n: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(n))


def paired(
    n: int, a: Callable[[], float], b: Callable[[], float]
) -> tuple[float, float]:
    """Medians of n runs of a and of b, taken in turns so that drift in the
    machine's speed hits both sides alike."""
    runs = [(a(), b()) for _ in range(n)]
    return (
        statistics.median(x for x, _ in runs),
        statistics.median(y for _, y in runs),
    )


def tree_size(path: Path) -> tuple[int, int]:
    """Files and bytes under a directory."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# -- build -----------------------------------------------------------------------


def bench_build(work: Path, runs: int) -> dict[str, Any]:
    site = work / "site"
    alt = work / "alt"
    mapgen = [sys.executable, "-m", "mapgen"]
    alternative = [sys.executable, str(ROOT / "bench" / "alternative.py")]
    env = child_env(work)

    def ours() -> float:
        return timed([*mapgen, "build", "--out", str(site)], cwd=ROOT, env=env)

    def theirs() -> float:
        return timed([*alternative, str(site), str(alt)], cwd=ROOT, env=env)

    # Cold: a fresh interpreter each time, imports and all, as a person runs it.
    # One run of each first fills the bytecode cache and is not counted.
    ours()
    theirs()
    ours_cold, alt_cold = paired(runs, ours, theirs)
    # Warm: in this process, imports done, as a long-running tool would see it.
    from alternative import run as alt_run

    from mapgen.cache import BuildCache
    from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
    from mapgen.site import build as site_mod

    geodata = Geodata(DEFAULT_DIR)
    alt_run(site, alt)
    watch_cache = BuildCache()

    def ours_fresh() -> float:
        # No cache: as a first build in a long-running process.
        start = time.perf_counter()
        site_mod.build(ZONES, work / "site-warm", geodata)
        return time.perf_counter() - start

    def ours_cached() -> float:
        # The cache 'mapgen watch' keeps, full from the previous build.
        start = time.perf_counter()
        site_mod.build(ZONES, work / "site-warm", geodata, watch_cache)
        return time.perf_counter() - start

    def alt_warm() -> float:
        start = time.perf_counter()
        alt_run(site, alt)
        return time.perf_counter() - start

    ours_fresh()
    ours_warm, alt_in_process = paired(runs, ours_fresh, alt_warm)
    cached = median_of(runs, ours_cached)
    watch_cache.close()
    files, size = tree_size(site)
    alt_files, alt_size = tree_size(alt)
    return {
        "ours_cold_s": ours_cold,
        "alternative_cold_s": alt_cold,
        "ratio_cold": ours_cold / alt_cold,
        "ours_warm_s": ours_warm,
        "alternative_warm_s": alt_in_process,
        "ratio_warm": ours_warm / alt_in_process,
        "ours_warm_cached_s": cached,
        "files": files,
        "bytes": size,
        "alternative_files": alt_files,
        "alternative_bytes": alt_size,
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


def page_data(page: Path) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="atlas-data">(.*?)</script>',
        page.read_text(),
        re.S,
    )
    if found is None:
        raise ValueError(f"{page} has no atlas-data script")
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _vertices(geom: dict[str, Any]) -> int:
    def count(coords: Any) -> int:
        if coords and isinstance(coords[0], (int, float)):
            return 1
        return sum(count(c) for c in coords)

    return count(_geometry_coords(geom))


def check_alternative(site: Path) -> dict[str, int]:
    """Fail unless the alternative draws the very shapes the pages draw: the
    same tolerances as mapgen.site.render and the same vertices, layer by layer."""
    import alternative
    import shapely

    from mapgen.site import render

    for name in (
        "PAGE_ZONE_TOLERANCE_DEG",
        "DISPLAY_TOLERANCE_DEG",
        "NEIGHBOUR_TOLERANCE_DEG",
    ):
        if getattr(alternative, name) != getattr(render, name):
            raise AssertionError(f"bench/alternative.py's {name} is not mapgen's")
    zones, base = alternative.shapes(site)
    ours = _script_json(site / "data" / "base.js", "window.ATLAS_BASE=")

    def theirs(frame: Any) -> int:
        return int(shapely.get_num_coordinates(frame.geometry.values).sum())

    counts = {
        "governorates": (
            sum(_vertices(f["geometry"]) for f in ours["governorates"]["features"]),
            theirs(base[base["kind"] != "neighbour"]),
        ),
        "neighbours": (
            sum(_vertices(f["geometry"]) for f in ours["neighbours"]["features"]),
            theirs(base[base["kind"] == "neighbour"]),
        ),
    }
    for page in sorted((site / "maps").glob("*.html")):
        day = page.stem
        shown = zones[
            (zones["valid_from"] <= day)
            & (zones["valid_to"].isna() | (zones["valid_to"] > day))
        ]
        counts[page.stem] = (
            sum(_vertices(f["geometry"]) for f in page_data(page)["zones"]["features"]),
            theirs(shown),
        )
    for name, (a, b) in counts.items():
        if a != b:
            raise AssertionError(
                f"{name}: the page has {a} vertices, the alternative {b}"
            )
    return {name: a for name, (a, _) in counts.items()}


def bench_weight(site: Path, alt: Path) -> dict[str, Any]:
    base = _script_json(site / "data" / "base.js", "window.ATLAS_BASE=")
    everything = _script_json(site / "data" / "all.js", "window.ATLAS_ALL=")
    base_fc = [base["governorates"], base["neighbours"]]

    def size(rel: str) -> int:
        return (site / rel).stat().st_size

    shared = {
        "data/base.js": size("data/base.js"),
        "assets/atlas.js": size("assets/atlas.js"),
        "assets/atlas.css": size("assets/atlas.css"),
    }
    pages = {}
    for page in sorted((site / "maps").glob("*.html")):
        ours = page.stat().st_size + sum(shared.values())
        floor = floor_of([*base_fc, page_data(page)["zones"]])
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

    # The difference compare loads first: its default dates' stretches.
    def stretch(iso: str) -> int:
        return next(
            i
            for i, st in enumerate(everything["states"])
            if st["start"] <= iso <= st["end"]
        )

    pair = f"{stretch('2017-05-04')}-{stretch('2018-09-17')}"
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
                f"data/diff/{pair}.js",
            ],
        ),
    ):
        ours = (
            size(name)
            + size("data/all.js")
            + sum(shared.values())
            + sum(size(e) for e in extra)
        )
        fcs = [*base_fc, everything["features"]]
        if name == "compare.html":
            fcs.append(
                _script_json(
                    site / "data" / "diff" / f"{pair}.js", f'Atlas.diffLoaded("{pair}",'
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
    return {
        "pages": pages,
        "shared": shared,
        "leaflet_bytes": leaflet,
        "same_vertices_as_alternative": check_alternative(site),
    }


# -- render ------------------------------------------------------------------------

# Injected before any of the page's own scripts. Once the map holds as many zone
# paths (Leaflet's SVG paths carry the atlas's class "zone": polygons, routes
# and observation posts alike) as the date has in-force features, it waits for
# the next frame and takes the time after that frame's paint (a message posted
# from requestAnimationFrame is handled after the frame). The same code times
# the floor page, whose one polygon also carries the class "zone".
OBSERVER = """(() => {
  const want = %d;
  const b = window.__bench = { added: null, drawn: null };
  const count = () => document.querySelectorAll("path.zone").length;
  const obs = new MutationObserver(() => {
    if (b.added !== null || count() < want) return;
    b.added = performance.now();
    obs.disconnect();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { b.drawn = performance.now(); };
      ch.port2.postMessage(null);
    });
  });
  obs.observe(document, { childList: true, subtree: true });
})();"""

FLOOR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title>
<link rel="stylesheet" href="lib/leaflet/leaflet.css">
<style>html, body, #map {{ margin: 0; height: 100%; }}</style></head>
<body><div id="map"></div>
<script src="lib/leaflet/leaflet.js"></script>
<script>
var polygon = {polygon};
var layer = L.geoJSON(polygon, {{ style: {{ className: "zone" }} }});
var map = L.map("map");
map.fitBounds(layer.getBounds());
layer.addTo(map);
</script></body></html>
"""


def in_force(props: dict[str, Any], day: str) -> bool:
    return bool(
        props["valid_from"] <= day
        and (not props.get("valid_to") or day < props["valid_to"])
    )


def render_targets(site: Path) -> dict[str, tuple[str, int]]:
    """Each page to open (with its URL fragment) and its number of in-force zone
    features, from the GeoJSON the build wrote."""
    targets: dict[str, tuple[str, int]] = {}
    for page in sorted((site / "maps").glob("*.html")):
        day = json.loads((site / "geojson" / f"{page.stem}.geojson").read_text())
        targets[f"maps/{page.name}"] = (
            (site / "maps" / page.name).resolve().as_uri(),
            len(day["features"]),
        )
    every = json.loads((site / "geojson" / "zones.geojson").read_text())["features"]

    def count(day: str) -> int:
        return sum(1 for f in every if in_force(f["properties"], day))

    # The timeline opens on the period's first day; compare opens on 2017-05-04
    # against 2018-09-17 and draws each date in a pane of its own.
    first = _script_json(site / "data" / "all.js", "window.ATLAS_ALL=")["period"][0]
    a, b = "2017-05-04", "2018-09-17"
    targets["timeline.html"] = (
        (site / "timeline.html").resolve().as_uri() + f"#date={first}",
        count(first),
    )
    targets["compare.html"] = (
        (site / "compare.html").resolve().as_uri() + f"#a={a}&b={b}",
        count(a) + count(b),
    )
    return targets


def write_floor(site: Path, where: Path) -> Path:
    """The floor page: Leaflet (a copy of the build's) drawing one polygon, the
    first date page's zone, as plain GeoJSON at the page's simplification."""
    shutil.copytree(site / "lib" / "leaflet", where / "lib" / "leaflet")
    first = sorted((site / "maps").glob("*.html"))[0]
    feature = next(
        f
        for f in page_data(first)["zones"]["features"]
        if f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    )
    coords = _geometry_coords(feature["geometry"])
    if feature["geometry"]["type"] == "MultiPolygon":
        # The largest part (the nationwide ceasefire is now its parties' ground).
        coords = max(coords, key=lambda rings: len(rings[0]))
    polygon = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": coords},
    }
    path = where / "floor.html"
    path.write_text(
        FLOOR_PAGE.format(polygon=json.dumps(polygon, separators=(",", ":")))
    )
    return path


def bench_render(site: Path, work: Path, runs: int) -> dict[str, Any]:
    from playwright.sync_api import Browser, sync_playwright

    floor_dir = work / "floor"
    floor_dir.mkdir()
    floor_url = write_floor(site, floor_dir).resolve().as_uri()
    targets = render_targets(site)

    def load(browser: Browser, url: str, want: int) -> dict[str, Any]:
        # A fresh context each time, offline: only file: URLs load.
        context = browser.new_context(
            offline=True, viewport={"width": 1200, "height": 800}
        )
        page = context.new_page()
        page.add_init_script(OBSERVER % want)
        page.goto(url)
        page.wait_for_function("window.__bench.drawn !== null", timeout=15000)
        got: dict[str, Any] = page.evaluate(
            """() => ({
              drawn: window.__bench.drawn,
              added: window.__bench.added,
              dcl: performance.getEntriesByType("navigation")[0]
                .domContentLoadedEventStart,
              zones: document.querySelectorAll("path.zone").length,
              ready: document.body.getAttribute("data-ready"),
            })"""
        )
        context.close()
        if got["zones"] != want:
            raise AssertionError(f"{url}: {got['zones']} zone paths, wanted {want}")
        return got

    samples: dict[str, list[dict[str, Any]]] = {rel: [] for rel in targets}
    floor: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The first round warms the browser and the OS caches and is dropped.
        # Page and floor alternate, so drift in the machine's speed hits both.
        for round_ in range(runs + 1):
            for rel, (url, want) in targets.items():
                f = load(browser, floor_url, 1)
                p = load(browser, url, want)
                if rel.startswith("maps/") and p["ready"] != str(want):
                    raise AssertionError(f"{rel}: data-ready {p['ready']} != {want}")
                if round_:
                    floor.append(f)
                    samples[rel].append(p)
        browser.close()

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in rows))

    floor_ms = med(floor, "drawn")
    pages = {
        rel: {
            "zones": targets[rel][1],
            "drawn_ms": med(rows, "drawn"),
            "zones_added_ms": med(rows, "added"),
            "dom_content_loaded_ms": med(rows, "dcl"),
            "vs_floor_page": med(rows, "drawn") / floor_ms,
        }
        for rel, rows in samples.items()
    }
    return {
        "floor_page": {
            "drawn_ms": floor_ms,
            "zones_added_ms": med(floor, "added"),
            "dom_content_loaded_ms": med(floor, "dcl"),
            "samples": len(floor),
        },
        "pages": pages,
    }


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
            env=child_env(work),
            capture_output=True,
            text=True,
            check=True,
        )
        took = time.perf_counter() - start
        peak_kib, worker_kib = (
            int(x) for x in done.stderr.strip().splitlines()[-1].split()
        )
        out[str(n)] = {
            "build_s": took,
            "peak_mib": peak_kib / 1024,
            "worker_peak_mib": worker_kib / 1024,
            "files": tree_size(work / f"out-{n}")[0],
        }
    return out


def bench_control(work: Path, cases: list[tuple[int, int]]) -> dict[str, Any]:
    """Builds of the real zones with synthetic control data: settlements at
    random inside Syria, their changes of side on random days of 2017-2018."""
    out = {}
    for settlements, changes in cases:
        zones = work / f"control-{settlements}-{changes}"
        shutil.copytree(ROOT / "zones", zones)
        generate_control(settlements, changes, zones)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PEAK, "build", "--zones", str(zones),
             "--out", str(work / f"control-out-{settlements}-{changes}")],
            cwd=ROOT, env=child_env(work), capture_output=True, text=True, check=True,
        )  # fmt: skip
        took = time.perf_counter() - start
        peak_kib, worker_kib = (
            int(x) for x in done.stderr.strip().splitlines()[-1].split()
        )
        out[f"{settlements}x{changes}"] = {
            "build_s": took,
            "peak_mib": peak_kib / 1024,
            "worker_peak_mib": worker_kib / 1024,
            "output_mib": tree_size(work / f"control-out-{settlements}-{changes}")[1]
            / 2**20,
        }
        shutil.rmtree(work / f"control-out-{settlements}-{changes}", ignore_errors=True)
    return out


# -- edit loop -----------------------------------------------------------------------


def watch_interval() -> float:
    """The default polling interval of 'mapgen watch'."""
    from mapgen.cli import _parser

    interval: float = _parser().parse_args(["watch"]).interval
    return interval


def bench_edit(work: Path, runs: int) -> dict[str, Any]:
    zones = work / "edit-zones"
    shutil.copytree(ZONES, zones)
    target = zones / "2017-07-22-eastern-ghouta.yaml"
    # No --interval: the loop as people get it.
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
        ],
        cwd=ROOT,
        env=child_env(work),
        stdout=subprocess.PIPE,
        text=True,
    )
    stdout = proc.stdout
    assert stdout is not None

    def wait_built() -> float:
        """Wait for the next rebuild; the rebuild's own time, as watch prints it."""
        while True:
            line = stdout.readline()
            if not line:
                raise RuntimeError("mapgen watch stopped")
            if line.startswith("Built"):
                took = re.search(r" in ([0-9.]+) s\.", line)
                return float(took.group(1)) if took else float("nan")

    interval = watch_interval()
    phase = random.Random(1)
    times, rebuilds = [], []
    try:
        wait_built()
        for i in range(runs):
            # Every edit moves Jobar's declared edge somewhere it has not been,
            # so that no rebuild can reuse a cached shape or difference of that zone.
            text = target.read_text()
            old, new = (
                f"[[{36.318 + i / 1000:.3f}, 33.50]",
                f"[[{36.319 + i / 1000:.3f}, 33.50]",
            )
            if old not in text:
                raise RuntimeError(f"{target.name} has no '{old}' to edit")
            # Let the watcher settle, then land the edit anywhere in its interval.
            time.sleep(0.2 + phase.uniform(0, interval))
            start = time.perf_counter()
            target.write_text(text.replace(old, new, 1))
            rebuilds.append(wait_built())
            times.append(time.perf_counter() - start)
    finally:
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
        env=child_env(work),
    )
    return {
        "interval_s": interval,
        "watch_median_s": statistics.median(times),
        "watch_runs_s": times,
        "watch_rebuild_s": rebuilds,
        "cli_build_s": cli,
    }


# -- report --------------------------------------------------------------------------


def bench_export(work: Path, runs: int) -> dict[str, Any]:
    """Every GIS format for one date through the atlas's exporter, against a
    fair alternative (geopandas reading the date's GeoJSON and writing each
    format with its defaults) and a floor (writing the GeoJSON bytes alone);
    and the API's zones_on, warm."""
    import geopandas

    import mapgen
    from mapgen.export.features import collection_on, to_bytes
    from mapgen.export.gis import FORMATS, SUFFIXES, write

    day = "2017-10-01"
    atlas = mapgen.open_atlas()
    collection = collection_on(atlas.data, atlas.resolved, atlas.day(day))
    data = to_bytes(collection)
    pcodes = atlas.geodata.pcodes
    drivers = {
        "gpkg": "GPKG",
        "shp": "ESRI Shapefile",
        "fgb": "FlatGeobuf",
        "kml": "LIBKML",
        "csv": "CSV",
        "geojson": "GeoJSON",
    }
    out = work / "export"

    def fresh() -> Path:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        return out

    def ours() -> float:
        folder = fresh()
        start = time.perf_counter()
        for fmt in FORMATS:
            write(collection, fmt, folder / f"zones{SUFFIXES[fmt]}", pcodes)
        return time.perf_counter() - start

    def theirs() -> float:
        folder = fresh()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = geopandas.read_file(io.BytesIO(data))
            for fmt in FORMATS:
                if fmt == "shp":
                    # A Shapefile holds one geometry type: one file per type.
                    for kind, part in frame.groupby(frame.geom_type):
                        part.to_file(folder / f"alt-{kind}.shp", driver=drivers[fmt])
                elif fmt == "csv":
                    frame.to_file(folder / "alt.csv", driver="CSV", GEOMETRY="AS_WKT")
                else:
                    frame.to_file(folder / f"alt{SUFFIXES[fmt]}", driver=drivers[fmt])
        return time.perf_counter() - start

    def floor() -> float:
        folder = fresh()
        start = time.perf_counter()
        (folder / "zones.geojson").write_bytes(to_bytes(collection))
        return time.perf_counter() - start

    ours()
    theirs()
    ours_s, theirs_s = paired(runs, ours, theirs)
    floor_s = median_of(runs, floor)
    atlas.zones_on(day)
    zones_on_ms = (
        median_of(runs, lambda: _timed_call(lambda: atlas.zones_on(day))) * 1000
    )
    return {
        "date": day,
        "formats": list(FORMATS),
        "ours_s": ours_s,
        "alternative_s": theirs_s,
        "floor_s": floor_s,
        "zones_on_warm_ms": zones_on_ms,
    }


def _timed_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def verdict(ratio: float, target: float, unit: str = "×") -> str:
    if ratio <= target:
        return "met"
    return f"**missed** ({ratio:.2f}{unit} > {target}{unit})"


def report(results: dict[str, Any]) -> str:
    m, b, w, r = (
        results["machine"],
        results["build"],
        results["weight"],
        results["render"],
    )
    scale, edit, n = results["scale"], results["edit"], results["runs"]
    t = TARGETS
    rows = [
        (
            "Whole-site build, cold: a fresh process each, imports included "
            f"(median of {n['build']})",
            f"{b['ours_cold_s']:.2f} s vs {b['alternative_cold_s']:.2f} s",
            f"{b['ratio_cold']:.2f}×",
            f"≤ {t['build_ratio']}×",
            verdict(b["ratio_cold"], t["build_ratio"]),
        ),
        (
            "Whole-site build, warm: in process, imports done, no cache "
            f"(median of {n['build']})",
            f"{b['ours_warm_s']:.2f} s vs {b['alternative_warm_s']:.2f} s "
            f"(the atlas with `mapgen watch`'s caches full: "
            f"{b['ours_warm_cached_s']:.2f} s)",
            f"{b['ratio_warm']:.2f}×",
            f"≤ {t['build_ratio']}×",
            verdict(b["ratio_warm"], t["build_ratio"]),
        ),
        (
            "What each build writes",
            f"{b['files']} files, {b['bytes']:,} bytes vs "
            f"{b['alternative_files']} pages, {b['alternative_bytes']:,} bytes",
            "",
            "",
            "",
        ),
    ]
    pages = w["pages"]
    worst_alt = max(pages, key=lambda k: pages[k]["vs_alternative"])
    worst_floor = max(pages, key=lambda k: pages[k]["vs_floor"])
    rows += [
        (
            "Page weight vs the alternative's page, same simplified shapes "
            "(worst page)",
            f"{pages[worst_alt]['bytes']:,} vs {pages[worst_alt]['alternative']:,} "
            f"bytes ({worst_alt})",
            f"{pages[worst_alt]['vs_alternative']:.2f}×",
            f"≤ {t['page_vs_alternative']}×",
            verdict(pages[worst_alt]["vs_alternative"], t["page_vs_alternative"]),
        ),
        (
            "Page weight vs the geometry floor (worst page)",
            f"{pages[worst_floor]['bytes']:,} vs {pages[worst_floor]['floor']:,} "
            f"bytes ({worst_floor})",
            f"{pages[worst_floor]['vs_floor']:.2f}×",
            f"≤ {t['page_vs_floor']}×",
            verdict(pages[worst_floor]["vs_floor"], t["page_vs_floor"]),
        ),
    ]
    rp = r["pages"]
    dates = [k for k in rp if k.startswith("maps/")]
    worst_r = max(rp, key=lambda k: rp[k]["vs_floor_page"])
    med_r = statistics.median(p["drawn_ms"] for p in rp.values())
    met_r = sum(p["vs_floor_page"] <= t["render_vs_floor_page"] for p in rp.values())
    rows.append(
        (
            "Navigation → every in-force zone drawn, vs the floor page "
            "(Leaflet drawing one polygon), Chromium offline (worst page; "
            f"median of {n['render']} each)",
            f"{rp[worst_r]['drawn_ms']:.0f} ms ({worst_r}) vs "
            f"{r['floor_page']['drawn_ms']:.0f} ms; median page {med_r:.0f} ms",
            f"{rp[worst_r]['vs_floor_page']:.2f}×",
            f"≤ {t['render_vs_floor_page']}× (each page)",
            verdict(rp[worst_r]["vs_floor_page"], t["render_vs_floor_page"])
            + f"; {met_r} of {len(rp)} pages within",
        )
    )
    if "1000" in scale:
        ratio = scale["1000"]["build_s"] / scale["100"]["build_s"]
        peak = max(s["peak_mib"] for s in scale.values())
        workers = max(s["worker_peak_mib"] for s in scale.values())
        rows += [
            (
                "Build, 1,000 vs 100 synthetic agreements",
                f"{scale['1000']['build_s']:.1f} s vs {scale['100']['build_s']:.1f} s",
                f"{ratio:.1f}×",
                f"≤ {t['scale_1000_over_100']}×",
                verdict(ratio, t["scale_1000_over_100"]),
            ),
            (
                "Peak memory, 1,000 agreements",
                f"{peak:.0f} MiB (+ workers ≤ {workers:.0f} MiB, shared copy-on-write)",
                "",
                f"< {t['scale_memory_mib']:.0f} MiB",
                "met" if peak < t["scale_memory_mib"] else "**missed**",
            ),
        ]
    rows.append(
        (
            "Edit loop: one zone file changed → site rebuilt (`mapgen watch` at "
            f"its default {edit['interval_s']} s interval, median of "
            f"{len(edit['watch_runs_s'])})",
            f"{edit['watch_median_s']:.2f} s (runs "
            + ", ".join(f"{x:.2f}" for x in edit["watch_runs_s"])
            + "; the rebuilds alone, as watch prints them: "
            + ", ".join(f"{x:.2f}" for x in edit["watch_rebuild_s"])
            + f"; a fresh `mapgen build`: {edit['cli_build_s']:.2f} s)",
            "",
            f"≤ {t['edit_loop_s']} s",
            verdict(edit["watch_median_s"], t["edit_loop_s"], " s"),
        )
    )
    if "export" in results:
        ex = results["export"]
        rows += [
            (
                f"Export of one date ({ex['date']}) in every format "
                f"({', '.join(ex['formats'])}), in process (median of {n['build']})",
                f"{ex['ours_s']:.2f} s vs {ex['alternative_s']:.2f} s (geopandas "
                f"defaults, nested properties as text); floor (GeoJSON bytes only) "
                f"{ex['floor_s'] * 1000:.1f} ms",
                f"{ex['ours_s'] / ex['alternative_s']:.2f}×",
                f"< {t['export_all_formats_s']} s",
                verdict(ex["ours_s"], t["export_all_formats_s"], " s"),
            ),
            (
                "`Atlas.zones_on(date)`, warm (median)",
                f"{ex['zones_on_warm_ms']:.1f} ms",
                "",
                f"< {t['zones_on_warm_ms']:.0f} ms",
                verdict(ex["zones_on_warm_ms"], t["zones_on_warm_ms"], " ms"),
            ),
        ]
    out = [
        f"Machine: {m['cpus']} cores, Python {m['python']}, {m['platform']}",
        "",
        "| measure | figures | ratio | target | |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        "| page | bytes loaded | alternative | geometry floor | vs alternative "
        "| vs floor | zones | zones drawn | vs floor page |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p in pages.items():
        q = rp[name]
        out.append(
            f"| {name} | {p['bytes']:,} | {p['alternative']:,} | {p['floor']:,} "
            f"| {p['vs_alternative']:.2f} | {p['vs_floor']:.2f} | {q['zones']} "
            f"| {q['drawn_ms']:.0f} ms | {q['vs_floor_page']:.2f} |"
        )
    fp = r["floor_page"]
    out += [
        f"| floor page (Leaflet, one polygon) | | | | | | 1 "
        f"| {fp['drawn_ms']:.0f} ms | 1.00 |",
        "",
        f"Leaflet 1.9.4 (third party, loaded by every page): "
        f"{w['leaflet_bytes']:,} bytes.",
        "",
        "| from navigation to | floor page | date pages (median) |",
        "|---|---:|---:|",
        *(
            f"| {label} | {fp[key]:.0f} ms "
            f"| {statistics.median(rp[k][key] for k in dates):.0f} ms |"
            for label, key in (
                (
                    "DOMContentLoaded (HTML parsed, scripts run)",
                    "dom_content_loaded_ms",
                ),
                ("every zone path in the DOM", "zones_added_ms"),
                ("the next frame painted", "drawn_ms"),
            )
        ),
        "",
    ]
    for n, s in scale.items():
        out.append(
            f"Scale {n:>5} agreements: {s['build_s']:.2f} s, peak "
            f"{s['peak_mib']:.0f} MiB (workers {s['worker_peak_mib']:.0f} MiB), "
            f"{s['files']} files."
        )
    control = results.get("control", {})
    if control:
        out += [
            "",
            "Control data at scale (issue 11): the real zones with synthetic settlements",
            "",
            "| settlements x changes | build | peak memory | output |",
            "|---|---:|---:|---:|",
            *(
                f"| {k} | {c['build_s']:.1f} s | {c['peak_mib']:.0f} MiB "
                f"(workers {c['worker_peak_mib']:.0f}) | {c['output_mib']:.0f} MiB |"
                for k, c in control.items()
            ),
        ]
        keys = list(control)
        if len(keys) >= 2:
            ratio = control[keys[1]]["build_s"] / control[keys[0]]["build_s"]
            out.append(
                f"Ten times the changes ({keys[0]} -> {keys[1]}): {ratio:.1f}x the time "
                f"({verdict(ratio, t['control_10x_changes_ratio'])})."
            )
        big = control.get("5000x20000")
        if big:
            out.append(
                f"5,000 settlements, 20,000 changes: {big['build_s']:.0f} s "
                f"({verdict(big['build_s'], t['control_5000_build_s'], ' s')}), "
                f"{big['peak_mib']:.0f} MiB "
                f"({verdict(big['peak_mib'], t['control_5000_memory_mib'], ' MiB')})."
            )
    out.append(f"Benchmark took {results['took_s']:.0f} s.")
    return "\n".join(out)


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 2 if quick else 5
    # Page loads vary most from run to run here, so they get more runs.
    render_runs = 2 if quick else 9
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    try:
        results: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "targets": TARGETS,
            "runs": {"build": runs, "render": render_runs, "edit": runs},
        }
        results["build"] = bench_build(work, runs)
        results["weight"] = bench_weight(work / "site", work / "alt")
        results["render"] = bench_render(work / "site", work, render_runs)
        results["scale"] = bench_scale(work, [10, 100] if quick else [10, 100, 1000])
        results["edit"] = bench_edit(work, runs)
        results["export"] = bench_export(work, runs)
        results["control"] = bench_control(
            work,
            [(300, 600), (300, 6000)]
            if quick
            else [(1000, 2000), (1000, 20000), (5000, 20000)],
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["took_s"] = time.perf_counter() - began
    (Path(__file__).parent / "results.json").write_text(
        json.dumps(results, indent=1) + "\n"
    )
    print(report(results))


if __name__ == "__main__":
    main()

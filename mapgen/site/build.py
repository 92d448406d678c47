"""Write the whole site into a temporary directory, then swap it in for output/.

A failed or interrupted build leaves the previous output/ exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import multiprocessing as mp
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from types import FrameType

from rcssmin import cssmin
from rjsmin import jsmin

from mapgen import vocabulary
from mapgen.analysis.diff import COUNTED, Differ
from mapgen.analysis.stats import Coverage, coverage
from mapgen.analysis.stats import to_csv as stats_csv
from mapgen.analysis.timeline import diff_pairs, milestones, states
from mapgen.cache import BuildCache
from mapgen.errors import ZoneDataError
from mapgen.export import features as export
from mapgen.export.control import settlements_collection, territory_collection
from mapgen.export.inside import places_inside_csv
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.geojson import dumps_compact
from mapgen.geometry.resolve import Resolved, resolve_atlas
from mapgen.geometry.territory import Ground
from mapgen.model import AtlasData
from mapgen.site import render, render_compare
from mapgen.site.downloads import Downloads
from mapgen.site.encode import page_details
from mapgen.site.figure_files import Figures, worker_signals
from mapgen.site.outdir import (
    building_dir,
    check_out,
    locked,
    read_stamp,
    remove_stale,
    swap_in,
    write_stamp,
)
from mapgen.site.thumbnails import base_layer, thumbnail
from mapgen.zonefile.load import read_atlas


def leaflet_dir() -> Path:
    """Leaflet 1.9.4 as installed from PyPI (django-js-lib-leaflet)."""
    return Path(str(files("js_lib_leaflet") / "static" / "js_lib_leaflet"))


def load_and_resolve(
    zones_dir: Path, geodata: Geodata, cache: BuildCache | None = None
) -> tuple[AtlasData, Resolved]:
    """Read and check the zone files, then draw every zone version; raise one
    ZoneDataError with every problem of both steps, so that a geometry problem
    in one file is reported alongside a key problem in another."""
    atlas, problems = read_atlas(zones_dir, geodata)
    # Files with problems of their own are drawn once those are mended: their
    # half-read values would only echo the same mistakes as geometry problems.
    faulty = {p.mark.path for p in problems}
    try:
        atlas, resolved = resolve_atlas(_without_files(atlas, faulty), geodata, cache)
    except ZoneDataError as exc:
        problems = [*problems, *exc.problems]
    if problems:
        raise ZoneDataError(problems)
    return atlas, resolved


def _without_files(atlas: AtlasData, paths: set[str]) -> AtlasData:
    if not paths:
        return atlas
    return replace(
        atlas,
        versions=tuple(v for v in atlas.versions if v.mark.path not in paths),
        posts=tuple(p for p in atlas.posts if p.mark.path not in paths),
        routes=tuple(r for r in atlas.routes if r.mark.path not in paths),
    )


def _pair_key(
    atlas: AtlasData, resolved: Resolved, pair: str, a: dt.date, b: dt.date
) -> str:
    sides = [
        [
            (v.key, v.name, v.kind, resolved.fingerprints.get(v.key))
            for v in sorted(atlas.in_force(day), key=lambda v: v.key)
        ]
        for day in (a, b)
    ]
    return hashlib.sha256(repr((pair, a, b, sides)).encode("utf-8")).hexdigest()


_Job = tuple[str, str, dt.date, dt.date]
_WORKER_DIFFER: Differ | None = None
# Below this many pairs a second process costs more than it saves.
PARALLEL_FROM = 12


def _diff_scripts(jobs: list[_Job]) -> list[tuple[str, bytes]]:
    differ = _WORKER_DIFFER
    assert differ is not None
    return [
        (key, render_compare.diff_script(pair, differ.diff(a, b)))
        for key, pair, a, b in jobs
    ]


def _compute_diffs(jobs: list[_Job], differ: Differ) -> list[tuple[str, bytes]]:
    """Difference scripts for the pairs not cached yet, on every core: the
    workers are forked, so they share the atlas and shapes without copying."""
    global _WORKER_DIFFER
    _WORKER_DIFFER = differ
    workers = min(os.cpu_count() or 1, 4)
    if (
        len(jobs) < PARALLEL_FROM
        or workers < 2
        or "fork" not in mp.get_all_start_methods()
    ):
        results = _diff_scripts(jobs)
    else:
        chunks = [jobs[i::workers] for i in range(workers)]
        with mp.get_context("fork").Pool(workers, initializer=worker_signals) as pool:
            results = [r for part in pool.map(_diff_scripts, chunks) for r in part]
    _WORKER_DIFFER = None
    return results


def write_site(
    atlas: AtlasData,
    resolved: Resolved,
    geodata: Geodata,
    out: Path,
    *,
    previous: Path | None = None,
    cache: BuildCache | None = None,
) -> dict[str, int]:
    """Write every file of the site below ``out``; returns bytes per file.

    ``previous`` is the site being replaced, whose downloads are reused when
    what they are made from has not changed."""
    written: dict[str, int] = {}
    everything = export.collection_all(atlas, resolved)
    everything_bytes = export.to_bytes(everything)
    pcodes = geodata.pcodes
    stamp = read_stamp(previous) if previous is not None else None
    downloads = Downloads(
        everything_bytes,
        pcodes,
        out / "downloads",
        previous=previous,
        previous_key=str(stamp.get("downloads")) if stamp else None,
        worker=cache.downloads_worker() if cache is not None else None,
    )
    old_keys = stamp.get("figures") if stamp else None
    figures = Figures(
        atlas,
        resolved,
        geodata,
        out,
        previous=previous,
        previous_keys=old_keys if isinstance(old_keys, dict) else {},
    )
    try:
        _write_pages(
            atlas,
            resolved,
            geodata,
            out,
            written,
            everything,
            everything_bytes,
            cache if cache is not None else BuildCache(),
        )
        written.update(downloads.finish())
        written.update(figures.finish())
    finally:
        downloads.cancel()
        figures.cancel()
    write_stamp(out, list(written), downloads=downloads.key, figures=figures.keys)
    return written


def _write_pages(
    atlas: AtlasData,
    resolved: Resolved,
    geodata: Geodata,
    out: Path,
    written: dict[str, int],
    everything: dict[str, object],
    everything_bytes: bytes,
    cache: BuildCache,
) -> None:

    def put(rel: str, data: bytes) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[rel] = len(data)

    lib = leaflet_dir()
    for name in ("leaflet.js", "leaflet.css"):
        put(f"lib/leaflet/{name}", (lib / name).read_bytes())
    for image in sorted((lib / "images").iterdir()):
        put(f"lib/leaflet/images/{image.name}", image.read_bytes())
    static = files("mapgen.site") / "static"
    for name in ("atlas.js", "pages.js", "timeline.js", "compare.js"):
        code = jsmin((static / name).read_text("utf-8"))
        if name == "atlas.js":
            code = vocabulary.script() + code
        put(f"assets/{name}", code.encode("utf-8"))
    for name in ("atlas.css", "pages.css"):
        style = vocabulary.css() + cssmin((static / name).read_text("utf-8"))
        put(f"assets/{name}", style.encode("utf-8"))
    put("data/base.js", render.base_script(geodata, atlas.control))
    put("data/base-detail.js", render.base_detail_script(geodata))
    put("data/towns.js", render.towns_script(geodata))
    dates = atlas.dates
    counts: dict[dt.date, int] = {}
    all_coverage: list[Coverage] = []
    base = base_layer(geodata)
    for i, day in enumerate(dates):
        collection = export.collection_on(atlas, resolved, day)
        counts[day] = len(collection["features"])
        iso = day.isoformat()
        rows = coverage(atlas, resolved, geodata, day)
        all_coverage.extend(rows)
        put(f"geojson/{iso}.geojson", export.to_bytes(collection))
        details = page_details(collection)
        details["stats"] = render.coverage_rows(rows)
        put(f"data/details/{iso}.js", render.details_script(iso, details))
        put(f"thumbnails/{iso}.svg", thumbnail(atlas.in_force(day), resolved, base))
        put(
            f"maps/{iso}.html",
            render.date_page(
                atlas,
                day,
                collection,
                previous=dates[i - 1] if i else None,
                following=dates[i + 1] if i + 1 < len(dates) else None,
                coverage=rows,
                control_layer=bool(atlas.control.fronts)
                and (atlas.control.horizon is None or day <= atlas.control.horizon),
            ),
        )
    put("geojson/zones.geojson", everything_bytes)
    if atlas.control.fronts:
        _write_control(atlas, geodata, put, cache)
    put("stats.csv", stats_csv(all_coverage))
    if atlas.control.fronts:
        put("downloads/places-in-zones.csv", places_inside_csv(atlas, resolved))
    atlas_states = states(atlas, COUNTED)
    differ = Differ(atlas, resolved, geodata)
    pairs = diff_pairs(atlas_states, milestones(atlas, atlas_states))
    put(
        "data/all.js",
        render_compare.all_script(atlas, everything, atlas_states, pairs),
    )
    put(
        "data/details/all.js",
        render.details_script("all", page_details(everything)),
    )
    jobs = []
    for first, second in pairs:
        pair = f"{first.index}-{second.index}"
        key = _pair_key(atlas, resolved, pair, first.start, second.start)
        jobs.append((key, pair, first.start, second.start))
    scripts = cache.diff_scripts
    scripts.update(_compute_diffs([j for j in jobs if j[0] not in scripts], differ))
    for key, pair, _, _ in jobs:
        cache.use_script(key)
        put(f"data/diff/{pair}.js", scripts[key])
    put("timeline.html", render_compare.timeline_page(atlas))
    put("compare.html", render_compare.compare_page(atlas))
    put("index.html", render.index_page(atlas, counts))


class BuildInterruptedError(BaseException):
    """The build was stopped by SIGINT or SIGTERM; nothing was swapped in.

    A BaseException, like KeyboardInterrupt, so that no library's
    ``except Exception`` can swallow it halfway through a build."""


@contextmanager
def _signals_raise() -> Iterator[None]:
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise BuildInterruptedError(f"The build was interrupted by signal {signum}.")

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def build(
    zones_dir: Path, out: Path, geodata: Geodata, cache: BuildCache | None = None
) -> dict[str, int]:
    """Validate, resolve and write the site; swap it in only when complete.

    ``out`` must be new, empty, or a site mapgen built (see
    :func:`mapgen.site.outdir.check_out`); nothing is created when the data is bad.
    """
    protected = {"zones folder": zones_dir, "geodata folder": geodata.directory}
    check_out(out, protected=protected)
    out = out.resolve()
    with _signals_raise():
        atlas, resolved = load_and_resolve(zones_dir, geodata, cache)
        made = _make_parents(out.parent)
        try:
            with locked(out.parent):
                # Checked again under the lock: another build may have run.
                check_out(out, protected=protected)
                remove_stale(out)
                tmp = building_dir(out)
                try:
                    written = write_site(
                        atlas, resolved, geodata, tmp, previous=out, cache=cache
                    )
                    swap_in(tmp, out)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
        except BaseException:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
    if cache is not None:
        cache.prune()
    return written


def _write_control(
    atlas: AtlasData,
    geodata: Geodata,
    put: Callable[[str, bytes], None],
    cache: BuildCache,
) -> None:
    """The control layer: every settlement with its history (GeoJSON, and a
    script the pages load on the first settlement popup), and for each
    agreement date up to the data's horizon the territory each side held.
    Kept in the cache by what it is made from, so a zone edit reuses it."""
    control = atlas.control
    made_from = hashlib.sha256(
        repr((control, geodata.fingerprint)).encode("utf-8")
    ).hexdigest()
    everything = settlements_collection(control)

    def history() -> bytes:
        keys = (
            "name",
            "name_ar",
            "governorate",
            "front",
            "kind",
            "origin",
            "coordinates_from",
            "history",
        )
        return render.control_history_script(
            [{k: f["properties"][k] for k in keys} for f in everything["features"]]
        )

    put(
        "geojson/control.geojson",
        cache.file(f"control.geojson:{made_from}", lambda: dumps_compact(everything)),
    )
    put("data/control/history.js", cache.file(f"history:{made_from}", history))
    index = {f["id"]: i for i, f in enumerate(everything["features"])}
    horizon = control.horizon

    ground = Ground(control, geodata)
    last = horizon or max(atlas.dates)

    def cells() -> bytes:
        return render.ground_script(
            ground.page_cells(last),
            ground.settlements,
            horizon.isoformat() if horizon else None,
        )

    put("data/control/ground.js", cache.file(f"ground:{made_from}", cells))

    def layer(day: dt.date) -> bytes:
        territory = ground.territory(day)
        points = [
            [
                s.name,
                round(s.lon, 5),
                round(s.lat, 5),
                side,
                index[f"{s.front}/{s.name}"],
            ]
            for s, side in territory.settlements
        ]
        return render.control_script(
            day.isoformat(),
            territory_collection(territory, horizon),
            points,
            horizon.isoformat() if horizon else None,
        )

    for day in atlas.dates:
        if horizon is not None and day > horizon:
            continue
        put(
            f"data/control/{day.isoformat()}.js",
            cache.file(f"control:{day}:{made_from}", functools.partial(layer, day)),
        )


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, top first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()][::-1]
    folder.mkdir(parents=True, exist_ok=True)
    return missing

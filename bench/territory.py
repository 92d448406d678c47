"""Benchmark the territory engine on the real dense atlas.

    .venv/bin/python bench/territory.py [--days N]

Side by side, in one run, for every day on which some place changes hands
(or the first N of them):

- the atlas's engine (``mapgen.geometry.territory.Ground``): the Voronoi cells
  are computed once, because every place is known on every day, and a day's
  territory is a coverage union of the cells of each side;
- the obvious alternative with geopandas: for each day, ``voronoi_polygons``
  over the known places, clipped to Syria, then ``dissolve`` by side;
- a floor: looking up every place's side on the day (no geometry at all).

Prints a Markdown table of total and per-day seconds and the ratio (target:
the engine at most 0.1x the alternative's time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata  # noqa: E402
from mapgen.geometry.projection import EQUAL_AREA  # noqa: E402
from mapgen.geometry.territory import Ground  # noqa: E402
from mapgen.zonefile.load import load_atlas  # noqa: E402


def change_days(ground: Ground) -> list:  # type: ignore[type-arg]
    days = sorted(
        {
            sp.start
            for s in ground.settlements
            for sp in s.history
            if sp.start.year >= 2016
        }
    )
    return days


def alternative(ground: Ground, geodata: Geodata, day) -> dict[str, float]:  # type: ignore[no-untyped-def]
    sides = ground.sides_on(day)
    rows = [
        (s.lon, s.lat, side)
        for s, side in zip(ground.settlements, sides, strict=True)
        if side
    ]
    points = gpd.GeoDataFrame(
        {"side": [r[2] for r in rows]},
        geometry=gpd.points_from_xy([r[0] for r in rows], [r[1] for r in rows]),
        crs="EPSG:4326",
    ).to_crs(EQUAL_AREA)
    syria = gpd.GeoSeries([geodata.syria], crs="EPSG:4326").to_crs(EQUAL_AREA)
    cells = points.geometry.voronoi_polygons(extend_to=syria.iloc[0].envelope)
    cells = gpd.GeoDataFrame(geometry=cells, crs=EQUAL_AREA)
    joined = gpd.sjoin(cells, points, predicate="contains")
    clipped = joined.clip(syria.iloc[0])
    dissolved = clipped.dissolve(by="side")
    return {str(k): float(v) for k, v in dissolved.area.items()}


def engine(ground: Ground, day) -> dict[str, float]:  # type: ignore[no-untyped-def]
    cells, _, sides = ground._cells_on(day)  # noqa: SLF001 - the engine's own cells
    out = {}
    for side in set(sides):
        pick = [s == side for s in sides]
        out[side] = float(shapely.coverage_union_all(cells[pick]).area)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=0, help="only the first N days")
    args = parser.parse_args()
    geodata = Geodata(DEFAULT_DIR)
    atlas = load_atlas(ROOT / "zones", geodata)
    ground = Ground(atlas.control, geodata)
    days = change_days(ground)
    if args.days:
        days = days[: args.days]
    print(
        f"{len(ground.settlements):,} places, {len(days)} days on which one changes hands"
    )
    timings: dict[str, list[float]] = {"engine": [], "geopandas": [], "floor": []}
    for day in days:
        t = time.perf_counter()
        ground.sides_on(day)
        timings["floor"].append(time.perf_counter() - t)
        t = time.perf_counter()
        engine(ground, day)
        timings["engine"].append(time.perf_counter() - t)
        t = time.perf_counter()
        alternative(ground, geodata, day)
        timings["geopandas"].append(time.perf_counter() - t)
    print()
    print("| what | total s | median ms/day |")
    print("|---|---|---|")
    for name, values in timings.items():
        print(
            f"| {name} | {sum(values):.2f} | {statistics.median(values) * 1000:.1f} |"
        )
    ratio = sum(timings["engine"]) / sum(timings["geopandas"])
    verdict = "met" if ratio <= 0.1 else "MISSED"
    print(f"\nengine / geopandas: {ratio:.3f}x (target at most 0.1x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

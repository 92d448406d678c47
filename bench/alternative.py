"""The obvious alternative to the atlas: one GeoDataFrame.explore() map per
agreement date, saved as HTML, showing the same shapes as the atlas's date pages.

    python bench/alternative.py SITE_DIR OUT_DIR

SITE_DIR is a built atlas, whose geojson/zones.geojson gives the same zone
shapes; governorates and neighbouring countries come from geodata/ as for the
atlas. Every shape is simplified exactly as the atlas simplifies it for its
pages, so that a page-weight comparison measures the page format, not the
simplification:

- zones: ``shapely.simplify(..., preserve_topology=True)`` at 0.001 deg
  (``PAGE_ZONE_TOLERANCE_DEG``), polygons only, routes and posts left alone
  (``mapgen/site/render.py`` date_page -> ``mapgen/site/encode.py`` page_features);
- governorates: ``shapely.coverage_simplify`` of the whole coverage at
  0.009 deg (``DISPLAY_TOLERANCE_DEG``, ``mapgen/site/render.py`` _governorates);
- neighbouring countries: ``shapely.simplify`` at 0.02 deg
  (``NEIGHBOUR_TOLERANCE_DEG``, ``mapgen/site/render.py`` base_script).

The numbers are copied, not imported, so that this script loads nothing of the
atlas's; bench/run.py checks that they still equal mapgen.site.render's."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]
import shapely

ROOT = Path(__file__).resolve().parent.parent
# The atlas's page tolerances, in degrees (mapgen/site/render.py; see above).
PAGE_ZONE_TOLERANCE_DEG = 0.001
DISPLAY_TOLERANCE_DEG = 0.009
NEIGHBOUR_TOLERANCE_DEG = 0.02
COLUMNS = ["id", "name", "kind", "valid_from", "valid_to", "precision", "geometry"]


def shapes(site: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Zones (every version) and the base layers, simplified as on the pages."""
    zones = gpd.read_file(site / "geojson" / "zones.geojson")[COLUMNS]
    polygons = zones.geom_type.isin(["Polygon", "MultiPolygon"])
    zones.loc[polygons, "geometry"] = shapely.simplify(
        zones.geometry[polygons].values, PAGE_ZONE_TOLERANCE_DEG, preserve_topology=True
    )
    govs = gpd.read_file(ROOT / "geodata" / "governorates.geojson")
    govs = govs.assign(
        id=govs["iso"],
        geometry=shapely.coverage_simplify(
            shapely.make_valid(govs.geometry.values), DISPLAY_TOLERANCE_DEG
        ),
    )[["id", "name", "kind", "geometry"]]
    near = gpd.read_file(ROOT / "geodata" / "neighbours.geojson")
    near = near.assign(
        id=near["name"],
        kind="neighbour",
        geometry=shapely.simplify(near.geometry.values, NEIGHBOUR_TOLERANCE_DEG),
    )[["id", "name", "kind", "geometry"]]
    return zones, pd.concat([near, govs], ignore_index=True)


def run(site: Path, out: Path) -> list[Path]:
    zones, base = shapes(site)
    dates = sorted({p.stem for p in (site / "maps").glob("*.html")})
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for day in dates:
        in_force = zones[
            (zones["valid_from"] <= day)
            & (zones["valid_to"].isna() | (zones["valid_to"] > day))
        ]
        frame = gpd.GeoDataFrame(
            pd.concat([base, in_force], ignore_index=True), crs=4326
        )
        m = frame.explore(column="kind")
        path = out / f"{day}.html"
        m.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))

"""The obvious alternative to the atlas: one GeoDataFrame.explore() map per
agreement date, saved as HTML, from the same zones and governorates.

    python bench/alternative.py SITE_DIR OUT_DIR

SITE_DIR is a built atlas, whose geojson/zones.geojson gives the same zone
shapes; governorates come from geodata/ as for the atlas."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["id", "name", "kind", "valid_from", "valid_to", "precision", "geometry"]


def run(site: Path, out: Path) -> list[Path]:
    zones = gpd.read_file(site / "geojson" / "zones.geojson")[COLUMNS]
    govs = gpd.read_file(ROOT / "geodata" / "governorates.geojson")
    govs = govs.assign(id=govs["iso"], kind=govs["kind"])[
        ["id", "name", "kind", "geometry"]
    ]
    dates = sorted({p.stem for p in (site / "maps").glob("*.html")})
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for day in dates:
        in_force = zones[
            (zones["valid_from"] <= day)
            & (zones["valid_to"].isna() | (zones["valid_to"] > day))
        ]
        frame = gpd.GeoDataFrame(
            pd.concat([govs, in_force], ignore_index=True), crs=4326
        )
        m = frame.explore(column="kind")
        path = out / f"{day}.html"
        m.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))

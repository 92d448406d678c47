"""Every version of everything in every GIS format, for the site's downloads/.

Run as its own process (``python -m mapgen.export.downloads``) by the site
build, so that the build itself never imports geopandas and the downloads are
written on the second core while the pages are.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mapgen.export.gis import write

# (format, file name): what the site offers in downloads/.
DOWNLOADS = (
    ("gpkg", "atlas.gpkg"),
    ("shp", "atlas.shp.zip"),
    ("fgb", "atlas.fgb"),
    ("kml", "atlas.kml"),
    ("csv", "atlas.csv"),
)
# The CSV writer adds its HXL-tagged copy beside it.
FILES = tuple(name for _, name in DOWNLOADS) + ("atlas-hxl.csv",)


def write_all(collection_path: Path, out: Path, pcodes: dict[str, str]) -> None:
    collection = json.loads(collection_path.read_text("utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in DOWNLOADS:
        write(collection, fmt, out / name, pcodes, geojson_bytes=lambda _c: b"")


def main(argv: list[str]) -> int:
    collection, out, pcodes = argv
    write_all(Path(collection), Path(out), json.loads(pcodes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

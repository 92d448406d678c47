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
# The exit status of a worker that could not import the GIS libraries.
MISSING = 3


def write_all(collection_path: Path, out: Path, pcodes: dict[str, str]) -> None:
    collection = json.loads(collection_path.read_text("utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in DOWNLOADS:
        write(collection, fmt, out / name, pcodes)


def serve() -> int:
    """Write downloads for each request read from stdin, one JSON line each
    (``{"collection": path, "out": dir, "pcodes": {...}}``), answering ``ok`` or
    ``error: ...`` on a line: ``mapgen watch`` keeps one such process, so that
    geopandas is imported once per session, not once per edit."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            write_all(
                Path(request["collection"]), Path(request["out"]), request["pcodes"]
            )
        except ImportError as exc:
            print(f"missing: {exc}".replace("\n", " "), flush=True)
        except Exception as exc:  # reported to the build, which says it in a sentence
            print(f"error: {type(exc).__name__}: {exc}".replace("\n", " "), flush=True)
        else:
            print("ok", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--serve"]:
        return serve()
    collection, out, pcodes = argv
    try:
        write_all(Path(collection), Path(out), json.loads(pcodes))
    except ImportError as exc:
        # Only a missing library is the installation's fault; anything else
        # reaches the build as the error it is.
        print(f"missing: {exc}", file=sys.stderr)
        return MISSING
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

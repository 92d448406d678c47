"""Where the zone files and geodata extracts that ship with the atlas are.

A wheel carries them inside the package (``mapgen/_data/``); a checkout (an
editable install) reads its own ``zones/`` and ``geodata/``, the folders
people edit.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_dir(name: str) -> Path:
    """The packaged ``zones`` or ``geodata`` folder."""
    package = Path(str(files("mapgen")))
    packaged = package / "_data" / name
    if packaged.is_dir():
        return packaged
    return package.parent / name


ZONES_DIR = bundled_dir("zones")
GEODATA_DIR = bundled_dir("geodata")

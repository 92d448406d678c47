"""Atlas of Syria's ceasefire and de-escalation zones, 2016–2018.

Open it with :func:`open_atlas` and ask what was in force when::

    >>> import mapgen
    >>> atlas = mapgen.open_atlas()
    >>> atlas.zones_on("2017-10-01")[["name", "area_km2"]]  # doctest: +SKIP

The command line (``mapgen build``, ``export``, ``diff``, ``validate``) builds
the offline site and writes GIS files; ``python -m mapgen --help`` lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["Atlas", "open_atlas"]

if TYPE_CHECKING:
    from mapgen.api import Atlas, open_atlas


def __getattr__(name: str) -> object:
    # Imported on first use, so that 'import mapgen' (and the CLI) stay light.
    if name in __all__:
        from mapgen import api

        return getattr(api, name)
    raise AttributeError(f"module 'mapgen' has no attribute {name!r}")

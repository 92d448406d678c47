"""The site's report figures (figures/YYYY-MM-DD.svg and .png, one pair per
agreement date): drawn by two forked workers once the pages are written (never
while another pool of forked workers runs: forking beside a running pool's
threads can deadlock), or carried over from the previous site when what a
figure is drawn from has not changed (the stamp records a key per date)."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import shutil
import signal
from importlib.resources import files
from multiprocessing.pool import Pool
from pathlib import Path

from mapgen.export.features import collection_on, to_bytes
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData

# Change when the figures' content changes for the same input.
_FORMAT_VERSION = b"mapgen-figures-1"
WORKERS = 2

_CONTEXT: tuple[AtlasData, Resolved, Geodata] | None = None


def figure_key(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, day: dt.date
) -> str:
    """What the figure of ``day`` is drawn from: the features in force, the
    control horizon, the base data and the drawing code."""
    digest = hashlib.sha256(_FORMAT_VERSION)
    digest.update(geodata.fingerprint.encode("utf-8"))
    digest.update(to_bytes(collection_on(atlas, resolved, day)))
    digest.update(str(atlas.control.horizon).encode("utf-8"))
    digest.update(files("mapgen.site").joinpath("figures.py").read_bytes())
    return digest.hexdigest()


def names(day: dt.date) -> tuple[str, str]:
    iso = day.isoformat()
    return f"figures/{iso}.svg", f"figures/{iso}.png"


def worker_signals() -> None:
    """Workers die quietly when the pool ends them; Ctrl-C is the parent's."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _draw(day: dt.date) -> tuple[dt.date, bytes, bytes]:
    from mapgen.site.figures import figure

    assert _CONTEXT is not None
    svg, png = figure(*_CONTEXT, day)
    return day, svg, png


class Figures:
    """Started once the zones are resolved, finished at the end of the build."""

    def __init__(
        self,
        atlas: AtlasData,
        resolved: Resolved,
        geodata: Geodata,
        out: Path,
        *,
        previous: Path | None,
        previous_keys: dict[str, str],
    ) -> None:
        self.out = out
        self.keys = {
            d.isoformat(): figure_key(atlas, resolved, geodata, d) for d in atlas.dates
        }
        self.reused: dict[str, int] = {}
        todo = []
        for day in atlas.dates:
            iso = day.isoformat()
            old = [previous / n for n in names(day)] if previous else []
            if previous_keys.get(iso) == self.keys[iso] and all(
                p.is_file() for p in old
            ):
                for name, path in zip(names(day), old, strict=True):
                    (out / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, out / name)
                    self.reused[name] = path.stat().st_size
            else:
                todo.append(day)
        self._todo = todo
        self._context = (atlas, resolved, geodata)
        self._pool: Pool | None = None

    def finish(self) -> dict[str, int]:
        """Draw what could not be carried over and write it; returns bytes per file."""
        global _CONTEXT
        written = dict(self.reused)
        if self._todo:
            _CONTEXT = self._context
            self._pool = mp.get_context("fork").Pool(
                min(WORKERS, len(self._todo)), initializer=worker_signals
            )
            drawn = self._pool.map(_draw, self._todo, chunksize=1)
            for day, svg, png in drawn:
                for name, data in zip(names(day), (svg, png), strict=True):
                    path = self.out / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    written[name] = len(data)
        self.cancel()
        return written

    def cancel(self) -> None:
        global _CONTEXT
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _CONTEXT = None

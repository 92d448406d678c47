"""What one build can reuse from the one before, passed in explicitly.

``mapgen watch`` keeps one :class:`BuildCache` for its whole run, so an edit
recomputes only the shapes and differences it touched. Entries are keyed by
fingerprints of everything they are made from (zone definitions, the geodata's
content), so a stale entry is never returned; after each build only what that
build used is kept, so the cache does not grow over a long session.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

# A resolved shape: the geometry, the front line it was derived along (if any)
# and the governorates it touches.
Shape = tuple[BaseGeometry, BaseGeometry | None, tuple[str, ...]]


@dataclass
class BuildCache:
    shapes: dict[str, Shape] = field(default_factory=dict)
    diff_scripts: dict[str, bytes] = field(default_factory=dict)
    # Other files a build writes, by a key covering what they are made from
    # (e.g. the control layer, which a zone edit does not touch).
    files: dict[str, bytes] = field(default_factory=dict)
    _used_shapes: set[str] = field(default_factory=set)
    _used_scripts: set[str] = field(default_factory=set)
    _used_files: set[str] = field(default_factory=set)
    _downloads_worker: subprocess.Popen[str] | None = field(default=None, repr=False)

    def downloads_worker(self) -> subprocess.Popen[str]:
        """A process that writes the GIS downloads on request, started once and
        kept (so geopandas is imported once per watch session)."""
        worker = self._downloads_worker
        if worker is None or worker.poll() is not None:
            worker = subprocess.Popen(
                [sys.executable, "-m", "mapgen.export.downloads", "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            self._downloads_worker = worker
        return worker

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the downloads worker, if one was started."""
        worker, self._downloads_worker = self._downloads_worker, None
        if worker is not None:
            if worker.stdin:
                worker.stdin.close()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            if worker.stdout:
                worker.stdout.close()

    def shape(self, key: str) -> Shape | None:
        self._used_shapes.add(key)
        return self.shapes.get(key)

    def keep_shape(self, key: str, shape: Shape) -> None:
        self._used_shapes.add(key)
        self.shapes[key] = shape

    def use_script(self, key: str) -> None:
        self._used_scripts.add(key)

    def file(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The file made from what ``key`` covers: kept, or made now."""
        self._used_files.add(key)
        if key not in self.files:
            self.files[key] = make()
        return self.files[key]

    def prune(self) -> None:
        """Keep only what the last build used."""
        self.shapes = {k: v for k, v in self.shapes.items() if k in self._used_shapes}
        self.diff_scripts = {
            k: v for k, v in self.diff_scripts.items() if k in self._used_scripts
        }
        self.files = {k: v for k, v in self.files.items() if k in self._used_files}
        self._used_shapes.clear()
        self._used_scripts.clear()
        self._used_files.clear()

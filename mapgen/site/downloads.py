"""The site's GIS downloads: written by a separate process while the pages are
written, or carried over from the previous site when what they are made from has
not changed (the stamp records that)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mapgen.errors import UsageError
from mapgen.export.downloads import FILES, MISSING

# Change when the downloads' content changes for the same input.
_FORMAT_VERSION = b"mapgen-downloads-1"


def downloads_key(collection: bytes, pcodes: dict[str, str]) -> str:
    digest = hashlib.sha256(_FORMAT_VERSION)
    digest.update(collection)
    digest.update(json.dumps(pcodes, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


class Downloads:
    """Started with the data, finished (waited for) at the end of the build."""

    def __init__(
        self,
        collection: bytes,
        pcodes: dict[str, str],
        out: Path,
        *,
        previous: Path | None,
        previous_key: str | None,
        worker: subprocess.Popen[str] | None = None,
    ) -> None:
        self.key = downloads_key(collection, pcodes)
        self.out = out
        self.proc: subprocess.Popen[str] | None = None
        self.worker = worker
        self._pending = False
        self._scratch: Path | None = None
        if (
            previous is not None
            and previous_key == self.key
            and all((previous / "downloads" / n).is_file() for n in FILES)
        ):
            out.mkdir(parents=True, exist_ok=True)
            for name in FILES:
                shutil.copyfile(previous / "downloads" / name, out / name)
            return
        self._scratch = Path(tempfile.mkdtemp(prefix="mapgen-downloads-"))
        source = self._scratch / "zones.geojson"
        source.write_bytes(collection)
        if worker is not None and worker.stdin is not None:
            request = {"collection": str(source), "out": str(out), "pcodes": pcodes}
            worker.stdin.write(json.dumps(request) + "\n")
            worker.stdin.flush()
            self._pending = True
            return
        self.worker = None
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mapgen.export.downloads",
                str(source),
                str(out),
                json.dumps(pcodes),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self) -> dict[str, int]:
        """Wait for the files; their sizes by path below the site."""
        try:
            if self.worker is not None and self._scratch is not None:
                assert self.worker.stdout is not None
                answer = self.worker.stdout.readline().strip()
                self._pending = False
                if answer != "ok":
                    _failed(answer or "error: the worker stopped", missing=False)
            if self.proc is not None:
                _, err = self.proc.communicate()
                if self.proc.returncode != 0:
                    lines = err.strip().splitlines() or ["no message"]
                    _failed(lines[-1], missing=self.proc.returncode == MISSING)
        finally:
            self.cancel()
        return {f"downloads/{n}": (self.out / n).stat().st_size for n in FILES}

    def cancel(self) -> None:
        if self._pending and self.worker is not None:
            # Interrupted mid-request: its answer would be read by the next
            # build, so stop this worker; the cache starts a new one.
            self.worker.kill()
            self.worker.wait()
            self._pending = False
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _failed(answer: str, *, missing: bool) -> None:
    """Say why the downloads were not written: the installation only when a
    library could not be imported; anything else is a bug, reported as one."""
    if missing or answer.startswith("missing: "):
        raise UsageError(
            f"The GIS downloads could not be written ({answer.removeprefix('missing: ')}"
            "); check that geopandas and pyogrio are installed."
        )
    raise RuntimeError(
        f"the GIS downloads could not be written: {answer.removeprefix('error: ')}"
    )

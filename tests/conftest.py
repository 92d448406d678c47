from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData
from mapgen.site.build import build, load_and_resolve

ROOT = Path(__file__).resolve().parent.parent
# The CLI of the interpreter running the tests: never a "mapgen" found on PATH.
MAPGEN = [sys.executable, "-m", "mapgen"]
AGREEMENT_DATES = [
    "2016-12-29",
    "2017-01-24",
    "2017-05-04",
    "2017-07-07",
    "2017-07-22",
    "2017-08-03",
    "2017-09-15",
    "2018-09-17",
]
ZONES = ROOT / "zones"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def geodata() -> Geodata:
    return Geodata(DEFAULT_DIR)


@pytest.fixture(scope="session")
def resolved_atlas(geodata: Geodata) -> tuple[AtlasData, Resolved]:
    return load_and_resolve(ZONES, geodata)


@pytest.fixture(scope="session")
def atlas(resolved_atlas: tuple[AtlasData, Resolved]) -> AtlasData:
    return resolved_atlas[0]


@pytest.fixture(scope="session")
def resolved(resolved_atlas: tuple[AtlasData, Resolved]) -> Resolved:
    return resolved_atlas[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, geodata: Geodata) -> Path:
    out = tmp_path_factory.mktemp("site") / "output"
    build(ZONES, out, geodata)
    return out


def site_copy(site: Path, out: Path) -> Path:
    """A copy of the session's built site at ``out`` (a site mapgen built, stamp
    included), for tests that need a previous site, not a build of their own."""
    shutil.copytree(site, out, symlinks=True)
    return out


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file below ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Browser tests must run in CI.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class OfflinePage:
    """A page whose every non-file: request is aborted and counted."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.errors: list[str] = []
        self.aborted: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.aborted.append(route.request.url)
            route.abort()

    def open(self, path: Path, fragment: str = "") -> Any:
        self.page.goto(path.resolve().as_uri() + fragment)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=15000)
        return self.page


@pytest.fixture
def offline_page(browser: Any) -> Iterator[OfflinePage]:
    page = OfflinePage(browser)
    yield page
    page.page.close()


class Lines:
    """Lines from a process's stdout, read by a thread so that waits time out."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        assert proc.stdout is not None
        stream = proc.stdout

        def pump() -> None:
            for line in stream:
                with self.cond:
                    self.lines.append(line.rstrip("\n"))
                    self.cond.notify_all()

        self.proc = proc
        self.thread = threading.Thread(target=pump, daemon=True)
        self.thread.start()
        self.seen = 0

    def stop(self, timeout: float = 30) -> tuple[list[str], str]:
        """Ctrl-C the process; the lines not yet waited for, and its stderr."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=timeout)
        self.thread.join(timeout=timeout)
        assert self.proc.stderr is not None and self.proc.stdout is not None
        err = self.proc.stderr.read()
        self.proc.stderr.close()
        self.proc.stdout.close()
        return self.lines[self.seen :], err

    def wait_for(self, prefix: str, timeout: float = 60) -> list[str]:
        """Every line up to and including the next one starting with ``prefix``."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(self.seen, len(self.lines)):
                    if self.lines[i].startswith(prefix):
                        got = self.lines[self.seen : i + 1]
                        self.seen = i + 1
                        return got
                left = deadline - time.monotonic()
                assert left > 0, (
                    f"no line starting {prefix!r}: {self.lines[self.seen :]}"
                )
                self.cond.wait(left)

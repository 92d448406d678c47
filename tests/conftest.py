from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mapgen.geodata import DEFAULT_DIR, Geodata
from mapgen.model import Atlas
from mapgen.resolve import Resolved
from mapgen.site import build, load_and_resolve

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
def resolved_atlas(geodata: Geodata) -> tuple[Atlas, Resolved]:
    return load_and_resolve(ZONES, geodata)


@pytest.fixture(scope="session")
def atlas(resolved_atlas: tuple[Atlas, Resolved]) -> Atlas:
    return resolved_atlas[0]


@pytest.fixture(scope="session")
def resolved(resolved_atlas: tuple[Atlas, Resolved]) -> Resolved:
    return resolved_atlas[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, geodata: Geodata) -> Path:
    out = tmp_path_factory.mktemp("site") / "output"
    build(ZONES, out, geodata)
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

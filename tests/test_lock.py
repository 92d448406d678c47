"""Issue 16: the tests run in exactly the environment the committed lock gives."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from conftest import ROOT
from packaging.markers import Marker
from packaging.utils import canonicalize_name

_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(name: str) -> dict[str, str]:
    """Each package of a lock file that applies here, with its locked version."""
    out: dict[str, str] = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = _PIN.match(line)
        if match is None:
            continue
        package, pinned, marker = match.groups()
        if marker is None or Marker(marker).evaluate():
            out[canonicalize_name(package)] = pinned
    return out


def test_every_locked_package_is_installed_at_its_locked_version() -> None:
    lock = locked("test.lock")
    assert {"pyyaml", "numpy", "shapely", "geopandas", "pytest"} <= set(lock)
    wrong = {}
    for package, pinned in lock.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong[package] = (pinned, installed)
    assert not wrong, f"not as locked (locked, installed): {wrong}"


def test_the_site_lock_agrees_with_the_test_lock() -> None:
    site, test = locked("site.lock"), locked("test.lock")
    assert site and all(test.get(name) == pinned for name, pinned in site.items())


def test_the_package_itself_keeps_ranges() -> None:
    # A library must not pin its users: only the lock pins.
    text = (ROOT / "pyproject.toml").read_text()
    dependencies = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert '"PyYAML>=' in dependencies and '"numpy==' not in dependencies

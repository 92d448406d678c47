"""Real Chromium, network cut: axe-core finds no violation on any page kind, at
desktop and phone widths; every interactive map can be reached with Tab and
has a text alternative beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from conftest import OfflinePage

# axe-core itself comes from a registry package (the test extra), never from
# a copy kept in this repository.
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"

PAGES = [
    ("index.html", ""),
    ("maps/2017-05-04.html", ""),
    ("timeline.html", ""),
    ("compare.html", ""),
    ("compare.html", "#a=2017-05-04&b=2018-09-17&view=difference"),
]
VIEWPORTS = {"desktop": (1200, 800), "phone": (390, 844)}
# The text that stands beside each interactive map: its features as a list or
# a table.
TEXT_ALTERNATIVE = {
    "maps/2017-05-04.html": "#zone-list li",
    "timeline.html": "#in-force li",
    "compare.html": "#diff-table table",
}


def open_page(
    offline_page: OfflinePage, site: Path, name: str, fragment: str, viewport: str
) -> Any:
    page = offline_page.page
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    if name == "index.html":  # a static page: no script marks it ready
        page.goto((site / name).resolve().as_uri() + fragment)
        return page
    return offline_page.open(site / name, fragment)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        target = v["nodes"][0]["target"] if v["nodes"] else []
        lines.append(
            f"{v['id']} ({v['impact']}): {v['help']} "
            f"[{len(v['nodes'])} nodes; first: {target}]"
        )
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize(("name", "fragment"), PAGES)
def test_axe_finds_no_violation(
    site: Path, offline_page: OfflinePage, name: str, fragment: str, viewport: str
) -> None:
    page = open_page(offline_page, site, name, fragment, viewport)
    # Checked before axe runs: its own reads of the style sheets over
    # XMLHttpRequest are refused on file: pages and logged as errors.
    assert offline_page.errors == [] and offline_page.aborted == []
    page.add_script_tag(path=str(AXE_JS))
    # Every rule, every impact: axe's defaults.
    result = page.evaluate("async () => await axe.run(document)")
    violations = result["violations"]
    report = describe(violations)
    if report:
        print(f"{name}{fragment} at {viewport}:\n{report}")
    assert violations == [], report


@pytest.mark.browser
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_finds_no_violation_with_panels_and_a_popup_open(
    site: Path, offline_page: OfflinePage, viewport: str
) -> None:
    page = open_page(offline_page, site, "maps/2018-09-17.html", "", viewport)
    page.locator("#stats summary").click()
    page.locator("#stats-table table").wait_for()
    page.locator("#toggle-control").check()
    page.wait_for_selector("body[data-control]", state="attached")
    page.locator("button.feature-name[data-zone='idlib']").click()
    page.locator(".leaflet-popup-content h2").wait_for()
    # Past the popup's fade-in, whose half-transparent text axe would measure.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity"
        " === '1'"
    )
    assert offline_page.errors == [] and offline_page.aborted == []
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate("async () => await axe.run(document)")["violations"]
    assert violations == [], describe(violations)


FOCUS_IN_MAP = (
    "() => { const m = document.getElementById('map');"
    " return !!document.activeElement && m.contains(document.activeElement); }"
)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(TEXT_ALTERNATIVE))
def test_every_map_is_keyboard_reachable_and_has_a_text_alternative(
    site: Path, offline_page: OfflinePage, name: str, viewport: str
) -> None:
    page = open_page(offline_page, site, name, "", viewport)
    assert page.locator(TEXT_ALTERNATIVE[name]).count() >= 1
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS_IN_MAP):
            break
    else:
        pytest.fail(f"Tab never reached the map or its controls on {name}")
    assert offline_page.errors == [] and offline_page.aborted == []


def test_index_thumbnails_have_text_alternatives(site: Path) -> None:
    html = (site / "index.html").read_text("utf-8")
    assert html.count("<img") >= 1
    assert html.count("<img") == html.count('alt="Map of the zones in force on ')

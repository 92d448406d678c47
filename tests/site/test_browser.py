"""Real Chromium, network cut: every in-force zone is drawn, nothing fails."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from conftest import AGREEMENT_DATES, OfflinePage

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.site.encode import decode_line

DATES = AGREEMENT_DATES


@pytest.mark.browser
@pytest.mark.parametrize("day", DATES)
def test_date_page_draws_every_zone_in_force_offline(
    site: Path, offline_page: OfflinePage, day: str
) -> None:
    expected = json.loads((site / "geojson" / f"{day}.geojson").read_text())["features"]
    page = offline_page.open(site / "maps" / f"{day}.html")
    assert offline_page.errors == []
    assert offline_page.aborted == []
    for f in expected:
        zone = f["properties"]["id"]
        drawn = page.locator(f"path.zone-{zone}")
        assert drawn.count() >= 1, zone
        box = drawn.first.bounding_box()
        assert box is not None and box["width"] > 2 and box["height"] > 2, zone
    drawn_ids = set(
        page.eval_on_selector_all(
            "path.zone",
            "els => els.map(e => [...e.classList].find(c => c.startsWith('zone-')))",
        )
    )
    assert drawn_ids == {f"zone-{f['properties']['id']}" for f in expected}
    assert page.locator("path.governorate").count() == 14
    assert page.locator("path.undof").count() == 1
    assert page.locator("path.neighbour").count() >= 5
    assert page.locator("aside input[type=checkbox][data-zone]").count() == len(
        expected
    )


@pytest.mark.browser
def test_zone_popup_shows_provenance_and_toggle_hides_layer(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2017-08-03.html")
    page.locator("path.zone-northern-homs").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2").wait_for()  # the details script has loaded
    text = popup.inner_text()
    for needle in [
        "Northern Homs de-escalation zone",
        "2017-08-03",
        "Northern Homs ceasefire agreement",
        "approximate",
        "147,000",
        "260,000",
        "Syria Direct, 'Blockaded north Homs countryside",
        "Middle East Observer, 'Turkey, Russia to deploy forces",
    ]:
        assert needle in text, needle
    page.locator("#toggle-northern-homs").uncheck()
    assert page.locator("path.zone-northern-homs").count() == 0
    page.locator("#toggle-northern-homs").check()
    assert page.locator("path.zone-northern-homs").count() == 1
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_south_west_page_explains_the_golan(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2017-07-07.html")
    assert "Israeli-occupied Golan" in page.locator("#golan-note").inner_text()
    page1 = offline_page.open(site / "maps" / "2018-09-17.html")
    assert page1.locator("#golan-note").count() == 0


@pytest.mark.browser
def test_index_links_every_map(site: Path, offline_page: OfflinePage) -> None:
    page = offline_page.page
    page.goto((site / "index.html").resolve().as_uri())
    links = page.eval_on_selector_all(
        "a[href^='maps/']:not(.thumb)", "els => els.map(e => e.getAttribute('href'))"
    )
    assert links == [f"maps/{d}.html" for d in DATES]
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all(
        "a.thumb img", "els => els.map(e => e.naturalWidth)"
    )
    assert widths == [240] * len(DATES)
    for target in [
        "timeline.html",
        "compare.html",
        "stats.csv",
        "geojson/zones.geojson",
    ]:
        assert page.locator(f"header a[href='{target}']").count() == 1, target
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_precision_is_visible_and_posts_and_routes_are_drawn(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2018-09-17.html")
    style = page.evaluate(
        """() => Object.fromEntries(['zone-idlib', 'zone-sochi-dmz', 'zone-m4'].map(c => {
            const p = document.querySelector('path.' + c);
            return [c, [p.getAttribute('stroke-dasharray'), getComputedStyle(p).fill]];
        }))"""
    )
    assert style["zone-idlib"][0] == "7 5"  # approximate: dashed
    assert style["zone-sochi-dmz"][0] == "2 5"  # schematic: dotted ...
    assert (
        style["zone-sochi-dmz"][1] == 'url("#hatch-demilitarized-zone")'
    )  # ... and hatched
    assert page.locator("pattern#hatch-demilitarized-zone").count() == 1
    assert page.locator("path.post").count() == 12
    assert page.locator("path.route").count() == 2
    statuses = page.eval_on_selector_all(
        "#obligations li .status", "els => els.map(e => e.textContent)"
    )
    assert statuses == ["pending", "pending", "pending"]
    assert "Outcome: done" in page.locator("#obligations").inner_text()
    page2 = offline_page.open(site / "maps" / "2017-09-15.html")
    assert page2.locator("path.post").count() == 0
    assert page2.locator("path.kind-operational-sub-zone").count() == 3
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_exact_borders_load_on_zoom_and_towns_on_demand(
    site: Path, offline_page: OfflinePage
) -> None:
    # The country view (the page would otherwise open framed on its zones).
    page = offline_page.open(site / "maps" / "2017-09-15.html", "#map=6.5/35/38.5")
    assert page.get_attribute("body", "data-base-detail") is None
    page.evaluate("Atlas.map.setZoom(10)")
    page.wait_for_selector("body[data-base-detail]", state="attached")
    assert page.locator("path.governorate").count() == 14
    assert page.locator("path.town").count() == 0
    page.locator("#base-toggles label", has_text="Towns").click()
    page.wait_for_function("document.querySelectorAll('path.town').length === 308")

    # The page starts from display-scale borders; the exact ones have every vertex.
    def vertices(name: str, prefix: str) -> int:
        text = (site / "data" / name).read_text()
        data = json.loads(text[len(prefix) :].rstrip().rstrip(";").removesuffix(")"))
        fc = data.get("governorates", data)
        return sum(
            len(decode_line(r))
            for f in fc["features"]
            for p in (
                [f["geometry"]["e"]]
                if f["geometry"]["type"] == "Polygon"
                else f["geometry"]["e"]
            )
            for r in p
        )

    exact = sum(
        len(shapely.get_coordinates(g.geometry))
        for g in Geodata(DEFAULT_DIR).governorates.values()
    )
    assert vertices("base-detail.js", "Atlas.baseDetail(") == exact
    assert vertices("base.js", "window.ATLAS_BASE=") < exact / 2
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_stats_table_is_drawn_when_opened(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2017-09-15.html")
    assert page.locator("#stats-table tr").count() == 0
    page.click("#stats summary")
    page.locator("#stats-table tbody tr").first.wait_for()
    rows = page.locator("#stats-table tbody tr").all_inner_texts()
    assert any("Idlib de-escalation zone" in r and "(SY-ID)" in r for r in rows)
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_the_control_layer_draws_territory_and_settlement_histories(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2018-09-17.html")
    assert page.locator("path.settlement").count() == 0  # loaded only when asked
    page.check("#toggle-control")
    page.wait_for_selector("body[data-control]", state="attached")
    assert int(page.get_attribute("body", "data-control")) >= 300
    sides = page.eval_on_selector_all(
        "path.territory",
        "els => els.map(e => [...e.classList].find(c => c.startsWith('side-')))",
    )
    assert {"side-government", "side-opposition", "side-sdf"} <= set(sides)
    page.locator("path.settlement.side-sdf").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2").wait_for()
    text = popup.inner_text()
    assert "from " in text and ": the SDF" in text
    assert popup.locator("a[href^='http']").count() >= 1
    assert "Control data is kept to 2018-12-31" in page.inner_text("#control-key")
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_clicks_reach_the_zones_and_names_open_details(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "maps" / "2018-09-17.html")
    # A scale bar, metric.
    assert re.search(r"\d+ k?m", page.inner_text(".leaflet-control-scale"))
    # Deir ez-Zor (40.14 E, 35.34 N) lies only in the nationwide ceasefire: a
    # click there opens nothing, since the ceasefire no longer takes clicks.
    x, y = page.evaluate(
        "() => { const p = Atlas.map.latLngToContainerPoint([35.34, 40.14]);"
        " const r = Atlas.map.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }"
    )
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    assert page.locator(".leaflet-popup-content").count() == 0
    # Its details are one click away in the side panel, as are every zone's.
    page.locator("button.feature-name[data-zone='nationwide-ceasefire']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2").wait_for()
    assert "Nationwide ceasefire" in popup.inner_text()
    page.locator("button.feature-name[data-zone='sochi-dmz']").click()
    page.wait_for_function(
        "() => document.querySelector('.leaflet-popup-content h2')"
        " && document.querySelector('.leaflet-popup-content h2').textContent.includes('demilitarised')"
    )
    assert page.evaluate("Atlas.map.getZoom()") >= 8
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
@pytest.mark.parametrize(
    "name", ["index.html", "maps/2018-09-17.html", "timeline.html", "compare.html"]
)
def test_no_page_scrolls_sideways_on_a_phone(
    site: Path, browser: Any, name: str
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
    )
    page.goto((site / name).resolve().as_uri())
    if name != "index.html":
        page.wait_for_selector("body[data-ready]", state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()

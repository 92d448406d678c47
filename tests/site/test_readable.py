"""Issue 12: a map people can read, cite and print. Place names on the map,
search, permalinks that keep the view, figures for reports, downloads that
download, and Arabic names in Arabic script only (real Chromium, network cut)."""

from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from conftest import OfflinePage

# Duma (Douma), Rif Dimashq: 33°34′20″N 36°24′07″E in its English Wikipedia
# infobox (https://en.wikipedia.org/wiki/Douma,_Syria), independent of the
# atlas's GeoNames extract.
DOUMA = (33.5722, 36.4019)
ARABIC_ONLY = re.compile(
    r"^[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF\s]*$"
)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def visible_labels(page: Any) -> list[dict[str, float]]:
    boxes: list[dict[str, float]] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.map-label'))
          .filter(n => n.style.display !== 'none')
          .map(n => { const r = n.getBoundingClientRect();
                      return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: n.textContent}; })"""
    )
    return boxes


@pytest.mark.browser
@pytest.mark.parametrize("zoom", [7, 9, 11])
def test_place_names_are_text_and_never_overlap(
    site: Path, offline_page: OfflinePage, zoom: int
) -> None:
    page = offline_page.open(
        site / "maps" / "2017-09-15.html", f"#map={zoom}/35.6/36.6"
    )
    page.wait_for_timeout(300)
    boxes = visible_labels(page)
    texts = {b["text"] for b in boxes}
    assert len(boxes) >= 8, texts
    # Conventional spellings, not GeoNames' transliterations.
    if zoom == 7:
        assert {"Idlib", "Aleppo", "Hama"} <= texts
    if zoom == 9:
        assert "Khan Shaykhun" in texts or "Maarat al-Numan" in texts, texts
    assert not any("ū" in t or "‘" in t for t in texts), texts
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = (
                a["x0"] < b["x1"] - 0.5
                and b["x0"] < a["x1"] - 0.5
                and a["y0"] < b["y1"] - 0.5
                and b["y0"] < a["y1"] - 0.5
            )
            assert not overlap, (a, b)
    # Find-in-page sees them: they are text nodes of the document.
    assert page.evaluate("document.body.innerText.includes('Idlib')")
    assert not offline_page.errors and not offline_page.aborted


@pytest.mark.browser
@pytest.mark.parametrize("query", ["Douma", "Duma", "دوما"])
def test_search_finds_douma_in_any_spelling_and_says_what_held_it(
    site: Path, offline_page: OfflinePage, query: str
) -> None:
    page = offline_page.open(site / "maps" / "2017-09-15.html")
    box = page.locator("input[type=search]")
    box.fill(query)
    page.locator(".search-hit").first.click()
    page.wait_for_selector(".search-popup .search-zones")
    centre = page.evaluate("[Atlas.map.getCenter().lat, Atlas.map.getCenter().lng]")
    assert km_between((centre[0], centre[1]), DOUMA) < 5
    said = page.inner_text(".search-popup")
    assert "Douma" in said and "Eastern Ghouta" in said, said
    page.wait_for_function(
        "document.querySelector('.search-held') && !document.querySelector('.search-held').textContent.includes('loading')"
    )
    assert "opposition" in page.inner_text(".search-held")


@pytest.mark.browser
def test_every_page_kind_has_a_search_box(
    site: Path, offline_page: OfflinePage
) -> None:
    for rel in ("maps/2018-09-17.html", "timeline.html", "compare.html"):
        page = offline_page.open(site / rel)
        assert page.locator("input[type=search]").count() == 1, rel


@pytest.mark.browser
@pytest.mark.parametrize(
    ("rel", "extra"),
    [
        ("maps/2017-07-22.html", ""),
        ("timeline.html", "&date=2018-03-10&layers=ceasefire,de-escalation-zone"),
        ("compare.html", "&a=2017-05-04&b=2018-04-01"),
    ],
)
def test_an_address_with_map_restores_the_view(
    site: Path, offline_page: OfflinePage, rel: str, extra: str
) -> None:
    page = offline_page.open(site / rel, "#map=10/33.55/36.40" + extra)
    page.wait_for_timeout(300)
    zoom, lat, lon = page.evaluate(
        "[Atlas.map.getZoom(), Atlas.map.getCenter().lat, Atlas.map.getCenter().lng]"
    )
    assert zoom == 10 and abs(lat - 33.55) < 0.01 and abs(lon - 36.40) < 0.01
    # Moving the map writes the view back, keeping the page's own parameters.
    page.evaluate("Atlas.map.setView([35.0, 37.0], 8, {animate: false})")
    page.wait_for_timeout(200)
    url = page.url
    assert "map=8/35.0000/37.0000" in url, url
    for part in extra.strip("&").split("&"):
        if part:
            assert part in url, url
    assert page.locator("#copy-link").count() == 1


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_every_agreement_date_has_a_report_figure_linked_for_download(
    site: Path,
) -> None:
    index = (site / "index.html").read_text()
    dates = sorted({p.stem for p in (site / "maps").glob("*.html")})
    assert len(dates) == 8
    for iso in dates:
        png, svg = site / "figures" / f"{iso}.png", site / "figures" / f"{iso}.svg"
        width, _ = png_size(png)
        assert width >= 2000
        text = svg.read_text()
        assert "<svg" in text and "km" in text
        page = (site / "maps" / f"{iso}.html").read_text()
        for html in (page, index):
            assert f'figures/{iso}.png" download="syria-zones-{iso}.png"' in html


def test_arabic_names_are_in_arabic_script_only(site: Path) -> None:
    base = (site / "data" / "base.js").read_text()
    data: dict[str, Any] = json.loads(base[base.index("=") + 1 : base.rindex(";")])
    names = [p[1] for p in data["places"]]
    assert len(names) > 300
    bad = [n for n in names if not ARABIC_ONLY.match(n)]
    assert not bad, bad[:10]
    towns = (site / "data" / "towns.js").read_text()
    rows = json.loads(towns[towns.index("(") + 1 : towns.rindex(")")])
    bad = [r[4] for r in rows if not ARABIC_ONLY.match(r[4])]
    assert not bad, bad[:10]
    # The Cyrillic alternate GeoNames gives for Palmyra is gone.
    assert "Палмира" not in base + towns

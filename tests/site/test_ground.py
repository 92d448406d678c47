"""Issue 18: the timeline colours the ground by who held each place on any day,
checked in real Chromium (network cut) at towns whose holder on a date an
independent source gives (tests/facts/*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, OfflinePage

from mapgen.vocabulary import SIDE_COLOURS

FACTS = [
    fact
    for path in sorted((ROOT / "tests" / "facts").glob("*.yaml"))
    for fact in yaml.safe_load(path.read_text())["facts"]
    if (fact["place"], str(fact["date"]))
    in {
        ("Douma", "2018-02-20"),
        ("Douma", "2018-04-30"),
        ("Talbiseh", "2017-09-10"),
        ("Talbiseh", "2018-05-31"),
        ("Nawa", "2018-07-01"),
        ("Nawa", "2018-08-10"),
    }
]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def pixel(page: Any, lat: float, lon: float) -> tuple[int, int, int]:
    """The colour the map shows at a point (all panes composited)."""
    # A few pixels off the town's own point, where its label's dot is drawn.
    point = page.evaluate(
        "([lat, lon]) => { const p = Atlas.map.latLngToContainerPoint([lat, lon]);"
        " const r = Atlas.map.getContainer().getBoundingClientRect();"
        " return [r.left + p.x + 9, r.top + p.y + 9]; }",
        [lat, lon],
    )
    shot = page.screenshot(
        clip={"x": point[0] - 1, "y": point[1] - 1, "width": 3, "height": 3}
    )
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(shot)).convert("RGB")
    r, g, b = image.getpixel((1, 1))
    return int(r), int(g), int(b)


def side_seen(before: tuple[int, int, int], after: tuple[int, int, int]) -> str:
    """The side whose colour, laid over ``before`` at some opacity, moves it
    most nearly in the direction it moved to ``after`` (cosine of the shifts)."""
    shift = [after[k] - before[k] for k in range(3)]
    size = sum(v * v for v in shift) ** 0.5
    assert size > 5, "the ground changed nothing at the point"
    best = ("", -2.0)
    for side, colour in SIDE_COLOURS.items():
        c = _rgb(colour)
        toward = [c[k] - before[k] for k in range(3)]
        norm = sum(v * v for v in toward) ** 0.5 or 1.0
        cosine = sum(shift[k] * toward[k] for k in range(3)) / (size * norm)
        if cosine > best[1]:
            best = (side, cosine)
    return best[0]


@pytest.mark.browser
@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f['place']}-{f['date']}")
def test_the_timeline_colours_a_town_by_who_held_it(
    site: Path, offline_page: OfflinePage, fact: dict[str, Any]
) -> None:
    page = offline_page.open(
        site / "timeline.html",
        f"#date={fact['date']}&layers=&map=11/{fact['lat']}/{fact['lon']}",
    )
    page.wait_for_timeout(300)
    before = pixel(page, fact["lat"], fact["lon"])
    page.check("#ground-toggle")
    page.wait_for_selector("body[data-ground-day]", state="attached", timeout=20000)
    page.wait_for_timeout(300)
    after = pixel(page, fact["lat"], fact["lon"])
    assert offline_page.errors == [] and offline_page.aborted == []
    assert side_seen(before, after) == fact["side"], (before, after)
    assert "Who held the ground" in page.inner_text("#ground-key")
    assert "the armed opposition" in page.inner_text("#ground-key")

"""Issue 4: the timeline slider, the swipe comparison, permalinks, `mapgen diff`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import AGREEMENT_DATES, MAPGEN, ROOT, OfflinePage

from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData

DATES = AGREEMENT_DATES
DRAWN_IDS = "els => [...new Set(els.map(e => [...e.classList].find(c => c.startsWith('zone-')).slice(5)))].sort()"


def ids_on(site: Path, day: str) -> list[str]:
    data = json.loads((site / "geojson" / f"{day}.geojson").read_text())
    return sorted({f["properties"]["id"] for f in data["features"]})


def move_slider(page: Any, day: str) -> None:
    days = (dt.date.fromisoformat(day) - dt.date(1970, 1, 1)).days
    page.evaluate(
        f"() => {{ const s = document.getElementById('slider'); s.value = '{days}'; s.dispatchEvent(new Event('input')); }}"
    )


@pytest.mark.browser
def test_slider_draws_exactly_what_is_in_force_on_each_agreement_date(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "timeline.html")
    for day in DATES:
        move_slider(page, day)
        assert page.get_attribute("body", "data-date") == day
        assert page.eval_on_selector_all("path.zone", DRAWN_IDS) == ids_on(site, day), (
            day
        )
        assert f"date={day}" in page.evaluate("location.hash")
    # Polygons replace each other: one Idlib outline at a time.
    assert page.locator("path.zone-idlib").count() == 1
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_buttons_and_keys_step_through_time(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "timeline.html", "#date=2017-05-10")
    page.click("#next")
    assert page.get_attribute("body", "data-date") == "2017-07-07"
    page.click("#prev")
    page.click("#prev")
    assert page.get_attribute("body", "data-date") == "2017-01-24"
    page.locator("#map").click()
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("body", "data-date") == "2017-01-25"
    page.keyboard.press("PageDown")
    assert page.get_attribute("body", "data-date") == "2017-05-04"
    assert page.locator("#agreement-ticks option").count() == len(DATES)


@pytest.mark.browser
def test_permalink_restores_date_and_layers(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(
        site / "timeline.html",
        "#date=2018-03-01&layers=de-escalation-zone,observation-post",
    )
    assert page.get_attribute("body", "data-date") == "2018-03-01"
    # Anadan's post dates from 17 March 2018, so it is not drawn on 1 March.
    assert page.eval_on_selector_all("path.zone", DRAWN_IDS) == [
        "eastern-ghouta",
        "idlib",
        "northern-homs",
        "post-al-eis",
        "post-qalat-siman",
        "post-salwa",
        "post-sheikh-aqil",
        "post-surman",
        "post-tell-tuqan",
        "south-west",
    ]
    assert page.is_checked("input[data-kind='observation-post']")
    assert not page.is_checked("input[data-kind='ceasefire']")
    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached")
    assert page.get_attribute("body", "data-date") == "2018-03-01"
    assert page.locator("path.kind-ceasefire").count() == 0


@pytest.mark.browser
@pytest.mark.parametrize(
    ("hash_", "shown", "says"),
    [
        ("#date=2017-02-31", "2017-01-01", "is not a date"),
        ("#date=nonsense", "2016-12-29", "is not a date"),
        ("#date=2030-01-01", "2018-12-31", "outside the atlas's period"),
    ],
)
def test_nonsense_date_in_hash_falls_back_with_a_notice(
    site: Path, offline_page: OfflinePage, hash_: str, shown: str, says: str
) -> None:
    page = offline_page.open(site / "timeline.html", hash_)
    assert page.get_attribute("body", "data-date") == shown
    assert page.is_visible("#notice")
    assert says in page.inner_text("#notice")
    assert page.locator("path.governorate").count() == 14  # not a blank map


def screen_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    pt = page.evaluate(
        f"() => {{ const p = Atlas.map.latLngToContainerPoint([{lat}, {lon}]); const r = Atlas.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }}"
    )
    return pt[0], pt[1]


def zone_at(page: Any, x: float, y: float) -> str:
    return str(
        page.evaluate(
            f"() => {{ const e = document.elementFromPoint({x}, {y}); return e ? e.getAttribute('class') || e.tagName : ''; }}"
        )
    )


@pytest.mark.browser
def test_dragging_the_divider_swaps_which_date_is_visible(
    site: Path, offline_page: OfflinePage, atlas: AtlasData, resolved: Resolved
) -> None:
    # A view whose centre lies east of both places (the page opens framed on
    # the zones otherwise).
    page = offline_page.open(site / "compare.html", "#map=7/34.5/39.0")
    assert (
        page.input_value("#date-a") == "2017-05-04"
        and page.input_value("#date-b") == "2018-09-17"
    )
    ghouta = resolved.of(
        next(
            v
            for v in atlas.in_force(dt.date(2017, 5, 4))
            if v.zone_id == "eastern-ghouta"
        )
    ).representative_point()
    dmz = resolved.of(
        next(
            v for v in atlas.in_force(dt.date(2018, 9, 17)) if v.zone_id == "sochi-dmz"
        )
    ).representative_point()
    gx, gy = screen_point(page, ghouta.y, ghouta.x)
    dx, dy = screen_point(page, dmz.y, dmz.x)
    box = page.locator("#divider .handle").bounding_box()
    assert box is not None
    hx, hy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert gx < hx and dx < hx  # both places lie left of the divider at first
    assert "zone-eastern-ghouta" in zone_at(page, gx, gy)  # left date shown on the left
    assert "zone-sochi-dmz" not in zone_at(page, dx, dy)
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(20, hy, steps=8)
    page.mouse.up()
    assert "zone-eastern-ghouta" not in zone_at(
        page, gx, gy
    )  # now the right date is shown there
    assert "zone-sochi-dmz" in zone_at(page, dx, dy)
    assert offline_page.errors == [] and offline_page.aborted == []


def cli_totals(a: str, b: str) -> tuple[str, str]:
    out = subprocess.run(
        [*MAPGEN, "diff", a, b, "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (total,) = [r for r in csv.DictReader(io.StringIO(out)) if r["section"] == "total"]
    return total["added_km2"], total["removed_km2"]


def page_number(text: str) -> str:
    return text.replace("+", "").replace("\u2212", "").replace(",", "")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2017-05-04", "2018-09-17"),
        ("2018-09-17", "2017-07-22"),
        ("2017-09-15", "2018-03-01"),
    ],
)
def test_difference_table_totals_equal_the_cli(
    site: Path, offline_page: OfflinePage, a: str, b: str
) -> None:
    page = offline_page.open(site / "compare.html", f"#a={a}&b={b}&view=difference")
    added, removed = cli_totals(a, b)
    assert page_number(page.inner_text("#total-added")) == added
    assert page_number(page.inner_text("#total-removed")) == removed
    assert page.locator("path.diff").count() >= 1
    assert page.locator("#divider").is_hidden()
    assert offline_page.errors == [] and offline_page.aborted == []


@pytest.mark.browser
def test_compare_hash_with_a_bad_date_falls_back(
    site: Path, offline_page: OfflinePage
) -> None:
    page = offline_page.open(site / "compare.html", "#a=2017-13-01&b=2018-09-17")
    assert page.input_value("#date-a") == "2017-05-04"
    assert "'2017-13-01' is not a date" in page.inner_text("#notice")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2017-05-4", "2018-01-01"], "'2017-05-4' is not a date written YYYY-MM-DD."),
        (
            ["2015-01-01", "2018-01-01"],
            "2015-01-01 is outside the atlas's period, 2016-12-29 to 2018-12-31.",
        ),
        (
            ["2018-01-01", "2018-01-01"],
            "Both dates are 2018-01-01; give two different dates to compare.",
        ),
    ],
)
def test_diff_cli_rejects_bad_dates_with_one_line_and_status_2(
    args: list[str], message: str
) -> None:
    done = subprocess.run(
        [*MAPGEN, "diff", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == f"mapgen: {message}\n"


def test_diff_cli_formats(tmp_path: Path) -> None:
    table = subprocess.run(
        [*MAPGEN, "diff", "2017-09-15", "2018-09-17"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        "Idlib de-escalation zone" in table and "Towns that left the zones: " in table
    )
    assert "Abū az̧ Z̧uhūr" in table.split("Towns that left the zones: ")[1]
    out = tmp_path / "d.geojson"
    subprocess.run(
        [
            *MAPGEN,
            "diff",
            "2017-09-15",
            "2018-09-17",
            "--format",
            "geojson",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        check=True,
    )
    data = json.loads(out.read_text())
    assert "crs" not in data
    changes = {
        f["properties"]["change"]: f["properties"]["km2"] for f in data["features"]
    }
    # The zones shrank (the Abu al-Duhur offensive, the other zones retaken); the
    # little added is Idlib ground of villages first attested in 2018.
    assert set(changes) == {"added", "removed", "unchanged"}
    assert changes["removed"] > 1000 and changes["added"] < 0.05 * changes["removed"]


def test_stats_csv_gives_areas_and_shares(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "stats.csv").read_text())))
    idlib = [r for r in rows if r["date"] == "2017-09-15" and r["zone_id"] == "idlib"]
    shares = {r["governorate"]: float(r["share_of_governorate_pct"]) for r in idlib}
    # Most of Idlib but not its government-held enclaves (al-Fu'ah, Kafriya).
    assert 80 < shares["SY-ID"] < 99.5 and 0 < shares["SY-HM"] < 25
    assert all(0 < float(r["share_of_governorate_pct"]) <= 100.05 for r in rows)
    assert {r["date"] for r in rows} == set(DATES)


def test_date_pages_link_to_compare_and_timeline(site: Path) -> None:
    html = (site / "maps" / "2018-09-17.html").read_text()
    assert 'href="../compare.html#a=2017-09-15&amp;b=2018-09-17"' in html
    assert 'href="../timeline.html#date=2018-09-17"' in html
    assert 'id="stats"' in html

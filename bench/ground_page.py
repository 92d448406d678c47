"""Benchmark the timeline's ground in real Chromium (network cut), on a built site.

    .venv/bin/python bench/ground_page.py [SITE]   (default: output/)

Prints, side by side:

- the time from moving the timeline to another day to the frame painted after
  the zones and the ground are redrawn (median of 25 random days, desktop
  1200 x 800), against a floor: the same page moved to another day with the
  ground switched off (zones only);
- the bytes of data/control/ground.js (every place's cell and history) against
  its geometry floor: the same cells' coordinates written as plain GeoJSON
  numbers at 5 decimals, with no histories at all.

Targets (issue 18): at most 50 ms a day, at most 1.0x the geometry floor.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from mapgen.site.encode import decode_line  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MOVE = """async (day) => {
  const slider = document.getElementById('slider');
  const t0 = performance.now();
  slider.value = String(day);
  slider.dispatchEvent(new Event('input'));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""


def geometry_floor(ground_js: Path) -> int:
    text = ground_js.read_text()
    data = json.loads(re.sub(r"^Atlas\.groundLoaded\(|\);\s*$", "", text))
    total = 0
    for g in data["cells"]:
        rings = [g["e"]] if g["type"] == "Polygon" else g["e"]
        for polygon in rings:
            for ring in polygon:
                coords = [[round(x, 5), round(y, 5)] for x, y in decode_line(ring)]
                total += len(json.dumps(coords, separators=(",", ":")))
    return total


def timings(site: Path, ground: bool, days: list[int]) -> list[float]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
        )
        page.goto((site / "timeline.html").resolve().as_uri())
        page.wait_for_selector("body[data-ready]", state="attached")
        if ground:
            page.check("#ground-toggle")
            page.wait_for_selector("body[data-ground-day]", state="attached")
        out = [page.evaluate(MOVE, d) for d in days]
        browser.close()
    return out


def main() -> int:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "output"
    ground_js = site / "data" / "control" / "ground.js"
    random.seed(18)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.goto((site / "timeline.html").resolve().as_uri())
        page.wait_for_selector("body[data-ready]", state="attached")
        lo = int(page.eval_on_selector("#slider", "s => s.min"))
        hi = int(page.eval_on_selector("#slider", "s => s.max"))
        browser.close()
    days = [random.randint(lo, hi) for _ in range(25)]
    with_ground = timings(site, True, days)
    floor = timings(site, False, days)
    size = ground_js.stat().st_size
    geometry = geometry_floor(ground_js)
    print("| what | median ms per day | p90 ms |")
    print("|---|---|---|")
    for name, values in (
        ("zones and ground", with_ground),
        ("zones only (floor)", floor),
    ):
        values = sorted(values)
        print(
            f"| {name} | {statistics.median(values):.1f} | {values[int(0.9 * len(values))]:.1f} |"
        )
    met = "met" if statistics.median(with_ground) <= 50 else "MISSED"
    print(f"\nredraw target at most 50 ms: {met}")
    print(
        f"ground.js {size:,} bytes against a geometry floor of {geometry:,} bytes "
        f"({size / geometry:.2f}x; target at most 1.0x: {'met' if size <= geometry else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

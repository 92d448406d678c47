from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from conftest import AGREEMENT_DATES, MAPGEN, ROOT, ZONES, tree_digest
from zonefiles import write


def test_build_writes_every_page_and_export(site: Path) -> None:
    maps = sorted(p.name for p in (site / "maps").glob("*.html"))
    assert maps == [f"{d}.html" for d in AGREEMENT_DATES]
    for rel in [
        "index.html",
        "lib/leaflet/leaflet.js",
        "lib/leaflet/leaflet.css",
        "assets/atlas.js",
        "data/base.js",
        "geojson/zones.geojson",
    ]:
        assert (site / rel).is_file(), rel
    index = (site / "index.html").read_text()
    for name in maps:
        assert f'href="maps/{name}"' in index


def test_pages_load_nothing_from_the_network(site: Path) -> None:
    for page in [site / "index.html", *(site / "maps").glob("*.html")]:
        html = page.read_text()
        for ref in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", ref), (page.name, ref)
        assert "GeoNames" in html and "CC BY 4.0" in html


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    out = tmp_path / "output"
    ok = subprocess.run(
        [*MAPGEN, "build", "--zones", str(zones), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    before = tree_digest(out)
    bad = (
        (zones / "2017-07-22-eastern-ghouta.yaml")
        .read_text()
        .replace("[SY-RD, SY-DI]", "[SY-RD, SY-DIX]")
    )
    write(zones, bad, "2017-07-22-eastern-ghouta.yaml")
    failed = subprocess.run(
        [*MAPGEN, "build", "--zones", str(zones), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert re.search(
        r"2017-07-22-eastern-ghouta\.yaml:\d+:\d+: unknown governorate code 'SY-DIX' \(did you mean 'SY-DI'\?\)",
        failed.stderr,
    )
    assert "nothing was written" in failed.stderr
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "zones"]


def test_the_site_offers_gis_downloads_and_reuses_them_when_unchanged(
    tmp_path: Path, site: Path
) -> None:
    import pyogrio

    from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
    from mapgen.site.build import build

    out = tmp_path / "site"
    geodata = Geodata(DEFAULT_DIR)
    written = build(ZONES, out, geodata)
    for name in ("atlas.gpkg", "atlas.shp.zip", "atlas.fgb", "atlas.kml", "atlas.csv"):
        assert f"downloads/{name}" in written
        assert f'href="downloads/{name}" download' in (out / "index.html").read_text()
    assert dict(pyogrio.list_layers(out / "downloads" / "atlas.gpkg"))["zones"] == (
        "MultiPolygon"
    )
    before = (out / "downloads" / "atlas.gpkg").stat().st_mtime_ns
    build(ZONES, out, geodata)
    # Carried over from the previous site (copied, so a new file), same bytes.
    assert (out / "downloads" / "atlas.gpkg").stat().st_mtime_ns != before
    assert (out / "downloads" / "atlas.gpkg").read_bytes() == (
        site / "downloads" / "atlas.gpkg"
    ).read_bytes()

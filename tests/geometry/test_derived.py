"""Issue 3: the Sochi band, the reported sub-zones, posts, routes, obligations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from mapgen.geodata.extracts import Geodata
from mapgen.geometry.measure import check_band
from mapgen.geometry.projection import area_km2, to_metres
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData

SOCHI = dt.date(2018, 9, 17)
TOLERANCE_KM = 0.1  # rounding to 5 decimals and curve segments move edges by metres


def version(atlas: AtlasData, zone_id: str, on: dt.date):  # type: ignore[no-untyped-def]
    (found,) = [v for v in atlas.in_force(on) if v.zone_id == zone_id]
    return found


def exported(site: Path, day: str, ident: str) -> dict:  # type: ignore[type-arg]
    data = json.loads((site / "geojson" / f"{day}.geojson").read_text())
    (feature,) = [f for f in data["features"] if f["properties"]["id"] == ident]
    return feature  # type: ignore[no-any-return]


def test_dmz_is_a_15_to_20_km_band_along_the_front(
    atlas: AtlasData, resolved: Resolved, site: Path
) -> None:
    dmz = version(atlas, "sochi-dmz", SOCHI)
    idlib = version(atlas, "idlib", SOCHI)
    band = shape(exported(site, "2018-09-17", "sochi-dmz")["geometry"])
    check = check_band(band, resolved.fronts[dmz.key], resolved.of(idlib), min_km=15)
    # Every point of the zone within 15 km of the front is in the band ...
    assert check.missing_within_min_km2 < 0.5
    # ... and nothing in the band is farther than 20 km from it.
    assert check.beyond_max_km <= 20 + TOLERANCE_KM
    assert len(check.widths_km) >= 100
    lo, median, hi = check.stats(check.widths_km)
    assert lo >= 15 - TOLERANCE_KM and hi <= 20 + TOLERANCE_KM
    assert abs(median - 17.5) < TOLERANCE_KM  # the chosen inner edge
    assert check.outside_base_km2 < 0.01
    assert 3000 < check.area_km2 < area_km2(resolved.of(idlib))


def test_dmz_front_leaves_out_the_turkish_border(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    dmz = version(atlas, "sochi-dmz", SOCHI)
    front = to_metres(resolved.fronts[dmz.key])
    border = to_metres(geodata.syria.boundary)
    assert front.length > 200_000
    assert front.intersection(border.buffer(100)).length == 0
    # The zone itself does run along the border for tens of km.
    idlib = to_metres(resolved.of(version(atlas, "idlib", SOCHI)))
    assert idlib.boundary.intersection(border.buffer(100)).length > 50_000


def test_sub_zones_are_three_equal_slices_from_the_border(
    atlas: AtlasData, resolved: Resolved
) -> None:
    day = dt.date(2017, 9, 15)
    names = [
        "idlib-sub-zone-turkey",
        "idlib-sub-zone-russia",
        "idlib-sub-zone-syria-iran",
    ]
    parts = [resolved.of(version(atlas, n, day)) for n in names]
    whole = resolved.of(version(atlas, "idlib", day))
    areas = [area_km2(p) for p in parts]
    assert abs(sum(areas) - area_km2(whole)) < 1
    assert max(areas) - min(areas) < 0.01 * area_km2(whole)
    assert area_km2(shapely.intersection(parts[0], parts[1])) < 0.01
    # North-west to south-east: each slice's centre lies further along the axis.
    along = [c.x - c.y for c in (p.centroid for p in parts)]
    assert along == sorted(along)
    for n in names:
        v = version(atlas, n, day)
        assert v.precision == "schematic" and "reported" in v.name


def test_posts_appear_from_their_establishment_date(
    atlas: AtlasData, site: Path
) -> None:
    # Anadan was set up on 17 March 2018 (Al-Masdar, Qasioun News, 17 Mar 2018),
    # not on 15 February with Surman; the 11th post, Sher Mughar, was announced
    # on 14 May 2018 (DHA via T24), after Rashidin on 9 May.
    counts = {
        d: len(atlas.posts_on(dt.date.fromisoformat(d)))
        for d in [
            "2017-09-15",
            "2017-10-12",
            "2018-02-15",
            "2018-03-16",
            "2018-03-17",
            "2018-05-13",
            "2018-05-14",
            "2018-05-15",
            "2018-05-16",
            "2018-09-17",
        ]
    }
    assert counts == {
        "2017-09-15": 0,
        "2017-10-12": 1,
        "2018-02-15": 6,
        "2018-03-16": 6,
        "2018-03-17": 7,
        "2018-05-13": 10,
        "2018-05-14": 11,
        "2018-05-15": 11,
        "2018-05-16": 12,
        "2018-09-17": 12,
    }
    data = json.loads((site / "geojson" / "2018-09-17.geojson").read_text())
    posts = [
        f for f in data["features"] if f["properties"]["kind"] == "observation-post"
    ]
    assert len(posts) == 12 and all(f["geometry"]["type"] == "Point" for f in posts)
    precision = {f["properties"]["id"]: f["properties"]["precision"] for f in posts}
    # No source gives Ishtabraq's position exactly; Zaytunah's is not known at all.
    assert precision["post-ishtabraq"] == "approximate"
    assert precision["post-zaytunah"] == "schematic"
    assert sum(p == "approximate" for p in precision.values()) == 11


def test_routes_run_through_their_towns_in_order(site: Path) -> None:
    m5 = exported(site, "2018-09-17", "m5")
    assert m5["geometry"]["type"] == "LineString"
    assert m5["properties"]["towns"][:4] == ["Dar‘ā", "Damascus", "Homs", "Ḩamāh"]
    assert m5["properties"]["towns"][-1] == "Aleppo"
    m4 = exported(site, "2018-09-17", "m4")
    assert m4["properties"]["towns"] == [
        "Latakia",
        "Jisr ash Shughūr",
        "Arīḩā",
        "Saraqib",
        "Aleppo",
    ]
    assert [o["id"] for o in m4["properties"]["obligations"]] == ["m4-m5-reopened"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            "2018-09-17",
            {
                "heavy-weapons-out": "pending",
                "radical-groups-out": "pending",
                "m4-m5-reopened": "pending",
            },
        ),
        (
            "2018-10-12",
            {
                "heavy-weapons-out": "done",
                "radical-groups-out": "pending",
                "m4-m5-reopened": "pending",
            },
        ),
        (
            "2019-01-01",
            {
                "heavy-weapons-out": "done",
                "radical-groups-out": "not-done",
                "m4-m5-reopened": "not-done",
            },
        ),
    ],
)
def test_obligation_status_on_a_date(
    atlas: AtlasData, day: str, expected: dict[str, str]
) -> None:
    on = dt.date.fromisoformat(day)
    assert {
        o.obligation_id: o.status_on(on) for o in atlas.obligations_on(on)
    } == expected
    assert atlas.obligations_on(dt.date(2018, 9, 16)) == []


def test_lifecycle_runs_from_declared_to_ended(site: Path) -> None:
    ghouta = exported(site, "2017-07-22", "eastern-ghouta")
    stages = [(e["date"], e["stage"]) for e in ghouta["properties"]["lifecycle"]]
    assert stages == [
        ("2017-05-04", "declared"),
        ("2017-05-06", "in-force"),
        ("2017-07-22", "revised"),
        ("2017-07-22", "in-force"),
        ("2018-04-14", "ended"),
    ]
    dmz = exported(site, "2018-09-17", "sochi-dmz")
    assert [(e["date"], e["stage"]) for e in dmz["properties"]["lifecycle"]] == [
        ("2018-09-17", "declared"),
        ("2018-09-21", "maps-agreed"),
        ("2018-10-15", "in-force"),
        ("2019-01-01", "ended"),
    ]
    # Not drawn past the control data's horizon, and it says so.
    assert "kept to 2018-12-31" in dmz["properties"]["lifecycle"][-1]["note"]
    assert {o["id"] for o in dmz["properties"]["obligations"]} == {
        "heavy-weapons-out",
        "radical-groups-out",
    }

"""The facts the atlas must get right, checked against the built geometry."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from mapgen.geodata.extracts import Geodata, Town
from mapgen.geometry.projection import area_km2
from mapgen.geometry.resolve import Resolved, governorates_touched
from mapgen.model import AtlasData

GOVERNMENT_CITIES = [
    "Aleppo",
    "Hama",
    "Homs",
    "Latakia",
    "Tartus",
    "Damascus",
    "As-Suwayda",
]


def town(geodata: Geodata, name: str) -> Town:
    found = geodata.gazetteer.candidates(name)
    assert len(found) == 1, (name, found)
    return found[0]


def point(t: Town) -> shapely.Point:
    return shapely.Point(t.lon, t.lat)


def zones_on(
    atlas: AtlasData, resolved: Resolved, day: dt.date, kind: str = "de-escalation-zone"
) -> dict[str, shapely.Geometry]:
    return {v.zone_id: resolved.of(v) for v in atlas.in_force(day) if v.kind == kind}


@pytest.mark.parametrize("city", GOVERNMENT_CITIES)
def test_government_held_cities_are_outside_every_zone_on_every_date(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, city: str
) -> None:
    where = point(town(geodata, city))
    for v in atlas.versions:
        if v.kind != "ceasefire":
            assert not resolved.of(v).intersects(where.buffer(0.02)), (city, v.key)


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Idlib", "idlib"),
        ("Ar-Rastan", "northern-homs"),
        ("Talbiseh", "northern-homs"),
        ("Duma", "eastern-ghouta"),
        ("Nawa", "south-west"),
    ],
)
def test_opposition_towns_are_inside_their_zone_while_it_is_in_force(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, name: str, zone: str
) -> None:
    """On every agreement date the zone is in force, each of these towns (held
    by the opposition on all of those dates) lies inside it."""
    where = point(town(geodata, name))
    checked = 0
    for day in atlas.dates:
        if any(v.zone_id == zone for v in atlas.in_force(day)):
            checked += 1
            assert zones_on(atlas, resolved, day)[zone].contains(where), (name, day)
    assert checked


def test_ended_zones_are_gone_after_their_end(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    duma = point(town(geodata, "Duma"))
    assert any(
        z.contains(duma)
        for z in zones_on(atlas, resolved, dt.date(2018, 4, 10)).values()
    )
    assert not any(
        z.contains(duma)
        for z in zones_on(atlas, resolved, dt.date(2018, 4, 14)).values()
    )
    rastan = point(town(geodata, "Ar-Rastan"))
    assert not any(
        z.contains(rastan)
        for z in zones_on(atlas, resolved, dt.date(2018, 9, 17)).values()
    )


def test_on_4_may_2017_the_zones_touch_exactly_the_eight_provinces_of_seed_002(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    zones = zones_on(atlas, resolved, dt.date(2017, 5, 4))
    assert sorted(zones) == ["eastern-ghouta", "idlib", "northern-homs", "south-west"]
    touched = governorates_touched(shapely.union_all(list(zones.values())), geodata)
    assert sorted(touched) == sorted(
        ["SY-ID", "SY-LA", "SY-HM", "SY-HL", "SY-HI", "SY-RD", "SY-DR", "SY-QU"]
    )


def test_partial_governorates_are_not_swallowed_whole(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    idlib = zones_on(atlas, resolved, dt.date(2017, 9, 15))["idlib"]
    for code, most in [("SY-HM", 0.25), ("SY-LA", 0.25), ("SY-HL", 0.25)]:
        gov = geodata.governorates[code].geometry
        share = area_km2(idlib.intersection(gov)) / area_km2(gov)
        assert 0.005 < share < most, (code, share)
    share_idlib = area_km2(
        idlib.intersection(geodata.governorates["SY-ID"].geometry)
    ) / area_km2(geodata.governorates["SY-ID"].geometry)
    # Most of Idlib, but not all: al-Fu'ah and Kafriya were government-held.
    assert 0.8 < share_idlib < 0.995


@pytest.mark.parametrize(
    "name", ["Suran", "Halfaya", "Taybat al Imam", "Rabiah", "Kinsibba"]
)
def test_places_retaken_before_astana_6_lie_outside_the_idlib_zone(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, name: str
) -> None:
    candidates = [
        t
        for t in geodata.gazetteer.candidates(name)
        if t.governorate in ("SY-HM", "SY-LA")
    ]
    assert len(candidates) == 1, candidates
    idlib = zones_on(atlas, resolved, dt.date(2017, 9, 15))["idlib"]
    assert not idlib.contains(point(candidates[0]))


def test_abu_al_duhur_leaves_the_zone_after_the_2018_offensive(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    abu = point(town(geodata, "Abu az Zuhur"))
    assert zones_on(atlas, resolved, dt.date(2017, 9, 15))["idlib"].contains(abu)
    assert not zones_on(atlas, resolved, dt.date(2018, 9, 17))["idlib"].contains(abu)


def test_the_area_of_separation_is_quneitra_but_the_occupied_golan_is_not(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    """The UNDOF area of separation is Syrian-administered Quneitra, so it is
    part of the south-west zone's declared area (the ground decides the rest);
    nothing of any zone lies beyond Syria's line, in the occupied Golan."""
    undof = geodata.governorates["SY-UNDOF"].geometry
    declared = resolved.declared["south-west@2017-07-07"]
    assert area_km2(declared.intersection(undof)) > 0.95 * area_km2(undof)
    for v in atlas.versions:
        assert area_km2(resolved.of(v).difference(geodata.syria)) < 0.01, v.key

"""Issue 11: the zones follow the ground. Each fact in tests/facts/*.yaml says
who held a place on a date, from a public source read for it (quoted there).
For every fact the atlas must put the place on that side's territory, and:

- inside the fact file's zone when the side is one the zone covered
  (``held_by``) and the place lies in the zone's declared area, outside it when
  the side is any other (enclaves of the other side, retaken towns);
- inside the nationwide ceasefire when the side was bound by it, outside when
  not (Islamic State, HTS);
- on or before the control data's horizon (every fact is)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shapely
import yaml
from shapely.geometry.base import BaseGeometry

from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.geometry.territory import Territory, territory_on
from mapgen.model import AtlasData, ZoneVersion

FACTS_DIR = Path(__file__).parent.parent / "facts"


@dataclass(frozen=True)
class Fact:
    zone: str
    place: str
    lon: float
    lat: float
    day: dt.date
    side: str
    source: str

    @property
    def point(self) -> BaseGeometry:
        return shapely.Point(self.lon, self.lat)


def _facts() -> list[Fact]:
    out = []
    for path in sorted(FACTS_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for f in data["facts"]:
            assert f["source"]["url"].startswith("http"), f
            assert f["quote"].strip(), f
            out.append(
                Fact(
                    data["zone"],
                    f["place"],
                    float(f["lon"]),
                    float(f["lat"]),
                    f["date"],
                    f["side"],
                    f["source"]["url"],
                )
            )
    return out


FACTS = _facts()


def test_there_are_at_least_eighty_facts_on_every_zone() -> None:
    assert len(FACTS) >= 80
    by_zone = {f.zone for f in FACTS}
    assert by_zone == {"idlib", "northern-homs", "eastern-ghouta", "south-west"}


@functools.cache
def _territory(atlas_id: int, day: dt.date) -> Territory:
    atlas, geodata = _CONTEXT[atlas_id]
    return territory_on(atlas.control, geodata, day)


_CONTEXT: dict[int, tuple[AtlasData, Geodata]] = {}


def _in_force(atlas: AtlasData, zone: str, day: dt.date) -> ZoneVersion | None:
    return next((v for v in atlas.history(zone) if v.in_force(day)), None)


def _declared_on(
    atlas: AtlasData, resolved: Resolved, zone: str, day: dt.date
) -> BaseGeometry | None:
    """The declared area of the zone's version covering ``day`` (even where the
    zone held no ground that day)."""
    spans: dict[dt.date, dt.date | None] = {}
    for v in atlas.history(zone):
        start = v.declared_from or v.valid_from
        spans[start] = v.valid_to
    for start, end in spans.items():
        if start <= day and (end is None or day < end):
            return resolved.declared.get(f"{zone}@{start.isoformat()}")
    return None


@pytest.mark.parametrize(
    "fact", FACTS, ids=[f"{f.zone}:{f.place}:{f.day}:{f.side}" for f in FACTS]
)
def test_the_place_is_on_its_side_and_in_or_out_of_its_zone(
    fact: Fact, atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    horizon = atlas.control.horizon
    assert horizon is not None and fact.day <= horizon
    _CONTEXT[id(atlas)] = (atlas, geodata)
    held = _territory(id(atlas), fact.day).side_at(fact.lon, fact.lat)
    assert held == fact.side, (
        f"{fact.place} on {fact.day}: the atlas says {held}, {fact.source} says {fact.side}"
    )
    # The fact's zone.
    version = _in_force(atlas, fact.zone, fact.day)
    declared = _declared_on(atlas, resolved, fact.zone, fact.day)
    if declared is not None and declared.covers(fact.point):
        sides = next(iter(atlas.history(fact.zone))).held_by
        inside = version is not None and resolved.of(version).covers(fact.point)
        assert inside == (fact.side in sides), (
            f"{fact.place} ({fact.side}) on {fact.day} should be "
            f"{'inside' if fact.side in sides else 'outside'} {fact.zone}"
        )
    # The nationwide ceasefire: the ground of the parties it bound.
    ceasefire = _in_force(atlas, "nationwide-ceasefire", fact.day)
    assert ceasefire is not None
    bound = fact.side in ceasefire.held_by
    assert resolved.of(ceasefire).covers(fact.point) == bound, (
        f"{fact.place} ({fact.side}) on {fact.day} should be "
        f"{'inside' if bound else 'outside'} the nationwide ceasefire"
    )

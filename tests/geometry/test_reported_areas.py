"""Issue 18: zone areas against figures that sources reported (tests/reported_areas.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import ROOT

import mapgen

FIGURES = yaml.safe_load((ROOT / "tests" / "reported_areas.yaml").read_text())
CASES = [(figure, str(day)) for figure in FIGURES["figures"] for day in figure["dates"]]


@pytest.fixture(scope="module")
def atlas() -> mapgen.Atlas:
    return mapgen.open_atlas()


@pytest.mark.parametrize(
    ("figure", "day"), CASES, ids=[f"{f['zone']}-{d}" for f, d in CASES]
)
def test_a_zone_is_within_the_tolerance_of_its_reported_area(
    atlas: mapgen.Atlas, figure: dict[str, Any], day: str
) -> None:
    zones = atlas.zones_on(day)
    area = float(zones.loc[zones["id"] == figure["zone"], "area_km2"].sum())
    low = figure["km2"] * (1 - figure["tolerance"])
    high = figure["km2"] * (1 + figure["tolerance"])
    assert low <= area <= high, f"{figure['zone']} on {day}: {area:.0f} km²"


def test_every_figure_names_its_source() -> None:
    for figure in FIGURES["figures"]:
        assert figure["sources"]
        assert all(
            s["url"].startswith("http") and s["quote"] for s in figure["sources"]
        )

"""Issue 11 (groundwork): territory by side, computed from the control data,
checked against independently reported facts (each with its source)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MAPGEN, ZONES

import mapgen
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.geometry.projection import area_km2
from mapgen.geometry.territory import front_distances, territory_on

GEODATA = Geodata(DEFAULT_DIR)

# (place, lon, lat (GeoNames), date, side, source of the fact)
FACTS = [
    (
        "Douma",
        36.40197,
        33.57175,
        "2018-03-01",
        "opposition",
        "Rif Dimashq offensive (February–April 2018), Wikipedia: Douma held until April",
    ),
    (
        "Douma",
        36.40197,
        33.57175,
        "2018-05-01",
        "government",
        "Reuters, 14 Apr 2018: the army declares Eastern Ghouta retaken",
    ),
    (
        "Afrin",
        36.86954,
        36.51194,
        "2018-01-10",
        "sdf",
        "Operation Olive Branch, Wikipedia: YPG-held until 18 March 2018",
    ),
    (
        "Afrin",
        36.86954,
        36.51194,
        "2018-04-01",
        "turkey-backed",
        "Operation Olive Branch, Wikipedia: Turkish-backed forces took the city 18 March 2018",
    ),
    (
        "Raqqa",
        39.00889,
        35.95283,
        "2017-06-01",
        "islamic-state",
        "Battle of Raqqa (2017), Wikipedia: IS-held until 17 October 2017",
    ),
    (
        "Raqqa",
        39.00889,
        35.95283,
        "2017-11-01",
        "sdf",
        "Battle of Raqqa (2017), Wikipedia: the SDF took the city 17 October 2017",
    ),
    (
        "Palmyra",
        38.28402,
        34.5624,
        "2017-01-15",
        "islamic-state",
        "Palmyra offensive (December 2016), Wikipedia: IS retook the city 11 December 2016",
    ),
    (
        "Palmyra",
        38.28402,
        34.5624,
        "2017-04-01",
        "government",
        "Palmyra offensive (2017), Wikipedia: the army retook the city 2 March 2017",
    ),
    (
        "al-Rastan",
        36.71548,
        34.92664,
        "2018-04-01",
        "opposition",
        "Rastan pocket, Wikipedia: rebel-held until the May 2018 surrender",
    ),
    (
        "al-Rastan",
        36.71548,
        34.92664,
        "2018-06-01",
        "government",
        "SANA, 15-16 May 2018: the army enters al-Rastan after the evacuation",
    ),
]


@pytest.mark.parametrize(
    ("place", "lon", "lat", "day", "side", "source"),
    FACTS,
    ids=[f"{f[0]}-{f[3]}" for f in FACTS],
)
def test_territory_agrees_with_reported_control(
    place: str, lon: float, lat: float, day: str, side: str, source: str
) -> None:
    atlas = mapgen.open_atlas()
    territory = territory_on(atlas.data.control, GEODATA, dt.date.fromisoformat(day))
    assert territory.side_at(lon, lat) == side, (place, day, source)


def test_sides_do_not_overlap_and_stay_in_syria() -> None:
    atlas = mapgen.open_atlas()
    territory = territory_on(atlas.data.control, GEODATA, dt.date(2018, 2, 20))
    sides = list(territory.sides.values())
    for i, a in enumerate(sides):
        assert GEODATA.syria.buffer(1e-6).covers(a)
        for b in sides[i + 1 :]:
            # Only what the projection's round trip leaves: well under a hectare.
            assert area_km2(a.intersection(b)) < 0.01
    # Every front settlement has one of another side within 2 x 10 km.
    gaps = front_distances(territory)
    assert gaps and max(gaps) <= 20.0


def test_control_on_a_date_and_nothing_past_the_horizon(tmp_path: Path) -> None:
    atlas = mapgen.open_atlas()
    frame = atlas.control_on("2018-02-20")
    assert {"government", "opposition", "sdf"} <= set(frame["side"])
    assert (frame["area_km2"] > 0).all()
    # A front kept only to mid-2018 sets the horizon of all the control data.
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)
    path = zones / "control" / "damascus.yaml"
    path.write_text(
        path.read_text().replace("horizon: 2018-12-31", "horizon: 2018-06-30", 1)
    )
    early = mapgen.open_atlas(zones)
    assert early.data.control.horizon == dt.date(2018, 6, 30)
    with pytest.raises(ValueError, match="last date the control data is kept to"):
        early.control_on("2018-08-01")
    done = subprocess.run(
        [
            *MAPGEN,
            "export",
            "--zones",
            str(zones),
            "--date",
            "2018-08-01",
            "--layer",
            "control",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        done.returncode == 2 and "last date the control data is kept to" in done.stderr
    )

from __future__ import annotations

import datetime as dt

from mapgen.model import AtlasData


def ids(atlas: AtlasData, day: str) -> list[str]:
    return sorted(v.zone_id for v in atlas.in_force(dt.date.fromisoformat(day)))


def test_agreement_dates_span_the_period(atlas: AtlasData) -> None:
    dates = [d.isoformat() for d in atlas.dates]
    assert dates[0] == "2016-12-29" and dates[-1] == "2018-09-17"
    for day in [
        "2017-01-24",
        "2017-05-04",
        "2017-07-07",
        "2017-07-22",
        "2017-08-03",
        "2017-09-15",
    ]:
        assert day in dates


def test_valid_to_is_the_first_day_no_longer_in_force(atlas: AtlasData) -> None:
    assert "eastern-ghouta" in ids(atlas, "2018-04-13")
    assert "eastern-ghouta" not in ids(atlas, "2018-04-14")
    assert "northern-homs" not in ids(atlas, "2018-05-02")
    assert ids(atlas, "2016-12-28") == []
    assert ids(atlas, "2016-12-29") == ["nationwide-ceasefire"]


def test_one_version_of_each_zone_at_a_time(atlas: AtlasData) -> None:
    day = dt.date(2016, 12, 1)
    while day < dt.date(2019, 1, 1):
        found = [v.zone_id for v in atlas.in_force(day)]
        assert len(found) == len(set(found)), day
        day += dt.timedelta(days=1)


def test_revisions_are_versions_of_one_zone(atlas: AtlasData) -> None:
    states = [v for v in atlas.versions if v.zone_id == "idlib"]
    # Each version's first state starts on the version's own first day.
    idlib = [v for v in states if v.declared_from == v.valid_from]
    assert [v.version for v in idlib] == [1, 2, 3, 4]
    assert [v.agreement.date.isoformat() for v in idlib] == [
        "2017-05-04",
        "2017-09-15",
        "2017-09-15",
        "2018-09-17",
    ]
    # Its dated states follow one another without gaps or overlaps.
    assert len(states) > len(idlib)
    assert all(
        a.valid_to == b.valid_from for a, b in zip(states, states[1:], strict=False)
    )


def test_what_is_in_force_on_key_dates(atlas: AtlasData) -> None:
    assert ids(atlas, "2017-10-01") == [
        "eastern-ghouta",
        "idlib",
        "idlib-sub-zone-russia",
        "idlib-sub-zone-syria-iran",
        "idlib-sub-zone-turkey",
        "nationwide-ceasefire",
        "northern-homs",
        "south-west",
    ]
    assert ids(atlas, "2018-09-17") == ["idlib", "nationwide-ceasefire", "sochi-dmz"]

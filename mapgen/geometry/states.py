"""Dated states of a zone: its declared area on the ground its side held.

A zone file says once what an agreement covered (``extent``) and whose ground
it was (``held_by``). Its shape on a day is that area intersected with the
territory of those sides on the day (``territory.Ground``). Each time a
settlement in or near the area changes between "held by the zone's side",
"held by another side" and "not yet known", the zone gets a new dated state:
a copy of its version with its own ``valid_from``/``valid_to`` and
``declared_from`` set to the version's first day. No state runs past the
control data's horizon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mapgen.model import PAST_HORIZON, Settlement, ZoneVersion

# Settlements this far outside a declared area can still move its edge (their
# Voronoi cells reach into it); farther ones cannot in practice.
NEAR_KM = 25.0

ONE_DAY = dt.timedelta(days=1)


def change_days(
    settlements: list[Settlement], sides: tuple[str, ...], start: dt.date, end: dt.date
) -> list[dt.date]:
    """Days strictly between ``start`` and ``end`` on which one of the
    settlements passes between held by ``sides``, by another side, or unknown."""
    days: set[dt.date] = set()
    for s in settlements:
        before: bool | None = None
        for spell in s.history:
            now = spell.side in sides
            if now != before and start < spell.start < end:
                days.add(spell.start)
            before = now
    return sorted(days)


def split(
    version: ZoneVersion, settlements: list[Settlement], horizon: dt.date | None
) -> list[ZoneVersion]:
    """The dated states of one version (itself alone if it has no ``held_by``)."""
    if not version.held_by:
        return [version]
    stop = version.valid_to
    cap = horizon + ONE_DAY if horizon is not None else None
    cut = cap is not None and (stop is None or stop > cap)
    end = cap if cut else stop
    if end is not None and end <= version.valid_from:
        return []
    inner = change_days(
        settlements, version.held_by, version.valid_from, end or dt.date.max
    )
    bounds: list[dt.date | None] = [version.valid_from, *inner, end]
    out = []
    for i in range(len(bounds) - 1):
        first, last = bounds[i], bounds[i + 1]
        assert first is not None
        final = i == len(bounds) - 2
        out.append(
            replace(
                version,
                valid_from=first,
                valid_to=last,
                declared_from=version.valid_from,
                fate=(PAST_HORIZON if cut else version.fate) if final else None,
                fate_note=(
                    (
                        f"The atlas's control data is kept to {horizon}; the zone "
                        "is not drawn after it."
                        if cut
                        else version.fate_note
                    )
                    if final
                    else None
                ),
            )
        )
    return out

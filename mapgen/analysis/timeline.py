"""What is in force when: the atlas's period, and its distinct states.

A *state* is a stretch of days over which the same zone versions are in force.
Zones change only on a few dates, so two dates can be compared by comparing
their states, and a state pair's difference can be computed once at build time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from mapgen.days import calendar_fault
from mapgen.errors import UsageError
from mapgen.model import AtlasData

# The atlas covers agreements to the end of 2018.
PERIOD_END = dt.date(2018, 12, 31)


@dataclass(frozen=True)
class State:
    index: int
    start: dt.date
    end: dt.date  # last day, inclusive
    keys: tuple[str, ...]  # ZoneVersion keys in force

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period(atlas: AtlasData) -> tuple[dt.date, dt.date]:
    return atlas.dates[0], max(PERIOD_END, atlas.dates[-1])


def states(atlas: AtlasData, kinds: tuple[str, ...] | None = None) -> list[State]:
    """The distinct stretches of the period, in order (counting only zones of
    ``kinds`` when given)."""
    first, last = period(atlas)
    changes = {first}
    for v in atlas.versions:
        if kinds is not None and v.kind not in kinds:
            continue
        for day in (v.valid_from, v.valid_to):
            if day is not None and first < day <= last:
                changes.add(day)
    starts = sorted(changes)
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else last
        keys = tuple(
            sorted(
                v.key for v in atlas.in_force(start) if kinds is None or v.kind in kinds
            )
        )
        out.append(State(i, start, end, keys))
    return out


# Differences are precomputed for every pair of states up to this many states;
# beyond it, pairs grow as the square of the states, so every pair of the
# milestone states (those holding an agreement date or the first day of a
# month) and every consecutive pair is computed, and the compare page points
# to 'mapgen diff' for the others.
ALL_PAIRS_UP_TO = 24
MILESTONES_UP_TO = 64


def milestones(atlas: AtlasData, atlas_states: list[State]) -> list[State]:
    """The states holding an agreement date or the first day of a month."""
    first, last = period(atlas)
    days = set(atlas.dates)
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        days.add(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [s for s in atlas_states if any(s.covers(d) for d in days)]


def diff_pairs(
    atlas_states: list[State], marked: list[State] | None = None
) -> list[tuple[State, State]]:
    if len(atlas_states) <= ALL_PAIRS_UP_TO:
        chosen = atlas_states
    elif marked is not None and len(marked) <= MILESTONES_UP_TO:
        chosen = marked
    else:
        chosen = []  # too many milestones too: consecutive pairs only
    pairs = {(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :]}
    pairs.update(zip(atlas_states, atlas_states[1:], strict=False))
    return sorted(pairs, key=lambda p: (p[0].index, p[1].index))


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> dt.date:
    """A date written exactly YYYY-MM-DD (not 20171001, not 2017-W40-1) that
    exists on the calendar (not 2017-02-30, not 2017-00-00)."""
    if not _ISO_DAY.match(text):
        raise UsageError(f"'{text}' is not a date written YYYY-MM-DD.")
    year, month, day = (int(part) for part in text.split("-"))
    fault = calendar_fault(year, month, day)
    if fault is not None:
        raise UsageError(
            f"'{text}' is written YYYY-MM-DD but is no day of the calendar ({fault})."
        )
    return dt.date(year, month, day)

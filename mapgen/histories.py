"""Every settlement's control history on every day, from facts.

Three kinds of fact say who held a place: a curated settlement's own entries (a
*change*, "taken by X on D", or an *attestation*, "held by X on D"), the
Wikipedia detailed map's snapshot (an attestation of each place it marks, on
the date its window supports), and whole-pocket deals ("every settlement held
by X inside pocket P passes to Y on D"). Control persists between facts.

Where no fact speaks, the atlas infers, and marks the spell ``inferred`` with a
note saying how:

- before a settlement's first fact, its side is carried back to
  ``CONTROL_START`` (an attestation's side, a change's ``was``, or else the side
  the snapshot gave the nearest other place);
- a place known only from the snapshot follows the history of the nearest
  curated settlement that the snapshot showed on the same side (within
  ``FOLLOW_KM``); with none near, it keeps its snapshot side throughout.

Precedence, highest first: a curated settlement's own facts, pocket deals, the
snapshot, inference.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, replace

import numpy as np
import shapely

from mapgen.errors import Mark, Problem
from mapgen.geodata.extracts import name_keys
from mapgen.geodata.wikimap import MapPlace
from mapgen.geometry.projection import many_to_metres
from mapgen.model import (
    CONTROL_START,
    Citation,
    Control,
    Fact,
    Front,
    Settlement,
    Spell,
)

# A snapshot place this close to a curated settlement of the same name is that
# settlement; this close, whatever its name.
SAME_NAME_KM = 2.0
SAME_PLACE_KM = 0.3
# Two places closer than this are one point of the tessellation.
SAME_POINT_M = 50.0
# How far a snapshot place looks for a curated settlement to follow.
FOLLOW_KM = 15.0
# How far a curated settlement looks for a snapshot place to say who held it
# before its first change.
NEIGHBOUR_KM = 8.0
# Pockets spread over neighbouring places (Delaunay neighbours) no farther apart.
POCKET_LINK_KM = 20.0
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Snapshot:
    """The map's snapshot as one attestation of every place it marks."""

    attested_on: dt.date
    citation: Citation
    window: tuple[dt.date, dt.date]


@dataclass(frozen=True)
class PocketPlace:
    mark: Mark
    name: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class Pocket:
    """A whole-pocket deal: every place held by ``losing`` in the pocket the
    named places stand in passes to ``to`` on ``day``."""

    mark: Mark
    pocket_id: str
    name: str
    day: dt.date
    losing: tuple[str, ...]
    to: str
    places: tuple[PocketPlace, ...]
    sources: tuple[Citation, ...]
    note: str | None
    reach_km: float | None = None


def spells_from_facts(
    facts: list[Fact] | tuple[Fact, ...], start: dt.date = CONTROL_START
) -> tuple[Spell, ...]:
    """A curated settlement's spells from its own facts (in date order). An
    attestation's side, or a change's ``was``, is carried back to ``start``
    (inferred); an attestation of the side already held adds nothing."""
    spells: list[Spell] = []
    for i, fact in enumerate(facts):
        if i == 0 and fact.day > start:
            back = fact.side if fact.kind == "attested" else fact.was
            if back is not None:
                spells.append(
                    Spell(
                        start,
                        back,
                        fact.sources,
                        f"Assumed: held by {back} on {fact.day} by the first source; "
                        f"carried back to {start}.",
                        inferred=True,
                    )
                )
        if fact.kind == "attested" and spells and spells[-1].side == fact.side:
            if spells[-1].inferred and len(spells) == 1:
                spells.append(Spell(fact.day, fact.side, fact.sources, fact.note))
            continue
        spells.append(Spell(fact.day, fact.side, fact.sources, fact.note))
    return tuple(spells)


def _spell_on(spells: tuple[Spell, ...], day: dt.date) -> Spell | None:
    held = None
    for spell in spells:
        if spell.start <= day:
            held = spell
    return held


def _side_on(spells: tuple[Spell, ...], day: dt.date) -> str | None:
    held = None
    for spell in spells:
        if spell.start <= day:
            held = spell.side
    return held


@dataclass
class _Seed:
    """A place while histories are assembled."""

    settlement: Settlement
    metric: tuple[float, float]
    spells: tuple[Spell, ...]


def assemble(
    curated: Control,
    places: list[MapPlace],
    snapshot: Snapshot | None,
    pockets: list[Pocket],
    coords: Citation | None = None,
) -> tuple[Control, list[Problem], list[Problem]]:
    """The atlas's control: the curated settlements and the snapshot's places,
    each with a history for every day from ``CONTROL_START``; then the
    problems (errors) and the warnings found on the way."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    settlements = list(curated.settlements)
    ground = [p for p in places if p.ground_side is not None]
    if not settlements and not ground:
        return curated, problems, warnings
    cur_xy = _metres([(s.lon, s.lat) for s in settlements])
    map_xy = _metres([(p.lon, p.lat) for p in ground])
    matched = _match(settlements, cur_xy, ground, map_xy)
    seeds: list[_Seed] = []
    for i, s in enumerate(settlements):
        place = matched.get(i)
        spells = _curated_spells(s, place, snapshot, warnings)
        seeds.append(_Seed(s, cur_xy[i], spells))
    taken = {q.key for q in matched.values()}
    # Settlements first, then the other marks; a mark on the point of one kept
    # already (closer than SAME_POINT_M) stands for nothing more.
    order = sorted(
        (j for j, p in enumerate(ground) if p.key not in taken),
        key=lambda j: (ground[j].kind != "settlement", j),
    )
    kept = _grid(list(cur_xy), SAME_POINT_M)
    extra: list[tuple[int, MapPlace]] = []
    for j in order:
        xy = map_xy[j]
        if any(
            _km(xy, cur_xy[i] if i >= 0 else map_xy[-1 - i]) * 1000 < SAME_POINT_M
            for i in _near(kept, SAME_POINT_M, xy, 1)
        ):
            continue
        kept.setdefault(
            (int(xy[0] // SAME_POINT_M), int(xy[1] // SAME_POINT_M)), []
        ).append(-1 - j)
        extra.append((j, ground[j]))
    if snapshot is not None:
        for i, seed in enumerate(seeds):
            if _side_on(seed.spells, CONTROL_START) is None and seed.spells:
                seeds[i].spells = _from_neighbour(
                    seed, [(map_xy[j], p) for j, p in enumerate(ground)], snapshot
                )
        curated_seeds = seeds[: len(settlements)]
        grid = _grid([seed.metric for seed in curated_seeds], FOLLOW_KM * 1000)
        for j, p in extra:
            spells = _followed(p, map_xy[j], curated_seeds, grid, snapshot)
            seeds.append(_Seed(_map_settlement(p, spells, coords), map_xy[j], spells))
    if pockets:
        names: dict[str, list[int]] = {}
        for i, seed in enumerate(seeds):
            for key in name_keys(seed.settlement.name):
                names.setdefault(key, []).append(i)
        links = _neighbours([seed.metric for seed in seeds])
        for pocket in sorted(pockets, key=lambda p: (p.day, p.pocket_id)):
            _apply(pocket, seeds, names, links, problems)
    fronts = []
    by_front: dict[str, list[Settlement]] = {}
    for seed in seeds:
        s = replace(seed.settlement, history=seed.spells)
        by_front.setdefault(s.front, []).append(s)
    for f in curated.fronts:
        fronts.append(replace(f, settlements=tuple(by_front.get(f.front_id, []))))
    if "wikimap" in by_front and curated.fronts:
        fronts.append(
            Front(
                "wikimap",
                "Places marked on Wikipedia's detailed map (snapshot)",
                None,
                min(f.horizon for f in curated.fronts),
                tuple(by_front["wikimap"]),
            )
        )
    return Control(tuple(fronts)), problems, warnings


def _metres(lonlat: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if not lonlat:
        return []
    pts = many_to_metres(shapely.points(lonlat))
    return [(float(p.x), float(p.y)) for p in pts]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1])) / 1000


def _grid(
    xy: list[tuple[float, float]], cell: float
) -> dict[tuple[int, int], list[int]]:
    out: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(xy):
        out.setdefault((int(x // cell), int(y // cell)), []).append(i)
    return out


def _near(
    grid: dict[tuple[int, int], list[int]],
    cell: float,
    at: tuple[float, float],
    rings: int,
) -> list[int]:
    cx, cy = int(at[0] // cell), int(at[1] // cell)
    return [
        i
        for dx in range(-rings, rings + 1)
        for dy in range(-rings, rings + 1)
        for i in grid.get((cx + dx, cy + dy), [])
    ]


def _match(
    settlements: list[Settlement],
    cur_xy: list[tuple[float, float]],
    ground: list[MapPlace],
    map_xy: list[tuple[float, float]],
) -> dict[int, MapPlace]:
    """Each curated settlement's snapshot place, if the map marks it: the
    nearest of the same name within SAME_NAME_KM, else any within SAME_PLACE_KM."""
    cell = SAME_NAME_KM * 1000
    grid = _grid(map_xy, cell)
    out: dict[int, MapPlace] = {}
    used: set[int] = set()
    for i, s in enumerate(settlements):
        keys = name_keys(s.name)
        best: tuple[float, int] | None = None
        for j in _near(grid, cell, cur_xy[i], 1):
            if j in used:
                continue
            d = _km(cur_xy[i], map_xy[j])
            named = bool(keys & name_keys(ground[j].name))
            if (named and d <= SAME_NAME_KM) or d <= SAME_PLACE_KM:
                rank = d - (10 if named else 0)
                if best is None or rank < best[0]:
                    best = (rank, j)
        if best is not None:
            out[i] = ground[best[1]]
            used.add(best[1])
    return out


def _snapshot_fact(place: MapPlace, snapshot: Snapshot) -> Fact:
    side = place.ground_side
    assert side is not None
    return Fact(
        Mark("geodata/wikimap.csv", place.line, 1),
        snapshot.attested_on,
        "attested",
        side,
        None,
        (snapshot.citation,),
        f"As Wikipedia's detailed map showed it ({place.name}); the map's snapshot "
        f"is dated to {snapshot.window[0]} – {snapshot.window[1]}.",
    )


def _curated_spells(
    s: Settlement,
    place: MapPlace | None,
    snapshot: Snapshot | None,
    warnings: list[Problem],
) -> tuple[Spell, ...]:
    """A curated settlement's spells, with the snapshot's attestation where it
    adds something the settlement's own facts do not say and does not
    contradict them (a contradiction is a warning; the curated facts win)."""
    facts = list(s.facts)
    if place is None or snapshot is None or not facts:
        return s.history if s.history else spells_from_facts(facts)
    seen = _snapshot_fact(place, snapshot)
    own = spells_from_facts(facts)
    held = _side_on(own, seen.day)
    later = [f for f in facts if f.day > seen.day]
    contradicts = (held is not None and held != seen.side) or (
        held is None
        and later
        and later[0].kind == "change"
        and later[0].side == seen.side
    )
    if contradicts:
        warnings.append(
            Problem(
                s.mark,
                f"Wikipedia's detailed map shows '{s.name}' held by "
                f"'{seen.side}' ({snapshot.window[0]} – {snapshot.window[1]}), but this "
                "file's facts say otherwise then; the file's facts are drawn",
            )
        )
        return own
    if held is not None:
        return own
    merged = sorted([*facts, seen], key=lambda f: f.day)
    spells = spells_from_facts(merged)
    return tuple(
        replace(sp, inferred=True) if sp.sources == (snapshot.citation,) else sp
        for sp in spells
    )


def _from_neighbour(
    seed: _Seed,
    neighbours: list[tuple[tuple[float, float], MapPlace]],
    snapshot: Snapshot,
) -> tuple[Spell, ...]:
    """A curated settlement whose first fact is a change with no ``was``: before
    it, the side the snapshot gave the nearest place of another side, if that
    place is within NEIGHBOUR_KM and the snapshot is older than the change."""
    first = seed.spells[0]
    if snapshot.attested_on >= first.start or first.start <= CONTROL_START:
        return seed.spells
    best: tuple[float, MapPlace] | None = None
    for xy, p in neighbours:
        if p.ground_side in (None, first.side):
            continue
        d = _km(seed.metric, xy)
        if d <= NEIGHBOUR_KM and (best is None or d < best[0]):
            best = (d, p)
    if best is None:
        return seed.spells
    d, p = best
    assert p.ground_side is not None
    back = Spell(
        CONTROL_START,
        p.ground_side,
        (snapshot.citation,),
        f"Assumed: before the first source ({first.start}), held like {p.name}, "
        f"{d:.1f} km away, on Wikipedia's detailed map ({snapshot.window[0]} – "
        f"{snapshot.window[1]}).",
        inferred=True,
    )
    return (back, *seed.spells)


def _followed(
    place: MapPlace,
    xy: tuple[float, float],
    curated: list[_Seed],
    grid: dict[tuple[int, int], list[int]],
    snapshot: Snapshot,
) -> tuple[Spell, ...]:
    """A snapshot place's spells: the nearest curated settlement's history (as
    inferred) if the snapshot showed both on the same side, else its snapshot
    side throughout."""
    side = place.ground_side
    assert side is not None
    best: tuple[float, _Seed] | None = None
    for seed in (curated[i] for i in _near(grid, FOLLOW_KM * 1000, xy, 1)):
        d = _km(xy, seed.metric)
        if d > FOLLOW_KM or (best is not None and d >= best[0]):
            continue
        held = _spell_on(seed.spells, snapshot.attested_on)
        if (
            held is not None
            and held.side == side
            and (not held.inferred or held.sources == (snapshot.citation,))
        ):
            best = (d, seed)
    own = Spell(
        CONTROL_START,
        side,
        (snapshot.citation,),
        f"Assumed: held by {side} throughout, as Wikipedia's detailed map showed "
        f"it ({snapshot.window[0]} – {snapshot.window[1]}); no source dates a change.",
        inferred=True,
    )
    if best is None:
        return (own,)
    d, seed = best
    name = seed.settlement.name
    out: list[Spell] = []
    if not seed.spells or seed.spells[0].start > CONTROL_START:
        out.append(own)
    for sp in seed.spells:
        if sp.start < CONTROL_START and out:
            continue
        out.append(
            Spell(
                max(sp.start, CONTROL_START) if out else sp.start,
                sp.side,
                sp.sources,
                f"Assumed: follows {name}, {d:.1f} km away, which Wikipedia's detailed "
                f"map showed on the same side ({snapshot.window[0]} – "
                f"{snapshot.window[1]}).",
                inferred=True,
            )
        )
    return _merge(tuple(out))


def _merge(spells: tuple[Spell, ...]) -> tuple[Spell, ...]:
    """Spells in date order, one per start day, with a spell that repeats the
    side and kind of the one before it folded into it."""
    out: list[Spell] = []
    for sp in sorted(spells, key=lambda s: s.start):
        if out and sp.start == out[-1].start:
            out[-1] = sp
            continue
        if out and sp.side == out[-1].side and sp.inferred == out[-1].inferred:
            continue
        out.append(sp)
    return tuple(out)


def _map_settlement(
    place: MapPlace, spells: tuple[Spell, ...], coords: Citation | None
) -> Settlement:
    citation = coords or Citation(
        "wikimap",
        "Module:Syrian Civil War detailed map",
        "Wikipedia contributors",
        None,
        "https://en.wikipedia.org/wiki/Module:Syrian_Civil_War_detailed_map",
        None,
    )
    return Settlement(
        Mark("geodata/wikimap.csv", place.line, 1),
        "wikimap",
        place.name,
        "",
        place.governorate,
        place.lon,
        place.lat,
        citation,
        None,
        spells,
        kind=place.kind,
        origin="wikimap",
    )


# -- pocket deals -----------------------------------------------------------------


def _apply(
    pocket: Pocket,
    seeds: list[_Seed],
    names: dict[str, list[int]],
    links: dict[int, list[int]],
    problems: list[Problem],
) -> None:
    """Pass every place of the pocket held by a losing side on the day before
    the deal to the winning side on its day."""
    eve = pocket.day - ONE_DAY
    sides = [_side_on(seed.spells, eve) for seed in seeds]
    starts = _pocket_seeds(pocket, seeds, names, sides, problems)
    if not starts:
        return
    inside = _component(starts, seeds, links, sides, pocket)
    deal = Spell(
        pocket.day,
        pocket.to,
        pocket.sources,
        f"The {pocket.name} deal: every place its losing side held passed to "
        f"{pocket.to} on {pocket.day}.",
    )
    for i in inside:
        seed = seeds[i]
        own_later = [
            sp
            for sp in seed.spells
            if sp.start > pocket.day
            and not (seed.settlement.origin == "wikimap" and sp.side in pocket.losing)
        ]
        before = [sp for sp in seed.spells if sp.start < pocket.day]
        seeds[i].spells = _merge((*before, deal, *own_later))


def _pocket_seeds(
    pocket: Pocket,
    seeds: list[_Seed],
    names: dict[str, list[int]],
    sides: list[str | None],
    problems: list[Problem],
) -> list[int]:
    """The seeds the pocket's named places stand for, held by a losing side."""
    out: list[int] = []
    for place in pocket.places:
        found = sorted({i for key in name_keys(place.name) for i in names.get(key, [])})
        if place.lon is not None and place.lat is not None:
            (xy,) = _metres([(place.lon, place.lat)])
            found = [i for i in found if _km(seeds[i].metric, xy) <= SAME_NAME_KM]
        held = [i for i in found if sides[i] in pocket.losing]
        if not found:
            problems.append(
                Problem(
                    place.mark,
                    f"no settlement named '{place.name}' in the control data or the "
                    "gazetteer; name one that is (or give lat and lon)",
                )
            )
        elif len(held) > 1 and place.lon is None:
            where = "; ".join(
                f"{seeds[i].settlement.lat:.3f}, {seeds[i].settlement.lon:.3f}"
                for i in held[:4]
            )
            problems.append(
                Problem(
                    place.mark,
                    f"'{place.name}' names {len(held)} places held by "
                    f"{' or '.join(pocket.losing)} on {pocket.day - ONE_DAY} ({where}); "
                    "give lat and lon to say which",
                )
            )
        else:
            out.extend(held[:1])
    if not out and not any(p.mark in {q.mark for q in problems} for p in pocket.places):
        problems.append(
            Problem(
                pocket.mark,
                f"the pocket '{pocket.pocket_id}' holds no settlement of "
                f"{' or '.join(pocket.losing)} on {pocket.day - ONE_DAY}, the day "
                "before its deal; check its date, sides and places",
            )
        )
    return out


def _component(
    starts: list[int],
    seeds: list[_Seed],
    links: dict[int, list[int]],
    sides: list[str | None],
    pocket: Pocket,
) -> set[int]:
    """The places held by a losing side reached from ``starts`` through
    neighbours held by a losing side (within ``reach_km`` of a named place
    when the pocket gives one)."""
    named = [seeds[i].metric for i in starts]

    def allowed(i: int) -> bool:
        if sides[i] not in pocket.losing:
            return False
        if pocket.reach_km is None:
            return True
        return min(_km(seeds[i].metric, q) for q in named) <= pocket.reach_km

    seen = {i for i in starts if allowed(i)}
    queue = deque(seen)
    while queue:
        i = queue.popleft()
        for j in links.get(i, ()):
            if j not in seen and allowed(j):
                seen.add(j)
                queue.append(j)
    return seen


def _neighbours(xy: list[tuple[float, float]]) -> dict[int, list[int]]:
    """Delaunay neighbours among points (metres), linked if at most
    POCKET_LINK_KM apart."""
    out: dict[int, list[int]] = {}
    if len(xy) < 2:
        return out
    where = {p: k for k, p in enumerate(xy)}
    edges = shapely.delaunay_triangles(shapely.MultiPoint(xy), only_edges=True)
    for line in shapely.get_parts(edges):
        (a, b) = [(float(x), float(y)) for x, y in line.coords]
        ka, kb = where.get(a), where.get(b)
        if ka is None or kb is None or _km(a, b) > POCKET_LINK_KM:
            continue
        out.setdefault(ka, []).append(kb)
        out.setdefault(kb, []).append(ka)
    return out

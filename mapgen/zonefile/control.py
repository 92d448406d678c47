"""Read and check ``zones/control/*.yaml``: who held each settlement, when.

Each file is one front: its own bibliography (``sources``: key -> citation), a
``horizon`` (the last date its data is kept to) and its settlements, each with
coordinates read from a cited source, an Arabic name, and a control history in
date order (``docs/control-data.md``). Every problem in every file is reported
at once as ``file:line:col: what is wrong``, as for zone files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from mapgen.errors import Mark, Problem, UsageError, ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.histories import spells_from_facts
from mapgen.model import SIDES, Citation, Control, Fact, Front, Settlement
from mapgen.zonefile._fields import read_url
from mapgen.zonefile._numbers import INT32_MAX, whole
from mapgen.zonefile._yaml import Reader, did_you_mean
from mapgen.zonefile.files import (
    CONTROL_FILE,
    UnreadableFileError,
    data_files,
    display_path,
    read_capped,
)
from mapgen.zonefile.keys import KEYS

# The folder of control files, inside the zone folder.
CONTROL_DIR = "control"
# Files of the control folder that are not fronts (mapgen.zonefile.deals).
RESERVED = ("pockets.yaml", "snapshot.yaml")
FRONT_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Two settlements this close under different names are one place written twice.
SAME_PLACE_M = 200.0


def load_control(directory: Path, geodata: Geodata) -> Control:
    """Read every control file in ``directory``; raise ZoneDataError listing
    every problem. A missing folder is no control data at all."""
    if not directory.is_dir():
        return Control(())
    try:
        files = data_files(directory, reserved=RESERVED)
    except OSError as exc:
        raise UsageError(
            f"The control folder {directory} cannot be listed ({exc})."
        ) from None
    problems: list[Problem] = []
    fronts: list[Front] = []
    seen_ids: dict[str, Mark] = {}
    for path in files:
        r = Reader(display_path(path), kind=CONTROL_FILE)
        try:
            data = read_capped(path, CONTROL_FILE)
        except UnreadableFileError as exc:
            r.error(Mark(r.path, 1, 1), str(exc))
            problems.extend(r.problems)
            continue
        front = _read_front(r, data, geodata)
        if front is not None:
            if front.front_id in seen_ids:
                r.error(
                    Mark(r.path, 1, 1),
                    f"front id '{front.front_id}' is already used at {seen_ids[front.front_id]}; each control file has its own",
                )
            else:
                seen_ids[front.front_id] = Mark(r.path, 1, 1)
                fronts.append(front)
        problems.extend(r.problems)
    _check_duplicates([s for f in fronts for s in f.settlements], problems)
    if problems:
        raise ZoneDataError(problems)
    return Control(tuple(fronts))


def _read_front(r: Reader, data: bytes, geodata: Geodata) -> Front | None:
    root = r.parse(data)
    if root is None:
        return None
    top = r.mapping(root, "a control file", **KEYS["control_file"])
    if top is None:
        return None
    front_id = r.text(top["front"], "'front'") if "front" in top else None
    if front_id and not FRONT_ID.match(front_id):
        r.error(
            top["front"],
            f"front id '{front_id}' should be lower-case words joined by hyphens, e.g. 'eastern-ghouta'",
        )
    title = r.text(top["title"], "'title'") if "title" in top else None
    covers = r.text(top["covers"], "'covers'") if "covers" in top else None
    horizon = r.date(top["horizon"], "'horizon'") if "horizon" in top else None
    citations = read_citations(r, top["sources"]) if "sources" in top else {}
    settlements: list[Settlement] = []
    used: set[str] = set()
    if "settlements" in top:
        for item in r.sequence(top["settlements"], "'settlements'", allow_empty=False):
            s = _settlement(r, item, geodata, citations, front_id or "?", horizon, used)
            if s is not None:
                settlements.append(s)
    if not (front_id and title and horizon):
        return None
    return Front(
        front_id,
        title,
        covers,
        horizon,
        tuple(settlements),
        horizon_mark=r.mark(top["horizon"]),
    )


def read_citations(r: Reader, node: Node) -> dict[str, tuple[Citation, Mark]]:
    out: dict[str, tuple[Citation, Mark]] = {}
    if not isinstance(node, MappingNode):
        r.error(node, "'sources' should be a mapping of keys to citations")
        return out
    for key_node, value in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not key or not FRONT_ID.match(str(key)):
            r.error(
                key_node,
                "a source key should be lower-case words and digits joined by hyphens",
            )
            continue
        if key in out:
            r.error(key_node, f"source key '{key}' is defined twice")
            continue
        fields = r.mapping(value, f"source '{key}'", **KEYS["control_source"])
        if fields is None or "title" not in fields:
            continue
        title = r.text(fields["title"], "'title'")
        publisher = (
            r.text(fields["publisher"], "'publisher'")
            if "publisher" in fields
            else None
        )
        day = r.date(fields["date"], "'date'") if "date" in fields else None
        url = read_url(r, fields["url"], "'url'") if "url" in fields else None
        read_at = (
            read_url(r, fields["read_at"], "'read_at'") if "read_at" in fields else None
        )
        if title:
            out[str(key)] = (
                Citation(str(key), title, publisher, day, url, read_at),
                r.mark(key_node),
            )
    return out


def cite(
    r: Reader, node: Node, citations: dict[str, tuple[Citation, Mark]], used: set[str]
) -> Citation | None:
    key = r.text(node, "a source key")
    if key is None:
        return None
    if key not in citations:
        r.error(
            node,
            f"source key '{key}' is not defined in this file's 'sources'{did_you_mean(key, citations)}",
        )
        return None
    used.add(key)
    return citations[key][0]


def cite_all(
    r: Reader, node: Node, citations: dict[str, tuple[Citation, Mark]], used: set[str]
) -> list[Citation]:
    """A 'sources' list of keys, each cited (an unknown key is a problem)."""
    return [
        c
        for n in r.sequence(node, "'sources'", allow_empty=False)
        if (c := cite(r, n, citations, used)) is not None
    ]


def _arabic_only(text: str) -> bool:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    return bool(letters) and all("ARABIC" in unicodedata.name(ch, "") for ch in letters)


def _settlement(
    r: Reader,
    node: Node,
    geodata: Geodata,
    citations: dict[str, tuple[Citation, Mark]],
    front: str,
    horizon: dt.date | None,
    used: set[str],
) -> Settlement | None:
    fields = r.mapping(node, "a settlement", **KEYS["settlement"])
    if fields is None:
        return None
    name = r.text(fields["name"], "'name'") if "name" in fields else None
    name_ar = r.text(fields["name_ar"], "'name_ar'") if "name_ar" in fields else None
    if name_ar and not _arabic_only(name_ar):
        r.error(
            fields["name_ar"],
            f"'name_ar' '{name_ar}' should be written in Arabic script only",
        )
        name_ar = None
    gov = (
        r.text(fields["governorate"], "'governorate'")
        if "governorate" in fields
        else None
    )
    if gov and gov not in geodata.governorate_codes:
        r.error(
            fields["governorate"],
            f"unknown governorate code '{gov}'{did_you_mean(gov, geodata.governorate_codes)}; expected one of: {', '.join(geodata.governorate_codes)}",
        )
        gov = None
    lat = r.number(fields["lat"], "'lat'") if "lat" in fields else None
    lon = r.number(fields["lon"], "'lon'") if "lon" in fields else None
    coords = cite(r, fields["coords"], citations, used) if "coords" in fields else None
    geonames = (
        whole(r, fields["geonames"], "'geonames'", minimum=1, maximum=INT32_MAX)
        if "geonames" in fields
        else None
    )
    if lat is not None and lon is not None and gov is not None:
        _check_place(r, fields["lat"], lon, lat, gov, geodata)
    history = (
        _history(r, fields["control"], citations, horizon, used)
        if "control" in fields
        else []
    )
    if None in (name, name_ar, gov, lat, lon, coords) or not history:
        return None
    assert name and name_ar and gov and lat is not None and lon is not None and coords
    return Settlement(
        r.mark(node), front, name, name_ar, gov, lon, lat, coords,
        int(geonames) if geonames else None, spells_from_facts(history),
        facts=tuple(history),
    )  # fmt: skip


def _check_place(
    r: Reader, node: Node, lon: float, lat: float, gov: str, geodata: Geodata
) -> None:
    import shapely

    point = shapely.Point(lon, lat)
    syria = geodata.syria
    shapely.prepare(syria)  # many points are tested against the same shapes
    # Border towns' points (GeoNames) may fall a little across Natural Earth's
    # line: up to about 2.5 km is accepted.
    if not syria.covers(point) and syria.distance(point) > 0.025:
        swapped = geodata.syria.covers(shapely.Point(lat, lon))
        r.error(
            node,
            f"({lat}, {lon}) lies outside Syria"
            + (
                " (the numbers look swapped: lat is north, lon is east)"
                if swapped
                else ""
            ),
        )
        return
    # Settlements on a governorate border may be written either side: 2 km slack.
    # Quneitra's towns include those in the UNDOF area of separation.
    shape = geodata.governorates[gov].geometry
    shapely.prepare(shape)
    if gov == "SY-QU" and "SY-UNDOF" in geodata.governorates:
        shape = shape.union(geodata.governorates["SY-UNDOF"].geometry)
    if not shape.covers(point) and shape.distance(point) > 0.02:
        inside = [
            c
            for c in geodata.governorate_codes
            if geodata.governorates[c].geometry.covers(point)
        ]
        r.error(
            node,
            f"({lat}, {lon}) lies outside its stated governorate {gov}"
            + (f", in {inside[0]}" if inside else ""),
        )


def _history(
    r: Reader,
    node: Node,
    citations: dict[str, tuple[Citation, Mark]],
    horizon: dt.date | None,
    used: set[str],
) -> list[Fact]:
    """The settlement's facts, in date order: changes ('from') and attestations
    ('attested'). Two facts on one day, a change to the side it already held, a
    change from a side it was not held by and an attestation that contradicts
    the change before it are problems, each naming the sources on both sides."""
    out: list[Fact] = []
    for item in r.sequence(node, "'control'", allow_empty=False):
        fact = _fact(r, item, citations, horizon, used)
        if fact is None:
            continue
        if out and fact.day <= out[-1].day:
            if fact.day == out[-1].day and fact.side != out[-1].side:
                r.error(
                    fact.mark,
                    f"two entries on {fact.day} give different sides ('{out[-1].side}' at {out[-1].mark}, from {_names(out[-1])}; '{fact.side}' here, from {_names(fact)}); keep the one the sources support and move the other to a note",
                )
            else:
                r.error(
                    fact.mark,
                    f"{_word(fact)} {fact.day} is not after the previous entry's {out[-1].day}; list a settlement's control in date order, one entry per change",
                )
            continue
        _check_against(r, fact, out)
        out.append(fact)
    return out


def _word(fact: Fact) -> str:
    return "'from'" if fact.kind == "change" else "'attested'"


def _names(fact: Fact) -> str:
    return ", ".join(c.key for c in fact.sources)


def _check_against(r: Reader, fact: Fact, before: list[Fact]) -> None:
    """A fact that contradicts what the facts before it say."""
    if not before:
        return
    held = before[-1].side
    last = before[-1]
    if fact.kind == "change" and fact.side == held:
        r.error(
            fact.mark,
            f"'{fact.side}' already held it from {last.day} ({_names(last)}); an entry with 'from' records a change of holder (use 'attested' for a report that it still held it)",
        )
    elif fact.kind == "change" and fact.was is not None and fact.was != held:
        r.error(
            fact.mark,
            f"this change is from '{fact.was}', but '{held}' held it from {last.day} ({_names(last)} at {last.mark}; this entry: {_names(fact)})",
        )
    elif fact.kind == "attested" and fact.side != held:
        r.error(
            fact.mark,
            f"this says '{fact.side}' held it on {fact.day} ({_names(fact)}), but '{held}' held it from {last.day} ({_names(last)} at {last.mark}); add the change between them, or correct one",
        )


def _fact(
    r: Reader,
    item: Node,
    citations: dict[str, tuple[Citation, Mark]],
    horizon: dt.date | None,
    used: set[str],
) -> Fact | None:
    fields = r.mapping(item, "a control entry", **KEYS["control_entry"])
    if fields is None:
        return None
    if ("from" in fields) == ("attested" in fields):
        r.error(
            item,
            "a control entry needs either 'from' (the day the side took it) or 'attested' (a day a source says the side held it), not "
            + ("both" if "from" in fields else "neither"),
        )
        return None
    kind = "change" if "from" in fields else "attested"
    when = fields["from"] if kind == "change" else fields["attested"]
    day = r.date(when, "'from'" if kind == "change" else "'attested'")
    side = r.choice(fields["side"], "'side'", SIDES) if "side" in fields else None
    was = r.choice(fields["was"], "'was'", SIDES) if "was" in fields else None
    if "was" in fields and kind != "change":
        r.error(
            fields["was"],
            "'was' belongs to a change ('from'), not to an attestation ('attested')",
        )
        was = None
    if was is not None and was == side:
        r.error(
            fields["was"],
            f"'was' and 'side' are both '{side}'; a change passes a place from one side to another",
        )
        was = None
    sources = cite_all(r, fields["sources"], citations, used)
    note = r.text(fields["note"], "'note'") if "note" in fields else None
    if day is None or side is None or not sources:
        return None
    if horizon and day > horizon:
        r.error(
            when,
            f"'{'from' if kind == 'change' else 'attested'}' {day} is after the file's horizon {horizon}; move the horizon or the entry",
        )
        return None
    return Fact(r.mark(item), day, kind, side, was, tuple(sources), note)


def _check_duplicates(settlements: list[Settlement], problems: list[Problem]) -> None:
    """Two settlements within 200 m under different names, or one name twice
    within 200 m, are one place written twice. Each cluster of such
    settlements is reported once, at its second, however many it holds."""
    cell = 0.01  # degrees; neighbours are looked up in the 3x3 cells around
    # Per cell, the settlements a newcomer is measured against: each cluster's
    # first few members (enough to find what lies near it), never all of a
    # thousand written at one point.
    grid: dict[tuple[int, int], list[int]] = {}
    clusters: list[list[Settlement]] = []
    kept: list[int] = []  # per cluster, members placed in the grid
    for s in settlements:
        key = (int(math.floor(s.lon / cell)), int(math.floor(s.lat / cell)))
        joined = next(
            (
                c
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for c in grid.get((key[0] + dx, key[1] + dy), [])
                if any(
                    _metres(s, m) <= SAME_PLACE_M
                    for m in clusters[c][:_MEASURED_PER_CLUSTER]
                )
            ),
            None,
        )
        if joined is None:
            joined = len(clusters)
            clusters.append([])
            kept.append(0)
        clusters[joined].append(s)
        if kept[joined] < _MEASURED_PER_CLUSTER:
            kept[joined] += 1
            cells = grid.setdefault(key, [])
            if joined not in cells:
                cells.append(joined)
    for members in clusters:
        if len(members) > 1:
            problems.append(_duplicate_problem(members))


# Members of a cluster that newcomers are measured against, and named in its problem.
_MEASURED_PER_CLUSTER = 8
_NAMED = 5


def _duplicate_problem(members: list[Settlement]) -> Problem:
    first, second, rest = members[0], members[1], members[2:]
    message = (
        f"'{second.name}' lies {_metres(second, first):.0f} m from '{first.name}' at "
        f"{first.mark}"
    )
    if not rest:
        return Problem(
            second.mark, f"{message}; one place written twice? Keep one entry"
        )
    named = ", ".join(f"'{m.name}' at {m.mark}" for m in rest[:_NAMED])
    more = f" and {len(rest) - _NAMED:,} more" if len(rest) > _NAMED else ""
    return Problem(
        second.mark,
        f"{message}, and {len(rest):,} more settlements lie within 200 m of them "
        f"({named}{more}); "
        f"one place written {len(members):,} times? Keep one entry",
    )


def _metres(a: Settlement, b: Settlement) -> float:
    mean_lat = math.radians((a.lat + b.lat) / 2)
    dx = math.radians(a.lon - b.lon) * math.cos(mean_lat) * 6_371_000
    dy = math.radians(a.lat - b.lat) * 6_371_000
    return math.hypot(dx, dy)

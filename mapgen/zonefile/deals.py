"""Read ``zones/control/pockets.yaml`` (whole-pocket deals) and
``zones/control/snapshot.yaml`` (the date of the Wikipedia map's snapshot).

A pocket deal is one fact over many settlements: "every settlement held by
``from`` inside the pocket passes to ``to`` on ``date``", where the pocket is
given by the settlements the sources name in it (``mapgen.histories``). The
snapshot file dates the gazetteer: events the map already shows and events it
does not yet show, each with its sources, bracket the day it attests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from yaml.nodes import MappingNode, Node

from mapgen.errors import Mark, Problem
from mapgen.histories import Pocket, PocketPlace, Snapshot
from mapgen.model import SIDES, Citation
from mapgen.zonefile._yaml import Reader
from mapgen.zonefile.control import FRONT_ID, cite_all, read_citations
from mapgen.zonefile.files import (
    CONTROL_FILE,
    UnreadableFileError,
    display_path,
    read_capped,
)
from mapgen.zonefile.keys import KEYS

POCKETS = "pockets.yaml"
SNAPSHOT = "snapshot.yaml"
# The key in snapshot.yaml's sources that names the map itself.
MAP_SOURCE = "wikimap"


def _open(path: Path) -> tuple[Reader, Node | None]:
    r = Reader(display_path(path), kind=CONTROL_FILE)
    try:
        data = read_capped(path, CONTROL_FILE)
    except UnreadableFileError as exc:
        r.error(Mark(r.path, 1, 1), str(exc))
        return r, None
    return r, r.parse(data)


def read_pockets(directory: Path) -> tuple[list[Pocket], list[Problem]]:
    """The pocket deals in ``directory/pockets.yaml`` (none without the file)."""
    path = directory / POCKETS
    if not path.exists() and not path.is_symlink():
        return [], []
    r, root = _open(path)
    if root is None:
        return [], r.problems
    top = r.mapping(root, "the pockets file", **KEYS["pockets_file"])
    if top is None:
        return [], r.problems
    citations = read_citations(r, top["sources"]) if "sources" in top else {}
    used: set[str] = set()
    out: list[Pocket] = []
    seen: dict[str, Mark] = {}
    for item in r.sequence(top["pockets"], "'pockets'", allow_empty=False):
        pocket = _pocket(r, item, citations, used)
        if pocket is None:
            continue
        if pocket.pocket_id in seen:
            r.error(
                pocket.mark,
                f"pocket id '{pocket.pocket_id}' is already used at {seen[pocket.pocket_id]}",
            )
            continue
        seen[pocket.pocket_id] = pocket.mark
        out.append(pocket)
    return out, r.problems


def _pocket(
    r: Reader,
    item: Node,
    citations: dict[str, tuple[Citation, Mark]],
    used: set[str],
) -> Pocket | None:
    f = r.mapping(item, "a pocket", **KEYS["pocket"])
    if f is None:
        return None
    pocket_id = r.text(f["id"], "'id'")
    if pocket_id and not FRONT_ID.match(pocket_id):
        r.error(
            f["id"],
            f"pocket id '{pocket_id}' should be lower-case words joined by hyphens",
        )
        pocket_id = None
    name = r.text(f["name"], "'name'")
    day = r.date(f["date"], "'date'")
    losing = [
        side
        for n in r.sequence(f["from"], "'from'", allow_empty=False)
        if (side := r.choice(n, "a side in 'from'", SIDES)) is not None
    ]
    to = r.choice(f["to"], "'to'", SIDES)
    if to is not None and to in losing:
        r.error(
            f["to"],
            f"'to' is '{to}', which is also in 'from'; a deal passes the pocket from one side to another",
        )
        to = None
    places = [
        p
        for n in r.sequence(f["settlements"], "'settlements'", allow_empty=False)
        if (p := _place(r, n)) is not None
    ]
    sources = cite_all(r, f["sources"], citations, used)
    note = r.text(f["note"], "'note'") if "note" in f else None
    dates = r.text(f["dates"], "'dates'") if "dates" in f else None
    reach = (
        r.number(f["reach_km"], "'reach_km'", minimum=0.5, maximum=50)
        if "reach_km" in f
        else None
    )
    if not (pocket_id and name and day and losing and to and places and sources):
        return None
    return Pocket(
        r.mark(item),
        pocket_id,
        name,
        day,
        tuple(losing),
        to,
        tuple(places),
        tuple(sources),
        " ".join(x for x in (dates, note) if x) or None,
        float(reach) if reach is not None else None,
    )


def _place(r: Reader, node: Node) -> PocketPlace | None:
    f = r.mapping(node, "a pocket's settlement", **KEYS["pocket_place"])
    if f is None:
        return None
    name = r.text(f["name"], "'name'")
    lat = r.number(f["lat"], "'lat'", minimum=32, maximum=37.5) if "lat" in f else None
    lon = (
        r.number(f["lon"], "'lon'", minimum=35.5, maximum=42.5) if "lon" in f else None
    )
    if ("lat" in f) != ("lon" in f):
        r.error(node, "give both 'lat' and 'lon', or neither")
        return None
    if name is None:
        return None
    return PocketPlace(
        r.mark(node),
        name,
        float(lon) if lon is not None else None,
        float(lat) if lat is not None else None,
    )


def read_snapshot(directory: Path) -> tuple[Snapshot | None, list[Problem]]:
    """The snapshot's attestation day, checked against its bracketing events."""
    path = directory / SNAPSHOT
    if not path.exists() and not path.is_symlink():
        return None, []
    r, root = _open(path)
    if root is None:
        return None, r.problems
    top = r.mapping(root, "the snapshot file", **KEYS["snapshot_file"])
    if top is None:
        return None, r.problems
    citations = read_citations(r, top["sources"])
    used: set[str] = set()
    attested = r.date(top["attested_on"], "'attested_on'")
    window = r.mapping(top["window"], "'window'", **KEYS["snapshot_window"])
    shows = r.date(window["shows_up_to"], "'shows_up_to'") if window else None
    not_yet = r.date(window["not_yet"], "'not_yet'") if window else None
    r.text(top["basis"], "'basis'")
    if MAP_SOURCE not in citations:
        r.error(
            top["sources"],
            f"the sources need '{MAP_SOURCE}': the map whose snapshot this dates",
        )
        return None, r.problems
    used.add(MAP_SOURCE)
    fronts = (
        _front_windows(r, window["fronts"]) if window and "fronts" in window else {}
    )
    events = list(r.sequence(top["events"], "'events'", allow_empty=False))
    for item in events:
        _event(r, item, citations, used, (shows, not_yet), fronts)
    if attested and shows and not_yet and not shows <= attested < not_yet:
        r.error(
            top["attested_on"],
            f"'attested_on' {attested} is outside the window its events support ({shows} to the day before {not_yet})",
        )
    if not (attested and shows and not_yet):
        return None, r.problems
    return Snapshot(attested, citations[MAP_SOURCE][0], (shows, not_yet)), r.problems


_Window = tuple[dt.date | None, dt.date | None]


def _front_windows(r: Reader, node: Node) -> dict[str, _Window]:
    """Windows of fronts on which the map lags or leads the whole."""
    out: dict[str, _Window] = {}
    if not isinstance(node, MappingNode):
        r.error(node, "'fronts' should be a mapping of front names to windows")
        return out
    for key, value in node.value:
        f = r.mapping(
            value, f"the window of front '{key.value}'", **KEYS["front_window"]
        )
        if f is None:
            continue
        out[str(key.value)] = (
            r.date(f["shows_up_to"], "'shows_up_to'"),
            r.date(f["not_yet"], "'not_yet'"),
        )
    return out


def _event(
    r: Reader,
    item: Node,
    citations: dict[str, tuple[Citation, Mark]],
    used: set[str],
    whole: _Window,
    fronts: dict[str, _Window],
) -> None:
    f = r.mapping(item, "a bracketing event", **KEYS["snapshot_event"])
    if f is None:
        return
    front = r.text(f["front"], "'front'") if "front" in f else None
    if front is not None and front not in fronts:
        r.error(f["front"], f"front '{front}' has no window under 'window: fronts:'")
    shows, not_yet = fronts.get(front or "", whole)
    day = r.date(f["date"], "'date'")
    r.text(f["place"], "'place'")
    r.choice(f["side"], "'side'", SIDES)
    shown = r.choice(f["shown"], "'shown'", ("true", "false"))
    cite_all(r, f["sources"], citations, used)
    if day is None or shown is None:
        return
    if shown == "true" and shows is not None and day > shows:
        r.error(
            f["date"],
            f"the map shows this event of {day}, after 'shows_up_to' {shows}; move the window",
        )
    if shown == "false" and not_yet is not None and day < not_yet:
        r.error(
            f["date"],
            f"the map does not yet show this event of {day}, before 'not_yet' {not_yet}; move the window",
        )

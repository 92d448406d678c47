"""Readers for a zone's ``derived`` rule and its lifecycle ``events``."""

from __future__ import annotations

from yaml.nodes import Node

from mapgen.model import SIDES, Band, Event, Part, Slice
from mapgen.zonefile._fields import read_outline, read_sources
from mapgen.zonefile._numbers import distance, whole
from mapgen.zonefile._yaml import Reader
from mapgen.zonefile.keys import KEYS

EVENT_STAGES = ("maps-agreed", "in-force")
# Syria is about 800 km across: a wider strip is a typing slip, and the
# geometry library fails on widths far beyond the map.
BAND_MAX_KM = 500.0
BAND_WHY = "a strip along a front line, not wider than Syria"
# Equal-area slices of one zone; each slice is one more cut of the zone.
MAX_PARTS = 100


def read_derivation(r: Reader, node: Node) -> Band | Slice | None:
    fields = r.mapping(node, "'derived'", **KEYS["derived"])
    if fields is None or "from" not in fields:
        return None
    base = r.text(fields["from"], "'from'")
    if ("band" in fields) == ("slice" in fields):
        r.error(
            node,
            "'derived' needs exactly one rule: 'band' (a strip along the front line) or 'slice' (one of several equal-area slices)",
        )
        return None
    if base is None:
        return None
    if "band" in fields:
        return _band(r, fields["band"], base)
    return _slice(r, fields["slice"], base)


def _band(r: Reader, node: Node, base: str) -> Band | None:
    fields = r.mapping(
        node,
        "'band'",
        **KEYS["band"],
    )
    if fields is None:
        return None
    lo, hi, inner = (
        distance(r, fields[key], f"'{key}'", maximum=BAND_MAX_KM, why=BAND_WHY)
        if key in fields
        else None
        for key in ("min_km", "max_km", "inner_edge_km")
    )
    basis = r.text(fields["basis"], "'basis'") if "basis" in fields else None
    ok = True
    for key, value in (("min_km", lo), ("max_km", hi), ("inner_edge_km", inner)):
        if value is not None and value <= 0:
            r.error(
                fields[key],
                f"'{key}' should be a positive width in km, found {value:g}",
            )
            ok = False
    if lo is not None and hi is not None and lo > hi:
        r.error(
            fields["min_km"],
            f"'min_km' {lo:g} is more than 'max_km' {hi:g}; the band's width runs from min_km to max_km",
        )
        ok = False
    elif ok and None not in (lo, hi, inner) and not (lo <= inner <= hi):  # type: ignore[operator]
        r.error(
            fields["inner_edge_km"],
            f"'inner_edge_km' {inner:g} should lie between 'min_km' {lo:g} and 'max_km' {hi:g}",
        )
        ok = False
    not_along: list[Part] = []
    if "not_along" in fields:
        for item in r.sequence(fields["not_along"], "'not_along'"):
            part = _area(r, item)
            if part is not None:
                not_along.append(part)
    facing = (
        r.choice(fields["facing"], "'facing'", SIDES) if "facing" in fields else None
    )
    if not ok or lo is None or hi is None or inner is None or basis is None:
        return None
    return Band(r.mark(node), base, lo, hi, inner, basis, tuple(not_along), facing)


def _area(r: Reader, node: Node) -> Part | None:
    fields = r.mapping(node, "a 'not_along' area", **KEYS["area"])
    if fields is None or "outline" not in fields or "basis" not in fields:
        return None
    outline = read_outline(r, fields["outline"])
    basis = r.text(fields["basis"], "'basis'")
    if len(outline) < 3 or basis is None:
        return None
    return Part(r.mark(node), None, (), 0.0, tuple(outline), basis)


def _slice(r: Reader, node: Node, base: str) -> Slice | None:
    fields = r.mapping(node, "'slice'", **KEYS["slice"])
    if fields is None:
        return None
    bearing = (
        r.number(fields["bearing_deg"], "'bearing_deg'")
        if "bearing_deg" in fields
        else None
    )
    parts = (
        whole(r, fields["parts"], "'parts'", minimum=2, maximum=MAX_PARTS)
        if "parts" in fields
        else None
    )
    index = (
        whole(r, fields["index"], "'index'", minimum=1, maximum=MAX_PARTS)
        if "index" in fields
        else None
    )
    basis = r.text(fields["basis"], "'basis'") if "basis" in fields else None
    if bearing is not None and not 0 <= bearing < 360:
        r.error(
            fields["bearing_deg"],
            f"'bearing_deg' should be a compass bearing from 0 to 360, found {bearing:g}",
        )
        return None
    if parts is not None and index is not None and index > parts:
        r.error(
            fields["index"],
            f"'index' {index:g} is more than 'parts' {parts:g}; slices count from 1",
        )
        return None
    if bearing is None or parts is None or index is None or basis is None:
        return None
    return Slice(r.mark(node), base, bearing, int(parts), int(index), basis)


def read_events(r: Reader, node: Node) -> tuple[Event, ...]:
    out: list[Event] = []
    for item in r.sequence(node, "'events'"):
        fields = r.mapping(item, "an event", **KEYS["event"])
        if fields is None:
            continue
        stage = (
            r.choice(fields["stage"], "'stage'", EVENT_STAGES)
            if "stage" in fields
            else None
        )
        day = r.date(fields["date"], "an event's 'date'") if "date" in fields else None
        note = r.text(fields["note"], "'note'") if "note" in fields else None
        sources = (
            read_sources(r, fields["sources"], "an event's 'sources'")
            if "sources" in fields
            else ()
        )
        if out and day is not None and day < out[-1].date:
            r.error(
                fields["date"],
                f"events should be in date order; {day} comes after {out[-1].date}",
            )
            continue
        if stage is not None and day is not None:
            out.append(Event(stage, day, note, sources))
    return tuple(out)

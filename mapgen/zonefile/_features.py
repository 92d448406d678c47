"""Readers for what an agreement holds besides zones: observation posts, routes
and obligations (each checked where it is read; cross-file checks in load)."""

from __future__ import annotations

import datetime as dt
import re

import shapely
from yaml.nodes import Node

from mapgen.errors import Mark
from mapgen.geodata.extracts import Geodata, Town
from mapgen.model import PRECISIONS, STATUSES, AgreementRef, Obligation, Post, Route
from mapgen.zonefile._fields import read_part, read_sources, read_town
from mapgen.zonefile._numbers import whole
from mapgen.zonefile._yaml import Reader
from mapgen.zonefile.keys import KEYS

# Observation posts are numbered from 1 by the agreement that sets them up.
MAX_POST_NUMBER = 9_999
FEATURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _feature_id(r: Reader, node: Node, what: str) -> str | None:
    value = r.text(node, what)
    if value is not None and not FEATURE_ID.match(value):
        r.error(
            node,
            f"{what} '{value}' should be lower-case words joined by hyphens, e.g. 'm4-highway'",
        )
        return None
    return value


def read_posts(
    r: Reader, node: Node, geodata: Geodata, ref: AgreementRef | None
) -> list[Post]:
    out: list[Post] = []
    for item in r.sequence(node, "'posts'"):
        fields = r.mapping(
            item,
            "an observation post",
            **KEYS["post"],
        )
        if fields is None:
            continue
        post_id = (
            _feature_id(r, fields["id"], "a post 'id'") if "id" in fields else None
        )
        number = (
            whole(r, fields["number"], "'number'", minimum=1, maximum=MAX_POST_NUMBER)
            if "number" in fields
            else None
        )
        name = r.text(fields["name"], "'name'") if "name" in fields else None
        established = (
            r.date(fields["established"], "'established'")
            if "established" in fields
            else None
        )
        reported = (
            r.text(fields["established_as_reported"], "'established_as_reported'")
            if "established_as_reported" in fields
            else None
        )
        precision = (
            r.choice(fields["precision"], "'precision'", PRECISIONS)
            if "precision" in fields
            else None
        )
        note = (
            r.text(fields["precision_note"], "'precision_note'")
            if "precision_note" in fields
            else None
        )
        sources = (
            read_sources(r, fields["sources"], "a post's 'sources'")
            if "sources" in fields
            else ()
        )
        notes = r.text(fields["notes"], "'notes'") if "notes" in fields else None
        if ref is not None and established is not None and established < ref.date:
            r.error(
                fields["established"],
                f"'established' {established} is before the agreement's date {ref.date}",
            )
            continue
        lon = lat = None
        near = None
        has_point = "lon" in fields or "lat" in fields
        if has_point == ("near" in fields):
            r.error(
                item,
                "a post needs either 'lon' and 'lat' or 'near' (where to draw a post whose position is unknown)",
            )
            continue
        if has_point:
            if "lon" not in fields or "lat" not in fields:
                r.error(item, "a post needs both 'lon' and 'lat'")
                continue
            lon = r.number(fields["lon"], "'lon'")
            lat = r.number(fields["lat"], "'lat'")
            if lon is None or lat is None:
                continue
            if not geodata.syria.covers(shapely.Point(lon, lat)):
                hint = (
                    " (the numbers look swapped)"
                    if geodata.syria.covers(shapely.Point(lat, lon))
                    else ""
                )
                r.error(
                    fields["lon"],
                    f"post '{name}' at lon {lon:g}, lat {lat:g} is outside Syria{hint}; observation posts must lie inside the country",
                )
                continue
        else:
            near = read_part(r, fields["near"], geodata, None, include=True)
            if near is None:
                continue
        if (
            None in (post_id, number, name, established, reported, precision)
            or not sources
        ):
            continue
        if ref is None or established is None:
            continue  # the agreement's own date or title is missing, reported there
        out.append(
            Post(
                r.mark(item),
                str(post_id),
                int(number or 0),
                str(name),
                ref,
                established,
                str(reported),
                lon,
                lat,
                near,
                str(precision),
                note,
                sources,
                notes,
            )
        )
    return out


def read_routes(
    r: Reader, node: Node, geodata: Geodata, ref: AgreementRef | None
) -> list[Route]:
    out: list[Route] = []
    for item in r.sequence(node, "'routes'"):
        fields = r.mapping(
            item,
            "a route",
            **KEYS["route"],
        )
        if fields is None:
            continue
        route_id = (
            _feature_id(r, fields["id"], "a route 'id'") if "id" in fields else None
        )
        name = r.text(fields["name"], "'name'") if "name" in fields else None
        towns: list[Town] = []
        if "towns" in fields:
            entries = r.sequence(fields["towns"], "'towns'", allow_empty=False)
            for entry in entries:
                town = read_town(r, entry, geodata, geodata.governorate_codes)
                if town is not None:
                    towns.append(town)
            if len(entries) == 1:
                r.error(
                    fields["towns"],
                    "a route needs at least two towns, in order along the road",
                )
        valid_from = (
            r.date(fields["valid_from"], "'valid_from'")
            if "valid_from" in fields
            else None
        )
        valid_to = None
        if "valid_to" in fields and not r.is_null(fields["valid_to"]):
            valid_to = r.date(fields["valid_to"], "'valid_to'")
        precision = (
            r.choice(fields["precision"], "'precision'", PRECISIONS)
            if "precision" in fields
            else None
        )
        note = (
            r.text(fields["precision_note"], "'precision_note'")
            if "precision_note" in fields
            else None
        )
        sources = (
            read_sources(r, fields["sources"], "a route's 'sources'")
            if "sources" in fields
            else ()
        )
        notes = r.text(fields["notes"], "'notes'") if "notes" in fields else None
        if (
            None in (route_id, name, valid_from, precision)
            or len(towns) < 2
            or not sources
        ):
            continue
        if ref is None or valid_from is None:
            continue  # the agreement's own date or title is missing, reported there
        out.append(
            Route(
                r.mark(item),
                str(route_id),
                str(name),
                ref,
                tuple(towns),
                valid_from,
                valid_to,
                str(precision),
                note,
                sources,
                notes,
            )
        )
    return out


def read_obligations(
    r: Reader, node: Node, ref: AgreementRef | None
) -> list[tuple[Obligation, dict[str, Mark]]]:
    """Obligations with the nodes of the ids they concern, checked later."""
    out: list[tuple[Obligation, dict[str, Mark]]] = []
    for item in r.sequence(node, "'obligations'"):
        fields = r.mapping(
            item,
            "an obligation",
            **KEYS["obligation"],
        )
        if fields is None:
            continue
        ob_id = (
            _feature_id(r, fields["id"], "an obligation 'id'")
            if "id" in fields
            else None
        )
        what = r.text(fields["what"], "'what'") if "what" in fields else None
        due = r.date(fields["due"], "'due'") if "due" in fields else None
        status = (
            r.choice(fields["status"], "'status'", STATUSES)
            if "status" in fields
            else None
        )
        outcome = (
            r.text(fields["outcome"], "'outcome'") if "outcome" in fields else None
        )
        sources = (
            read_sources(r, fields["sources"], "an obligation's 'sources'")
            if "sources" in fields
            else ()
        )
        concerns: dict[str, Mark] = {}
        if "concerns" in fields:
            for c in r.sequence(fields["concerns"], "'concerns'", allow_empty=False):
                value = r.text(c, "a zone or route id")
                if value is not None:
                    concerns[value] = r.mark(c)
        if ref is not None and due is not None and due < ref.date:
            r.error(
                fields["due"],
                f"obligation due {due} is before its agreement's date {ref.date}; an obligation falls due on or after the agreement that made it",
            )
            continue
        if (
            None in (ob_id, what, due, status)
            or not sources
            or not concerns
            or ref is None
        ):
            continue
        assert isinstance(due, dt.date)
        out.append(
            (
                Obligation(
                    r.mark(item),
                    str(ob_id),
                    str(what),
                    ref,
                    due,
                    tuple(concerns),
                    str(status),
                    outcome,
                    sources,
                ),
                concerns,
            )
        )
    return out

"""Load and validate ``zones/*.yaml`` into typed agreements and zone versions.

Every problem in every file is collected and raised together as one
:class:`~mapgen.errors.ZoneDataError`, each as ``path:line:col: message``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapgen.errors import Mark, Problem, UsageError, ZoneDataError
from mapgen.geodata.extracts import Geodata
from mapgen.histories import assemble
from mapgen.model import (
    FATES,
    KINDS,
    PRECISIONS,
    SIDES,
    Agreement,
    AgreementRef,
    AtlasData,
    Band,
    Control,
    Event,
    Extent,
    Figure,
    Slice,
    Source,
    ZoneVersion,
)
from mapgen.zonefile._derived import read_derivation, read_events
from mapgen.zonefile._features import read_obligations, read_posts, read_routes
from mapgen.zonefile._fields import (
    gov_hint,
    read_part,
    read_sources,
)
from mapgen.zonefile._listing import listing
from mapgen.zonefile._numbers import whole
from mapgen.zonefile._yaml import Reader, did_you_mean
from mapgen.zonefile.bibliography import read_bibliography
from mapgen.zonefile.control import CONTROL_DIR, load_control
from mapgen.zonefile.deals import read_pockets, read_snapshot
from mapgen.zonefile.files import (
    ZONE_FILE,
    UnreadableFileError,
    data_files,
    display_path,
    read_capped,
)
from mapgen.zonefile.keys import KEYS

# A zone's people, fighters or families: more than any country's population is
# a typing slip (and would not fit the GIS exports' integer fields).
MAX_PEOPLE = 100_000_000
ZONE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class _ZoneFields:
    """What a zone entry says, each value typed as the model wants it; None
    where the key is absent or its value had a problem (reported already)."""

    name: str | None = None
    kind: str | None = None
    governorates: tuple[str, ...] = ()
    extent: Extent | None = None
    derived: Band | Slice | None = None
    has_derived: bool = False
    events: tuple[Event, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    fate: str | None = None
    fate_note: str | None = None
    precision: str | None = None
    precision_note: str | None = None
    guarantors: tuple[str, ...] | None = None
    population: tuple[Figure, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: str | None = None
    agreement: AgreementRef | None = None
    held_by: tuple[str, ...] = ()


@dataclass
class _Draft:
    """A zone entry read from one file, before cross-file checks."""

    mark: Mark
    id_mark: Mark
    zone_id: str
    revises: bool
    fields: _ZoneFields


def load_atlas(zones_dir: Path, geodata: Geodata) -> AtlasData:
    """Read every agreement file in ``zones_dir``; raise ZoneDataError on any problem."""
    atlas, problems = read_atlas(zones_dir, geodata)
    if problems:
        raise ZoneDataError(problems)
    return atlas


def read_atlas(zones_dir: Path, geodata: Geodata) -> tuple[AtlasData, list[Problem]]:
    """Read every agreement file in ``zones_dir``: the atlas of everything that
    read cleanly, and every problem found (so that later checks can run on what
    loaded and all problems are reported at once)."""
    if not zones_dir.exists():
        raise UsageError(f"The zones directory {zones_dir} does not exist.")
    if not zones_dir.is_dir():
        raise UsageError(
            f"{zones_dir} is not a folder; give the folder that holds the zone files."
        )
    try:
        files = data_files(zones_dir)
    except OSError as exc:
        raise UsageError(
            f"The zones directory {zones_dir} cannot be listed ({os.strerror(exc.errno or 0)})."
        ) from None
    if not files:
        raise UsageError(
            f"The zones directory {zones_dir} holds no *.yaml or *.yml files."
        )
    bibliography, problems = read_bibliography(zones_dir)
    parsed: list[tuple[Agreement, list[_Draft]]] = []
    references: list[tuple[str, Mark]] = []
    declared: list[str] = []
    for path in files:
        reader = Reader(
            display_path(path),
            sources=bibliography or {},
            bibliography_unreadable=bibliography is None,
        )
        result = _read_agreement(reader, path, geodata)
        problems.extend(reader.problems)
        if result is not None:
            parsed.append(result[:2])
            references.extend(result[2])
            declared.extend(result[3])
    versions = _link_versions(parsed, problems)
    agreements_read = [a for a, _ in parsed]
    _check_feature_ids(agreements_read, versions, references, set(declared), problems)
    _check_post_numbers(agreements_read, problems)
    by_slug: dict[str, list[ZoneVersion]] = {}
    for v in versions:
        by_slug.setdefault(v.agreement.slug, []).append(v)
    agreements = tuple(
        sorted(
            (replace(a, zones=tuple(by_slug.get(a.slug, []))) for a, _ in parsed),
            key=lambda a: (a.date, a.slug),
        )
    )
    control = _control(zones_dir / CONTROL_DIR, geodata, problems)
    _check_horizons(control, agreements, problems)
    atlas = AtlasData(
        control=control,
        agreements=agreements,
        versions=tuple(versions),
        posts=tuple(
            sorted((p for a in agreements for p in a.posts), key=lambda p: p.number)
        ),
        routes=tuple(r for a in agreements for r in a.routes),
        obligations=tuple(o for a in agreements for o in a.obligations),
    )
    return atlas, problems


def _control(directory: Path, geodata: Geodata, problems: list[Problem]) -> Control:
    """The curated fronts, the map's snapshot and the pocket deals, assembled
    into every settlement's history (mapgen.histories)."""
    try:
        curated = load_control(directory, geodata)
    except ZoneDataError as exc:
        problems.extend(exc.problems)
        return Control(())
    if not curated.fronts:
        return curated
    pockets, found = read_pockets(directory)
    problems.extend(found)
    snapshot, found = read_snapshot(directory)
    problems.extend(found)
    places, found = geodata.wikimap
    problems.extend(found)
    control, found, warnings = assemble(curated, places, snapshot, pockets)
    problems.extend(found)
    return replace(control, warnings=tuple(warnings))


def _check_horizons(
    control: Control, agreements: tuple[Agreement, ...], problems: list[Problem]
) -> None:
    """The earliest horizon is the one all control data is kept to: one before
    the first agreement would leave every zone that follows the ground with
    no ground at all."""
    if not agreements:
        return
    first = agreements[0]
    for front in control.fronts:
        if front.horizon < first.date and front.horizon_mark is not None:
            problems.append(
                Problem(
                    front.horizon_mark,
                    f"the horizon {front.horizon} is before the atlas's first "
                    f"agreement ({first.date}, {first.title}): all control data "
                    "is kept to the earliest horizon, so no zone could follow the "
                    f"ground; give the date the data is complete to, {first.date} "
                    "or later",
                )
            )


def _check_post_numbers(agreements: list[Agreement], problems: list[Problem]) -> None:
    """Observation posts are numbered in order of establishment, once each."""
    seen: dict[int, Mark] = {}
    for a in sorted(agreements, key=lambda a: (a.date, a.slug)):
        for post in a.posts:
            if post.number in seen:
                problems.append(
                    Problem(
                        post.mark,
                        f"post number {post.number} is already used at {seen[post.number]}; each observation post has its own number in order of establishment",
                    )
                )
            else:
                seen[post.number] = post.mark


def _check_feature_ids(
    agreements: list[Agreement],
    versions: list[ZoneVersion],
    references: list[tuple[str, Mark]],
    declared: set[str],
    problems: list[Problem],
) -> None:
    """Zones, posts, routes and obligations share one namespace of ids, so that an
    obligation can name what it concerns."""
    seen: dict[str, Mark] = {v.zone_id: v.mark for v in versions if v.version == 1}
    for a in agreements:
        items = (
            [(p.post_id, p.mark) for p in a.posts]
            + [(r.route_id, r.mark) for r in a.routes]
            + [(o.obligation_id, o.mark) for o in a.obligations]
        )
        for ident, mark in items:
            if ident in seen:
                problems.append(
                    Problem(
                        mark,
                        f"duplicate id '{ident}': it is already used at {seen[ident]}; ids of zones, posts, routes and obligations must be unique",
                    )
                )
            else:
                seen[ident] = mark
    targets = declared | {v.zone_id for v in versions}
    for ident, mark in references:
        if ident not in targets:
            problems.append(
                Problem(
                    mark,
                    f"obligation concerns unknown zone or route '{ident}'{did_you_mean(ident, targets)}; known: {listing(targets, near=ident)}",
                )
            )


def _ids_in(node: Node | None) -> list[str]:
    """The 'id' values of the mappings in a list node, valid or not."""
    if not isinstance(node, SequenceNode):
        return []
    out = []
    for item in node.value:
        if isinstance(item, MappingNode):
            for key, value in item.value:
                if (
                    isinstance(key, ScalarNode)
                    and key.value == "id"
                    and isinstance(value, ScalarNode)
                ):
                    out.append(str(value.value))
    return out


def _read_agreement(
    r: Reader, path: Path, geodata: Geodata
) -> tuple[Agreement, list[_Draft], list[tuple[str, Mark]], list[str]] | None:
    """The agreement, its zone entries, the ids its obligations refer to, and
    the zone and route ids it declares."""
    try:
        data = read_capped(path, ZONE_FILE)
    except UnreadableFileError as exc:
        r.error(Mark(r.path, 1, 1), str(exc))
        return None
    root = r.parse(data)
    if root is None:
        return None
    top = r.mapping(root, "an agreement file", **KEYS["agreement"])
    if top is None:
        return None
    date = r.date(top["date"], "the agreement's 'date'") if "date" in top else None
    title = r.text(top["title"], "'title'") if "title" in top else None
    parties = (
        r.texts(top["parties"], "'parties'", allow_empty=False)
        if "parties" in top
        else []
    )
    guarantors = (
        r.texts(top["guarantors"], "'guarantors'") if "guarantors" in top else []
    )
    venue = r.text(top["venue"], "'venue'") if "venue" in top else None
    summary = r.text(top["summary"], "'summary'") if "summary" in top else None
    sources = (
        read_sources(r, top["sources"], "the agreement's 'sources'")
        if "sources" in top
        else ()
    )
    drafts: list[_Draft] = []
    if "zones" in top:
        for item in r.sequence(top["zones"], "'zones'"):
            draft = _read_zone(r, item, geodata, date)
            if draft is not None:
                drafts.append(draft)
    ref = AgreementRef(path.stem, date, title) if date and title else None
    posts = read_posts(r, top["posts"], geodata, ref) if "posts" in top else []
    routes = read_routes(r, top["routes"], geodata, ref) if "routes" in top else []
    obligations = (
        read_obligations(r, top["obligations"], ref) if "obligations" in top else []
    )
    if date is None or title is None or venue is None:
        return None
    agreement = Agreement(
        mark=r.mark(root),
        slug=path.stem,
        date=date,
        title=title,
        parties=tuple(parties),
        guarantors=tuple(guarantors),
        venue=venue,
        summary=summary,
        sources=sources,
        posts=tuple(posts),
        routes=tuple(routes),
        obligations=tuple(o for o, _ in obligations),
    )
    references = [(t, m) for _, marks in obligations for t, m in marks.items()]
    # Ids written in the file count as known even where their entry has a
    # problem of its own, so that one mistake is not reported twice.
    declared = [d.zone_id for d in drafts] + _ids_in(top.get("routes"))
    for d in drafts:
        d.fields.agreement = agreement.ref
        if d.fields.guarantors is None:
            d.fields.guarantors = tuple(guarantors)
    return agreement, drafts, references, declared


def _read_zone(
    r: Reader, node: Node, geodata: Geodata, agreement_date: dt.date | None
) -> _Draft | None:
    if not isinstance(node, MappingNode):
        r.error(
            node,
            "a zone entry should be a mapping with 'id' (a new zone) or 'revises' (a new version)",
        )
        return None
    keys = {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
    if "id" in keys and "revises" in keys:
        r.error(
            node,
            "a zone entry has both 'id' and 'revises'; use 'id' for a new zone or 'revises' for a new version of an earlier one",
        )
        return None
    revises = "revises" in keys
    if not revises and "id" not in keys:
        r.error(
            node,
            "a zone entry is missing 'id' (a new zone) or 'revises' (a new version of an earlier zone)",
        )
    head = "revises" if revises else "id"
    derived = "derived" in keys
    zone_keys = KEYS["zone"]
    required = [head, *zone_keys["required"]]
    required += [] if revises else ["name", "kind"]
    # A derived zone's governorates follow from its shape.
    required += [] if derived else ["governorates"]
    if derived and "extent" in keys:
        r.error(
            node,
            "a zone has both 'derived' and 'extent'; a derived zone takes its shape from its base zone, so remove 'extent'",
        )
    fields = r.mapping(
        node,
        "a zone entry",
        required=required,
        optional=[
            k
            for k in zone_keys["optional"]
            if k not in required and k not in ("id", "revises")
        ],
    )
    if fields is None or head not in fields:
        return None
    zone_id = r.text(fields[head], f"'{head}'")
    if zone_id is None:
        return None
    if not ZONE_ID.match(zone_id):
        r.error(
            fields[head],
            f"zone id '{zone_id}' should be lower-case words joined by hyphens, e.g. 'eastern-ghouta'",
        )
    out = _ZoneFields()
    if "name" in fields:
        out.name = r.text(fields["name"], "'name'")
    if "kind" in fields:
        out.kind = r.choice(fields["kind"], "'kind'", KINDS)
    govs: list[str] = []
    govs_known = "governorates" in fields and isinstance(
        fields["governorates"], SequenceNode
    )
    if "governorates" in fields:
        for item in r.sequence(
            fields["governorates"], "'governorates'", allow_empty=False
        ):
            code = r.text(item, "a governorate code")
            if code is None:
                continue
            if code not in geodata.governorate_codes:
                r.error(
                    item,
                    f"unknown governorate code '{code}'{gov_hint(code, geodata)}; expected an ISO 3166-2 code, one of: {', '.join(geodata.governorate_codes)}",
                )
                govs_known = False
                continue
            if code in govs:
                r.error(item, f"governorate '{code}' is listed twice")
                continue
            govs.append(code)
    out.governorates = tuple(govs)
    if "extent" in fields:
        # With a wrong code in 'governorates', membership checks would only echo it.
        out.extent = _extent(r, fields["extent"], geodata, govs if govs_known else None)
    valid_from = (
        r.date(fields["valid_from"], "'valid_from'") if "valid_from" in fields else None
    )
    out.valid_from = valid_from
    valid_to: dt.date | None = None
    if "valid_to" in fields and not r.is_null(fields["valid_to"]):
        valid_to = r.date(fields["valid_to"], "'valid_to'")
        if valid_to and valid_from and valid_to <= valid_from:
            r.error(
                fields["valid_to"],
                f"'valid_to' {valid_to} should be after 'valid_from' {valid_from}: it is the first day the zone is no longer in force",
            )
    out.valid_to = valid_to
    if valid_from and agreement_date and valid_from < agreement_date:
        r.error(
            fields["valid_from"],
            f"'valid_from' {valid_from} is before the agreement's date {agreement_date}; a zone cannot be in force before the agreement that made it",
        )
    fate = r.choice(fields["fate"], "'fate'", FATES) if "fate" in fields else None
    if (
        "valid_to" in fields
        and not r.is_null(fields["valid_to"])
        and "fate" not in fields
    ):
        r.error(
            fields["valid_to"],
            f"a zone with a 'valid_to' needs a 'fate' saying how it ended, one of: {', '.join(FATES)}",
        )
    # A missing 'valid_to' is reported as missing; only an explicit null is open.
    if "fate" in fields and "valid_to" in fields and r.is_null(fields["valid_to"]):
        r.error(
            fields["fate"],
            "'fate' is given but 'valid_to' is null; a zone still in force has no fate yet",
        )
    out.fate = fate
    out.fate_note = (
        r.text(fields["fate_note"], "'fate_note'") if "fate_note" in fields else None
    )
    out.precision = (
        r.choice(fields["precision"], "'precision'", PRECISIONS)
        if "precision" in fields
        else None
    )
    out.precision_note = (
        r.text(fields["precision_note"], "'precision_note'")
        if "precision_note" in fields
        else None
    )
    if "guarantors" in fields:
        out.guarantors = tuple(r.texts(fields["guarantors"], "'guarantors'"))
    out.population = (
        _population(r, fields["population"]) if "population" in fields else ()
    )
    out.sources = (
        read_sources(r, fields["sources"], "the zone's 'sources'")
        if "sources" in fields
        else ()
    )
    out.notes = r.text(fields["notes"], "'notes'") if "notes" in fields else None
    if "derived" in fields:
        out.has_derived = True
        out.derived = read_derivation(r, fields["derived"])
    if "events" in fields:
        out.events = read_events(r, fields["events"])
    if "held_by" in fields:
        sides = [
            r.choice(item, "a side in 'held_by'", SIDES)
            for item in r.sequence(fields["held_by"], "'held_by'", allow_empty=False)
        ]
        out.held_by = tuple(s for s in sides if s is not None)
        if "derived" in fields:
            r.error(
                fields["held_by"],
                "'held_by' has no effect on a derived zone: its shape follows the "
                "dated states of its base zone, whose 'held_by' says whose ground it "
                "is (a band's 'facing' names the side it is measured from); remove "
                "'held_by' here",
            )
    return _Draft(r.mark(node), r.mark(fields[head]), zone_id, revises, out)


def _extent(
    r: Reader, node: Node, geodata: Geodata, govs: list[str] | None
) -> Extent | None:
    fields = r.mapping(node, "'extent'", **KEYS["extent"])
    if fields is None or "include" not in fields:
        return None
    include = []
    for item in r.sequence(fields["include"], "'extent.include'", allow_empty=False):
        part = read_part(r, item, geodata, govs, include=True)
        if part is not None:
            include.append(part)
    exclude = []
    if "exclude" in fields:
        for item in r.sequence(fields["exclude"], "'extent.exclude'"):
            part = read_part(r, item, geodata, govs, include=False)
            if part is not None:
                exclude.append(part)
    named = {p.governorate for p in include}
    for code in govs or []:
        if code not in named and include:
            r.error(
                node,
                f"governorate '{code}' is listed in 'governorates' but no 'extent.include' part covers it; add '- governorate: {code}'",
            )
    return Extent(tuple(include), tuple(exclude))


def _population(r: Reader, node: Node) -> tuple[Figure, ...]:
    out = []
    for item in r.sequence(node, "'population'"):
        fields = r.mapping(
            item,
            "a population figure",
            **KEYS["figure"],
        )
        if fields is None:
            continue
        value = (
            whole(r, fields["value"], "'value'", minimum=0, maximum=MAX_PEOPLE)
            if "value" in fields
            else None
        )
        of = r.text(fields["of"], "'of'") if "of" in fields else None
        sources = (
            read_sources(r, fields["sources"], "a figure's 'sources'")
            if "sources" in fields
            else ()
        )
        note = r.text(fields["note"], "'note'") if "note" in fields else None
        if value is not None and of and sources:
            out.append(Figure(int(value), of, sources, note))
    return tuple(out)


def _link_versions(
    parsed: list[tuple[Agreement, list[_Draft]]], problems: list[Problem]
) -> list[ZoneVersion]:
    """Turn drafts into versions: ids unique, revisions name an earlier zone,
    a zone's versions in date order without overlap."""
    first: dict[str, _Draft] = {}
    history: dict[str, list[ZoneVersion]] = {}
    ordered = sorted(parsed, key=lambda item: (item[0].date, item[0].slug))
    out: list[ZoneVersion] = []
    for _, drafts in ordered:
        for d in drafts:
            if not d.revises:
                if d.zone_id in first:
                    problems.append(
                        Problem(
                            d.id_mark,
                            f"duplicate zone id '{d.zone_id}': it is already defined at {first[d.zone_id].id_mark}; to add a new version of that zone write 'revises: {d.zone_id}' instead of 'id:'",
                        )
                    )
                    continue
                first[d.zone_id] = d
            elif d.zone_id not in first:
                problems.append(
                    Problem(
                        d.id_mark,
                        f"'revises: {d.zone_id}' names no zone defined by an earlier agreement{did_you_mean(d.zone_id, first)}; known zones: {listing(first, near=d.zone_id) or 'none'}",
                    )
                )
                continue
            base = first[d.zone_id].fields
            f = d.fields
            name = f.name or base.name
            kind = f.kind or base.kind
            if (
                f.valid_from is None
                or f.precision is None
                or not name
                or not kind
                or not (f.governorates or f.has_derived)
                or not f.sources
                or (f.has_derived and f.derived is None)
                or f.agreement is None
            ):
                continue  # already reported where the value was read
            prior = history.setdefault(d.zone_id, [])
            version = ZoneVersion(
                mark=d.mark,
                zone_id=d.zone_id,
                version=len(prior) + 1,
                name=name,
                kind=kind,
                agreement=f.agreement,
                governorates=f.governorates,
                extent=f.extent,
                derived=f.derived,
                events=f.events,
                valid_from=f.valid_from,
                valid_to=f.valid_to,
                fate=f.fate,
                fate_note=f.fate_note,
                precision=f.precision,
                precision_note=f.precision_note,
                guarantors=f.guarantors or (),
                population=f.population,
                sources=f.sources,
                notes=f.notes,
                held_by=f.held_by or base.held_by,
            )
            if prior:
                last = prior[-1]
                if last.valid_to is None or last.valid_to > version.valid_from:
                    ends = (
                        "has no 'valid_to'"
                        if last.valid_to is None
                        else f"runs to {last.valid_to}"
                    )
                    if last.valid_from >= version.valid_from:
                        advice = "two versions of one zone cannot start on the same day; give this version a later 'valid_from', or merge the two versions into one"
                    else:
                        advice = f"set that version's 'valid_to' to {version.valid_from} with 'fate: superseded'"
                    problems.append(
                        Problem(
                            d.mark,
                            f"this version of '{d.zone_id}' starts {version.valid_from}, but the version at {last.mark} {ends}; {advice}",
                        )
                    )
                    continue
            prior.append(version)
            out.append(version)
    assert all(isinstance(v.agreement, AgreementRef) for v in out)
    for v in out:
        if v.derived is None:
            continue
        base_id = v.derived.base
        if base_id not in first:
            known = listing(first, near=base_id)
            problems.append(
                Problem(
                    v.derived.mark,
                    f"'from: {base_id}' names no zone{did_you_mean(base_id, first)}; known zones: {known}",
                )
            )
        elif base_id not in history:
            continue  # its base zone's problems are reported where they are
        elif history[base_id][0].derived is not None:
            problems.append(
                Problem(
                    v.derived.mark,
                    f"'from: {base_id}' names a derived zone; derive from a drawn zone instead",
                )
            )
        elif not any(b.in_force(v.valid_from) for b in history[base_id]):
            problems.append(
                Problem(
                    v.derived.mark,
                    f"no version of '{base_id}' is in force on {v.valid_from}, this zone's 'valid_from'; a derived zone needs its base zone in force",
                )
            )
    return out

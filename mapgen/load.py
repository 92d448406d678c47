"""Load and validate ``zones/*.yaml`` into typed agreements and zone versions.

Every problem in every file is collected and raised together as one
:class:`~mapgen.errors.ZoneDataError`, each as ``path:line:col: message``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse

from yaml.nodes import MappingNode, Node, ScalarNode

from mapgen.errors import Mark, Problem, UsageError, ZoneDataError
from mapgen.geodata import Geodata, Town
from mapgen.model import (
    FATES,
    KINDS,
    PRECISIONS,
    Agreement,
    AgreementRef,
    Atlas,
    Extent,
    Figure,
    Part,
    Source,
    ZoneVersion,
)
from mapgen.seeds import SEEDS
from mapgen.yamlnodes import Reader, did_you_mean

AGREEMENT_KEYS = {
    "required": ["date", "title", "parties", "venue", "sources", "zones"],
    "optional": ["guarantors", "summary"],
}
ZONE_KEYS = [
    "name", "kind", "governorates", "extent", "valid_from", "valid_to", "fate",
    "fate_note", "precision", "precision_note", "guarantors", "population",
    "sources", "notes",
]  # fmt: skip
ZONE_REQUIRED = ["governorates", "valid_from", "valid_to", "precision", "sources"]
PART_KEYS = ["governorate", "towns", "buffer_km", "outline", "basis"]
ZONE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SYRIA_BOX = (35.5, 32.2, 42.5, 37.4)


@dataclass
class _Draft:
    """A zone entry read from one file, before cross-file checks."""

    mark: Mark
    id_mark: Mark
    zone_id: str
    revises: bool
    fields: dict[str, object]


def load_atlas(zones_dir: Path, geodata: Geodata) -> Atlas:
    """Read every agreement file in ``zones_dir``; raise ZoneDataError on any problem."""
    if not zones_dir.is_dir():
        raise UsageError(f"The zones directory {zones_dir} does not exist.")
    files = sorted(p for p in zones_dir.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise UsageError(f"The zones directory {zones_dir} holds no *.yaml files.")
    problems: list[Problem] = []
    parsed: list[tuple[Agreement, list[_Draft]]] = []
    for path in files:
        reader = Reader(_display(path))
        result = _read_agreement(reader, path, geodata)
        problems.extend(reader.problems)
        if result is not None:
            parsed.append(result)
    versions = _link_versions(parsed, problems)
    if problems:
        raise ZoneDataError(problems)
    by_slug: dict[str, list[ZoneVersion]] = {}
    for v in versions:
        by_slug.setdefault(v.agreement.slug, []).append(v)
    agreements = tuple(
        sorted(
            (replace(a, zones=tuple(by_slug.get(a.slug, []))) for a, _ in parsed),
            key=lambda a: (a.date, a.slug),
        )
    )
    return Atlas(agreements=agreements, versions=tuple(versions))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_agreement(
    r: Reader, path: Path, geodata: Geodata
) -> tuple[Agreement, list[_Draft]] | None:
    root = r.parse(path.read_bytes())
    if root is None:
        return None
    top = r.mapping(root, "an agreement file", **AGREEMENT_KEYS)
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
        _sources(r, top["sources"], "the agreement's 'sources'")
        if "sources" in top
        else ()
    )
    drafts: list[_Draft] = []
    if "zones" in top:
        for item in r.sequence(top["zones"], "'zones'"):
            draft = _read_zone(r, item, geodata, date)
            if draft is not None:
                drafts.append(draft)
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
    )
    for d in drafts:
        d.fields["agreement"] = agreement.ref
        d.fields.setdefault("guarantors", tuple(guarantors))
    return agreement, drafts


def _sources(r: Reader, node: Node, what: str) -> tuple[Source, ...]:
    out = []
    for item in r.sequence(node, what, allow_empty=False):
        source = _source(r, item, f"an entry of {what}")
        if source is not None:
            out.append(source)
    return tuple(out)


def _source(r: Reader, node: Node, what: str) -> Source | None:
    if isinstance(node, MappingNode):
        fields = r.mapping(node, what, required=["cite"], optional=["url"])
        if fields is None or "cite" not in fields:
            return None
        cite = r.text(fields["cite"], "'cite'")
        url = _url(r, fields["url"], "'url'") if "url" in fields else None
        if cite is None or ("url" in fields and url is None):
            return None
        return Source("cite", cite, url)
    text = r.text(node, what)
    if text is None:
        return None
    if text in SEEDS:
        return Source("seed", text)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text):
        url = _url(r, node, what)
        return Source("url", url, url) if url else None
    hint = did_you_mean(text, SEEDS)
    r.error(
        node,
        f"{what} '{text}' is neither a seed file name nor an http(s) URL{hint}; "
        f"seeds are {', '.join(sorted(SEEDS))}; cite a printed reference as "
        "{cite: 'TASS 944911'}",
    )
    return None


def _url(r: Reader, node: Node, what: str) -> str | None:
    text = r.text(node, what)
    if text is None:
        return None
    parsed = urlparse(text)
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or re.search(r"[\s<>\"']", text)
    ):
        r.error(
            node,
            f"{what} '{text}' is not an http(s) URL; only http:// and https:// links are allowed",
        )
        return None
    return text


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
    required = [head, *ZONE_REQUIRED] + ([] if revises else ["name", "kind"])
    fields = r.mapping(
        node,
        "a zone entry",
        required=required,
        optional=[k for k in ZONE_KEYS if k not in required],
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
    out: dict[str, object] = {}
    if "name" in fields:
        out["name"] = r.text(fields["name"], "'name'")
    if "kind" in fields:
        out["kind"] = r.choice(fields["kind"], "'kind'", KINDS)
    govs: list[str] = []
    govs_known = "governorates" in fields
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
                    f"unknown governorate code '{code}'{_gov_hint(code, geodata)}; expected an ISO 3166-2 code, one of: {', '.join(geodata.governorate_codes)}",
                )
                govs_known = False
                continue
            if code in govs:
                r.error(item, f"governorate '{code}' is listed twice")
                continue
            govs.append(code)
    out["governorates"] = tuple(govs)
    if "extent" in fields:
        # With a wrong code in 'governorates', membership checks would only echo it.
        out["extent"] = _extent(
            r, fields["extent"], geodata, govs if govs_known else None
        )
    valid_from = (
        r.date(fields["valid_from"], "'valid_from'") if "valid_from" in fields else None
    )
    out["valid_from"] = valid_from
    valid_to: dt.date | None = None
    if "valid_to" in fields and not r.is_null(fields["valid_to"]):
        valid_to = r.date(fields["valid_to"], "'valid_to'")
        if valid_to and valid_from and valid_to <= valid_from:
            r.error(
                fields["valid_to"],
                f"'valid_to' {valid_to} should be after 'valid_from' {valid_from}: it is the first day the zone is no longer in force",
            )
    out["valid_to"] = valid_to
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
    if "fate" in fields and ("valid_to" not in fields or r.is_null(fields["valid_to"])):
        r.error(
            fields["fate"],
            "'fate' is given but 'valid_to' is null; a zone still in force has no fate yet",
        )
    out["fate"] = fate
    out["fate_note"] = (
        r.text(fields["fate_note"], "'fate_note'") if "fate_note" in fields else None
    )
    out["precision"] = (
        r.choice(fields["precision"], "'precision'", PRECISIONS)
        if "precision" in fields
        else None
    )
    out["precision_note"] = (
        r.text(fields["precision_note"], "'precision_note'")
        if "precision_note" in fields
        else None
    )
    if "guarantors" in fields:
        out["guarantors"] = tuple(r.texts(fields["guarantors"], "'guarantors'"))
    out["population"] = (
        _population(r, fields["population"]) if "population" in fields else ()
    )
    out["sources"] = (
        _sources(r, fields["sources"], "the zone's 'sources'")
        if "sources" in fields
        else ()
    )
    out["notes"] = r.text(fields["notes"], "'notes'") if "notes" in fields else None
    return _Draft(r.mark(node), r.mark(fields[head]), zone_id, revises, out)


def _gov_hint(code: str, geodata: Geodata) -> str:
    upper = code.upper().replace("_", "-")
    if upper in geodata.governorate_codes:
        return f" (did you mean '{upper}'?)"
    folded = code.strip().lower()
    for gov in geodata.governorates.values():
        if (
            gov.ocha
            and gov.ocha.lower() == folded
            or folded in (n.lower() for n in gov.names)
        ):
            return f" (did you mean '{gov.iso}', {gov.name}?)"
    return did_you_mean(upper, geodata.governorate_codes)


def _extent(
    r: Reader, node: Node, geodata: Geodata, govs: list[str] | None
) -> Extent | None:
    fields = r.mapping(node, "'extent'", required=["include"], optional=["exclude"])
    if fields is None or "include" not in fields:
        return None
    include = []
    for item in r.sequence(fields["include"], "'extent.include'", allow_empty=False):
        part = _part(r, item, geodata, govs, include=True)
        if part is not None:
            include.append(part)
    exclude = []
    if "exclude" in fields:
        for item in r.sequence(fields["exclude"], "'extent.exclude'"):
            part = _part(r, item, geodata, govs, include=False)
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


def _part(
    r: Reader, node: Node, geodata: Geodata, govs: list[str] | None, *, include: bool
) -> Part | None:
    what = "an 'extent.include' part" if include else "an 'extent.exclude' part"
    fields = r.mapping(
        node,
        what,
        required=["governorate"] if include else [],
        optional=[k for k in PART_KEYS if include is False or k != "governorate"],
    )
    if fields is None:
        return None
    gov = None
    if "governorate" in fields:
        gov = r.text(fields["governorate"], "'governorate'")
        if gov is not None and gov not in geodata.governorate_codes:
            r.error(
                fields["governorate"],
                f"unknown governorate code '{gov}'{_gov_hint(gov, geodata)}",
            )
            return None
        if gov is not None and govs is not None and gov not in govs:
            r.error(
                fields["governorate"],
                f"governorate '{gov}' is not in this zone's 'governorates' ({', '.join(govs)}){did_you_mean(gov, govs)}",
            )
            gov = None
            if include:
                return None
    towns: list[Town] = []
    if "towns" in fields:
        # Towns may lie across the border of the part's governorate (the part is
        # clipped to it anyway), but must lie in one of the zone's governorates.
        scope = govs if govs is not None else geodata.governorate_codes
        for item in r.sequence(fields["towns"], "'towns'", allow_empty=False):
            town = _town(r, item, geodata, scope)
            if town is not None:
                towns.append(town)
    buffer_km = 0.0
    if "buffer_km" in fields:
        buffer_km = r.number(fields["buffer_km"], "'buffer_km'", minimum=0.0) or 0.0
        if buffer_km > 50:
            r.error(
                fields["buffer_km"],
                f"'buffer_km' {buffer_km:g} is more than 50 km; a town's buffer is its built-up area and surroundings",
            )
    elif "towns" in fields:
        r.error(
            fields["towns"],
            "'towns' needs a 'buffer_km' (the radius around each town, in km)",
        )
    outline: list[tuple[float, float]] = []
    if "outline" in fields:
        outline = _outline(r, fields["outline"])
    if (
        not include
        and not towns
        and not outline
        and "towns" not in fields
        and "outline" not in fields
    ):
        r.error(node, f"{what} needs 'towns' (with 'buffer_km') or an 'outline'")
    if outline and "basis" not in fields:
        r.error(
            fields["outline"],
            "a hand-traced 'outline' needs a 'basis' saying what it was traced from",
        )
    basis = r.text(fields["basis"], "'basis'") if "basis" in fields else None
    return Part(r.mark(node), gov, tuple(towns), buffer_km, tuple(outline), basis)


def _town(r: Reader, node: Node, geodata: Geodata, scope: list[str]) -> Town | None:
    name = r.text(node, "a town name")
    if name is None:
        return None
    gaz = geodata.gazetteer
    found = gaz.candidates(name)
    inside = [t for t in found if t.governorate in scope]
    if len(inside) == 1:
        return inside[0]
    if len(inside) > 1:
        r.error(
            node,
            f"town '{name}' is ambiguous in {', '.join(scope)}: {'; '.join(t.label for t in inside)}; use the exact GeoNames name",
        )
        exact = [t for t in inside if t.name == name]
        return exact[0] if len(exact) == 1 else None
    if found:
        r.error(
            node,
            f"town '{name}' is not in {', '.join(scope)}: the gazetteer has {'; '.join(t.label for t in found)}",
        )
        return None
    hints = gaz.suggest(name)
    hint = f" (did you mean {' or '.join(repr(h) for h in hints)}?)" if hints else ""
    r.error(
        node,
        f"unknown town '{name}'{hint}; town names come from the GeoNames gazetteer in geodata/towns.json",
    )
    return None


def _outline(r: Reader, node: Node) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for item in r.sequence(node, "'outline'", allow_empty=False):
        pair = r.sequence(item, "an outline point [lon, lat]")
        if len(pair) != 2:
            if isinstance(item, Node) and pair:
                r.error(
                    item,
                    f"an outline point should be [lon, lat], found {len(pair)} numbers",
                )
            continue
        lon = r.number(pair[0], "a longitude")
        lat = r.number(pair[1], "a latitude")
        if lon is None or lat is None:
            continue
        w, s, e, n = SYRIA_BOX
        if not (w <= lon <= e and s <= lat <= n):
            looks_swapped = w <= lat <= e and s <= lon <= n
            hint = (
                " (the numbers look swapped: write [lon, lat])" if looks_swapped else ""
            )
            r.error(
                item,
                f"outline point [{lon:g}, {lat:g}] is outside Syria (lon {w} to {e}, lat {s} to {n}){hint}",
            )
            continue
        points.append((lon, lat))
    if isinstance(node, Node) and 0 < len(points) < 3:
        r.error(node, f"an outline needs at least 3 points, found {len(points)}")
    return points


def _population(r: Reader, node: Node) -> tuple[Figure, ...]:
    out = []
    for item in r.sequence(node, "'population'"):
        fields = r.mapping(
            item,
            "a population figure",
            required=["value", "of", "sources"],
            optional=["note"],
        )
        if fields is None:
            continue
        value = (
            r.number(fields["value"], "'value'", integer=True, minimum=0)
            if "value" in fields
            else None
        )
        of = r.text(fields["of"], "'of'") if "of" in fields else None
        sources = (
            _sources(r, fields["sources"], "a figure's 'sources'")
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
                        f"'revises: {d.zone_id}' names no zone defined by an earlier agreement{did_you_mean(d.zone_id, first)}; known zones: {', '.join(sorted(first)) or 'none'}",
                    )
                )
                continue
            base = first[d.zone_id].fields
            f = d.fields
            name = f.get("name") or base.get("name")
            kind = f.get("kind") or base.get("kind")
            if (
                not all(isinstance(f.get(k), dt.date) for k in ("valid_from",))
                or not f.get("precision")
                or not name
                or not kind
                or not f.get("governorates")
                or not f.get("sources")
            ):
                continue  # already reported where the value was read
            prior = history.setdefault(d.zone_id, [])
            version = ZoneVersion(
                mark=d.mark,
                zone_id=d.zone_id,
                version=len(prior) + 1,
                name=str(name),
                kind=str(kind),
                agreement=f["agreement"],  # type: ignore[arg-type]
                governorates=f["governorates"],  # type: ignore[arg-type]
                extent=f.get("extent"),  # type: ignore[arg-type]
                valid_from=f["valid_from"],  # type: ignore[arg-type]
                valid_to=f.get("valid_to"),  # type: ignore[arg-type]
                fate=f.get("fate"),  # type: ignore[arg-type]
                fate_note=f.get("fate_note"),  # type: ignore[arg-type]
                precision=str(f["precision"]),
                precision_note=f.get("precision_note"),  # type: ignore[arg-type]
                guarantors=f.get("guarantors", ()),  # type: ignore[arg-type]
                population=f.get("population", ()),  # type: ignore[arg-type]
                sources=f["sources"],  # type: ignore[arg-type]
                notes=f.get("notes"),  # type: ignore[arg-type]
            )
            if prior:
                last = prior[-1]
                if last.valid_to is None or last.valid_to > version.valid_from:
                    ends = (
                        "has no 'valid_to'"
                        if last.valid_to is None
                        else f"runs to {last.valid_to}"
                    )
                    problems.append(
                        Problem(
                            d.mark,
                            f"this version of '{d.zone_id}' starts {version.valid_from}, but the version at {last.mark} {ends}; set that version's 'valid_to' to {version.valid_from} with 'fate: superseded'",
                        )
                    )
                    continue
            prior.append(version)
            out.append(version)
    assert all(isinstance(v.agreement, AgreementRef) for v in out)
    return out

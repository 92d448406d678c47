"""Readers for values that refer to the world: sources, towns, outlines, and
the parts of an extent. Shared by the zone, post, route and obligation loaders."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

from yaml.nodes import MappingNode, Node

from mapgen.geodata.extracts import Geodata, Town
from mapgen.model import Part, Source
from mapgen.zonefile._listing import listing
from mapgen.zonefile._yaml import Reader, did_you_mean
from mapgen.zonefile.files import BIBLIOGRAPHY
from mapgen.zonefile.keys import KEYS
from mapgen.zonefile.seeds import SEED_KEYS, SEEDS

SYRIA_BOX = (35.5, 32.2, 42.5, 37.4)
# A bibliography key: lower-case words and numbers joined by hyphens.
SOURCE_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def read_sources(r: Reader, node: Node, what: str) -> tuple[Source, ...]:
    out: list[Source] = []
    for item in r.sequence(node, what, allow_empty=False):
        source = read_source(r, item, f"an entry of {what}")
        if source is not None and source in out:
            r.error(item, f"{what} cites '{source.text}' twice; list each source once")
        elif source is not None:
            out.append(source)
    return tuple(out)


def read_source(r: Reader, node: Node, what: str) -> Source | None:
    """A citation: a key of the bibliography (``tass-957354``), or one of the
    old forms: a seed's file name, a URL, or ``{cite: ..., url: ...}``."""
    if isinstance(node, MappingNode):
        fields = r.mapping(node, what, **KEYS["cite"])
        if fields is None or "cite" not in fields:
            return None
        cite = r.text(fields["cite"], "'cite'")
        url = read_url(r, fields["url"], "'url'") if "url" in fields else None
        if cite is None or ("url" in fields and url is None):
            return None
        return Source("cite", cite, url)
    text = r.text(node, what)
    if text is None:
        return None
    if text in r.sources:
        return r.sources[text]
    if text in SEEDS:
        return r.sources.get(SEED_KEYS[text], SEEDS[text])
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text):
        url = read_url(r, node, what)
        return Source("url", url, url) if url else None
    if SOURCE_KEY.match(text):
        if not r.bibliography_unreadable:
            r.error(node, unknown_source(text, r.sources))
        return None
    hint = did_you_mean(text, [*SEEDS, *r.sources])
    r.error(
        node,
        f"{what} '{text}' is not a source key, a seed file name or an http(s) URL{hint}; "
        f"cite a source by its key in {BIBLIOGRAPHY} (e.g. 'tass-957354')",
    )
    return None


def unknown_source(key: str, known: dict[str, Source]) -> str:
    """The message for a cited key the bibliography does not have."""
    if not known:
        return (
            f"unknown source '{key}'; there is no bibliography: add an entry for it "
            f"to {BIBLIOGRAPHY} beside the zone files"
        )
    return (
        f"unknown source '{key}'; known sources: {listing(known, near=key)}"
        f"{did_you_mean(key, known)}"
    )


def read_url(r: Reader, node: Node, what: str) -> str | None:
    text = r.text(node, what)
    if text is None:
        return None
    hidden = _invisible(text)
    if hidden:
        r.error(
            node,
            f"{what} contains the invisible or direction-changing character {hidden}, "
            "which can make a link display as something it is not; remove it "
            "(write non-ASCII characters in a URL %-encoded)",
        )
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


def _invisible(text: str) -> str | None:
    """The first character that is a control, a format character (bidi
    overrides and isolates, zero-width joiners) or a separator, as U+XXXX."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs") and ch != " ":
            return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"
    return None


def gov_hint(code: str, geodata: Geodata) -> str:
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


def read_part(
    r: Reader, node: Node, geodata: Geodata, govs: list[str] | None, *, include: bool
) -> Part | None:
    what = "an 'extent.include' part" if include else "an 'extent.exclude' part"
    fields = r.mapping(
        node,
        what,
        **KEYS["include_part" if include else "exclude_part"],
    )
    if fields is None:
        return None
    gov = None
    if "governorate" in fields:
        gov = r.text(fields["governorate"], "'governorate'")
        if gov is not None and gov not in geodata.governorate_codes:
            r.error(
                fields["governorate"],
                f"unknown governorate code '{gov}'{gov_hint(gov, geodata)}",
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
            town = read_town(r, item, geodata, scope)
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
        outline = read_outline(r, fields["outline"])
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


def read_town(r: Reader, node: Node, geodata: Geodata, scope: list[str]) -> Town | None:
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


def read_outline(r: Reader, node: Node) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    items = r.sequence(node, "'outline'", allow_empty=False)
    for item in items:
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
    if 0 < len(items) < 3:
        r.error(node, f"an outline needs at least 3 points, found {len(items)}")
    # Any bad point was reported where it stands; half an outline is no shape.
    return points if len(points) == len(items) else []

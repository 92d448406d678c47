"""The atlas's bibliography, ``zones/sources.yaml``: one entry per source, by
key, which the zone files cite (``sources: [tass-957354]``).

It is not an agreement file: the zone folder's loader reads it first and skips
it by name (:data:`FILE_NAME`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from mapgen.days import calendar_fault
from mapgen.errors import Mark, Problem
from mapgen.model import Source
from mapgen.zonefile._fields import SOURCE_KEY as KEY
from mapgen.zonefile._fields import read_url
from mapgen.zonefile._yaml import Reader
from mapgen.zonefile.files import BIBLIOGRAPHY as FILE_NAME
from mapgen.zonefile.files import (
    BIBLIOGRAPHY_FILE,
    UnreadableFileError,
    display_path,
    read_capped,
)
from mapgen.zonefile.keys import KEYS

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def read_bibliography(
    zones_dir: Path,
) -> tuple[dict[str, Source] | None, list[Problem]]:
    """The entries of ``zones_dir/sources.yaml`` by key (empty if there is no
    such file; None if it is there but cannot be read as a whole, so that
    citations are not blamed for it), and every problem found in it."""
    path = zones_dir / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return {}, []
    r = Reader(display_path(path), kind=BIBLIOGRAPHY_FILE)
    try:
        data = read_capped(path, BIBLIOGRAPHY_FILE)
    except UnreadableFileError as exc:
        r.error(Mark(r.path, 1, 1), str(exc))
        return None, r.problems
    root = r.parse(data)
    if root is None:
        return None, r.problems
    return parse_bibliography(r, root), r.problems


def parse_bibliography(r: Reader, root: Node) -> dict[str, Source]:
    if not isinstance(root, MappingNode):
        r.error(
            root,
            "the bibliography should be a mapping of source keys to entries "
            "(publisher, title, date, url)",
        )
        return {}
    out: dict[str, Source] = {}
    for key_node, value in root.value:
        if not isinstance(key_node, ScalarNode):
            r.error(key_node, "a source key should be a plain name like 'tass-957354'")
            continue
        key = str(key_node.value)
        if not KEY.match(key):
            r.error(
                key_node,
                f"source key '{key}' should be lower-case letters and digits "
                "joined by single hyphens, like 'tass-957354'",
            )
            continue
        if key in out:
            r.error(key_node, f"duplicate source key '{key}'; each key may appear once")
            continue
        # An entry with a problem (reported here) still counts as known, so that
        # citing it is not reported again as an unknown source.
        out[key] = read_entry(r, key, value) or Source("ref", key)
    return out


def read_entry(r: Reader, key: str, node: Node) -> Source | None:
    what = f"source '{key}'"
    fields = r.mapping(node, what, **KEYS["bibliography_entry"])
    if fields is None:
        return None
    publisher = (
        r.text(fields["publisher"], f"{what}: 'publisher'")
        if "publisher" in fields
        else None
    )
    title = r.text(fields["title"], f"{what}: 'title'") if "title" in fields else None
    date = (
        read_loose_date(r, fields["date"], f"{what}: 'date'")
        if "date" in fields
        else None
    )
    url = read_url(r, fields["url"], f"{what}: 'url'") if "url" in fields else None
    author = (
        r.text(fields["author"], f"{what}: 'author'") if "author" in fields else None
    )
    if "note" in fields:
        r.text(fields["note"], f"{what}: 'note'")
    bad = (
        publisher is None
        or title is None
        or ("date" in fields and date is None)
        or ("url" in fields and url is None)
        or ("author" in fields and author is None)
    )
    if bad:
        return None
    return Source("ref", key, url, publisher, title, date, author)


def read_loose_date(r: Reader, node: Node, what: str) -> str | None:
    """A publication date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD."""
    if not isinstance(node, ScalarNode) or r.is_null(node):
        r.error(node, f"{what} should be a date written YYYY-MM-DD, YYYY-MM or YYYY")
        return None
    raw = str(node.value).strip()
    match = _DATE.match(raw)
    if not match:
        r.error(
            node,
            f"{what} should be a date written YYYY-MM-DD, YYYY-MM or YYYY, found '{raw}'",
        )
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the pattern requires it
    fault = calendar_fault(year, month, day)
    if fault is not None:
        r.error(node, f"{what} '{raw}' is not a real calendar date ({fault})")
        return None
    first = dt.date(year, month or 1, day or 1)
    if first > r.today:
        r.error(node, f"{what} {raw} is in the future (today is {r.today})")
        return None
    return raw

"""Bounded numbers: every count, identifier and distance a zone or control file
gives is read with the range it may take, so that a 400-digit number, a post
numbered beyond what a GIS field holds or a band wider than Syria is a located
problem in ``validate``, never a crash in a later step."""

from __future__ import annotations

import re

from yaml.nodes import Node, ScalarNode

from mapgen.zonefile._yaml import Reader

# ASCII digits only: int() would also take Arabic-Indic digits, and any length.
_WHOLE = re.compile(r"[+-]?[0-9]+")
# A GIS integer field (GeoPackage, Shapefile, FlatGeobuf) holds 32 bits.
INT32_MAX = 2_147_483_647
# A few tens of digits suffice for any bound here; longer text is not parsed.
_MAX_DIGITS = 30


def whole(
    r: Reader, node: Node, what: str, *, minimum: int, maximum: int
) -> int | None:
    """A whole number from ``minimum`` to ``maximum``, or None after reporting
    the problem at ``node``."""
    if not isinstance(node, ScalarNode) or node.style or r.is_null(node):
        r.number(node, what, integer=True)  # says what the value is instead
        return None
    raw = str(node.value).strip().replace("_", "")
    if not _WHOLE.fullmatch(raw):
        r.error(node, f"{what} should be a whole number, found '{_shown(raw)}'")
        return None
    digits = raw.lstrip("+-").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        sign = "-" if raw.startswith("-") else ""
        r.error(
            node,
            f"{what} should be a whole number from {minimum:,} to {maximum:,}, found "
            f"a number of {len(digits)} digits ({sign}{digits[:6]}…)",
        )
        return None
    value = int(raw)
    if value < minimum:
        r.error(node, f"{what} should be at least {minimum:,}, found {value:,}")
        return None
    if value > maximum:
        r.error(node, f"{what} should be at most {maximum:,}, found {value:,}")
        return None
    return value


def distance(
    r: Reader,
    node: Node,
    what: str,
    *,
    maximum: float,
    minimum: float | None = None,
    why: str,
) -> float | None:
    """A finite number of km no more than ``maximum`` (``why`` says why, in a
    clause), or None after reporting the problem at ``node``."""
    value = r.number(node, what, minimum=minimum)
    if value is not None and value > maximum:
        r.error(
            node,
            f"{what} should be at most {maximum:g} km ({why}), found {value:g}",
        )
        return None
    return value


def _shown(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:37] + "..."

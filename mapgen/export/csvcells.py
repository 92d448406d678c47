"""CSV cells that a spreadsheet shows as text, never runs as a formula."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Every line break a spreadsheet or a CSV reader might honour inside a cell.
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def text_cell(value: str) -> str:
    """Text from the zone files as one line, prefixed with an apostrophe where a
    spreadsheet would otherwise read it as a formula (OWASP's advice for CSV
    injection). Line breaks become spaces, so that no reader can start a new
    cell or row inside it, and a formula after a break is caught too."""
    flat = _BREAKS.sub(" ", value)
    return "'" + flat if flat.lstrip(" ").startswith(FORMULA_START) else flat

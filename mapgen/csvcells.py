"""CSV cells that a spreadsheet shows as text, never runs as a formula."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text from the zone files, prefixed with an apostrophe where a spreadsheet
    would otherwise read it as a formula (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value

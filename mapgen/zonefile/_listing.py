"""Lists of known names in messages, bounded: a message names a few and counts
the rest, so that two thousand unknown keys do not print every known one two
thousand times."""

from __future__ import annotations

from collections.abc import Iterable

# How many known names a message lists before it counts the rest.
LISTED = 10


def listing(options: Iterable[str], limit: int = LISTED) -> str:
    """``'a, b, c'``, or ``'a, b, … and 40 more'`` past ``limit``, sorted."""
    names = sorted(options)
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])}, … and {len(names) - limit:,} more"

"""Lists of known names in messages, bounded: a message names a few and counts
the rest, so that two thousand unknown keys do not print every known one two
thousand times."""

from __future__ import annotations

import os
from collections.abc import Iterable

# How many known names a message lists before it counts the rest.
LISTED = 10


def listing(options: Iterable[str], limit: int = LISTED, near: str = "") -> str:
    """``'a, b, c'`` sorted, or past ``limit`` ``'a, b, … and 40 more'``, the
    names sharing the longest beginning with ``near`` first."""
    names = sorted(options)
    if len(names) <= limit:
        return ", ".join(names)
    names.sort(key=lambda n: -_shared(n, near))  # stable: alphabetical within
    return f"{', '.join(names[:limit])}, … and {len(names) - limit:,} more"


def _shared(name: str, near: str) -> int:
    return len(os.path.commonprefix([name, near]))

"""Lists of known names in messages, bounded: a message names a few and counts
the rest, so that two thousand unknown keys do not print every known one two
thousand times."""

from __future__ import annotations

import os
from collections.abc import Iterable

# How many known names a message lists before it counts the rest.
LISTED = 10


def listing(options: Iterable[str], limit: int = LISTED, near: str = "") -> str:
    """``'a, b, c'``, or ``'a, b, … and 40 more'`` past ``limit``: sorted, the
    names sharing the longest beginning with ``near`` first."""
    names = sorted(options, key=lambda n: (-_shared(n, near), n))
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])}, … and {len(names) - limit:,} more"


def _shared(name: str, near: str) -> int:
    return len(os.path.commonprefix([name, near]))

"""Text from the data as a file format can carry it: the one cleaning every GIS
export and every figure applies to the names and notes it writes.

XML (KML, SVG) cannot hold control characters, lone surrogates or the
non-characters U+FFFE and U+FFFF at all, and GDAL's C strings end at a NUL
(GeoPackage, FlatGeobuf and Shapefile cut a name there). Each such character
becomes U+FFFD, the replacement character, so that the text keeps its length
and shows where something was, instead of a file that cannot be read or a
name cut short. Tab, line feed and carriage return are kept.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

# Everything outside XML 1.0's Char production, the C1 controls and DEL (which
# XML discourages), and every Unicode non-character.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(
        f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
        for plane in range(1, 17)
    )
    + "]"
)


def clean(text: str) -> str:
    """``text`` with each character no file format can carry as U+FFFD.

    >>> clean("Idlib\\x00 zone\\x01\\ufffe")
    'Idlib\\ufffd zone\\ufffd\\ufffd'
    """
    return _UNSAFE.sub(REPLACEMENT, text)

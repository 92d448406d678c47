from __future__ import annotations

import datetime as dt
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from mapgen.about import GOLAN_NOTE
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData
from mapgen.site.figures import date_text, figure, title

DATES = [dt.date(2017, 9, 15), dt.date(2018, 9, 17)]


def _texts(svg: bytes) -> str:
    """Every line of text in the SVG, joined by single spaces."""
    root = ET.fromstring(svg)
    lines = [
        "".join(el.itertext())
        for el in root.iter()
        if el.tag.rsplit("}", 1)[-1] == "text"
    ]
    return " ".join(" ".join(lines).split())


def _spaced(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("day", DATES, ids=str)
def test_figure_is_a_full_report_map(
    day: dt.date, atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    svg, png = figure(atlas, resolved, geodata, day)

    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 2000 and height > 0

    text = _texts(svg)
    assert _spaced(title(atlas, day)) in text
    assert date_text(day) in text
    for version in atlas.in_force(day):
        assert _spaced(version.name) in text, version.name
    assert re.search(r"\bkm\b", text)
    assert _spaced(GOLAN_NOTE) in text


def test_figure_is_deterministic(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata
) -> None:
    day = DATES[0]
    assert figure(atlas, resolved, geodata, day) == figure(
        atlas, resolved, geodata, day
    )

"""Issue 18: the Wikipedia detailed-map extract is made by rules a test can check.

The transcript of each page (tools/wikimap/rows-*.tsv) must say what the rules of
``parse_marks`` read from the raw text; the fixture is lines cut, as read, from the
stored copy at offset 500,000 (pages 496,000 and 512,000)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from wikimap_extract import (
    TRANSCRIPT,
    Meaning,
    clean_name,
    meaning,
    parse_marks,
    read_transcript,
)

FIXTURE = Path(__file__).parent / "wikimap-page-496000-cut.md"


def test_the_raw_lines_parse_to_the_marks_they_hold() -> None:
    rows = parse_marks(FIXTURE.read_text(encoding="utf-8"), 496000)
    assert len(rows) == 16
    first = rows[0]
    assert (first.lat, first.long, first.mark) == ("33.1505", "36.039", "m.opp")
    assert clean_name(first.label, first.link) == "Kafr Nasej"
    assert first.link == "2015 Southern Syria offensive#Kafr Nasij"
    by_lat = {r.lat: r for r in rows}
    assert by_lat["32.646"].long == "36.5725"  # "lat=" written without a space
    assert clean_name(by_lat["32.737"].label, "") == "Al Ajami"
    assert clean_name(by_lat["32.733"].label, "") == "Khirbet Ghazaleh"
    assert by_lat["32.809"].mark == "BSicon STRlf black.svg"
    assert by_lat["32.826"].label == "Tel Hamad base (Brigade 82)"


def test_the_transcript_agrees_with_the_raw_lines() -> None:
    transcript = {(r.lat, r.long): r for r in read_transcript(TRANSCRIPT)}
    for raw in parse_marks(FIXTURE.read_text(encoding="utf-8"), 496000):
        copied = transcript[(raw.lat, raw.long)]
        assert copied.mark == raw.mark
        assert clean_name(copied.label, copied.link) == clean_name(raw.label, raw.link)
        assert copied.link == raw.link
        assert copied.page_offset in (496000, 512000)


def test_every_transcribed_page_is_there_once() -> None:
    rows = read_transcript(TRANSCRIPT)
    pages = sorted({r.page_offset for r in rows})
    # The last page (1,168,000) holds only the module's closing text.
    assert pages == list(range(0, 1_168_000, 16_000))
    seqs: dict[int, list[int]] = {}
    for r in rows:
        seqs.setdefault(r.page_offset, []).append(r.seq)
    for page, numbers in seqs.items():
        assert numbers == list(range(1, len(numbers) + 1)), page


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        ("m.gov", Meaning("settlement", "government", ("government",))),
        ("m.JaN", Meaning("settlement", "hts", ("hts",))),
        ("m.opp_hill", Meaning("hill", "opposition", ("opposition",))),
        ("m.IS_base", Meaning("base", "islamic-state", ("islamic-state",))),
        ("m.gov_opp", Meaning("settlement", "contested", ("government", "opposition"))),
        (
            "m.stable_opp_JaN",
            Meaning("settlement", "shared", ("opposition", "hts")),
        ),
        (
            "m.truce_gov_opp",
            Meaning("settlement", "truce", ("government", "opposition")),
        ),
        ("m.SDF_NE", Meaning("front-arc", "sdf", ("sdf",))),
        ("m.pass_N", Meaning("pass", "", ())),
        ("BSicon STRlf black.svg", Meaning("image", "", ())),
    ],
)
def test_mark_keys_mean_what_the_marks_module_defines(
    mark: str, expected: Meaning
) -> None:
    assert meaning(mark) == expected


def test_the_extract_in_geodata_is_the_one_the_script_makes() -> None:
    import hashlib
    import json

    provenance = json.loads((ROOT / "geodata" / "wikimap.provenance.json").read_text())
    data = (ROOT / "geodata" / "wikimap.csv").read_bytes()
    assert provenance["sha256"] == hashlib.sha256(data).hexdigest()
    assert provenance["source"]["stored_copy"]["commit"].startswith("88133659")

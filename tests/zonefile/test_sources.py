"""The bibliography, zones/sources.yaml: every citation in the zone files is a
key of it, citations read as "Publisher, 'Title', date", never as a file name."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from zonefiles import VALID, write

from mapgen.api import _popup_html
from mapgen.errors import ZoneDataError
from mapgen.export.features import collection_all
from mapgen.export.gis import source_text
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData, Source
from mapgen.site.render import _source_html
from mapgen.zonefile.bibliography import read_bibliography
from mapgen.zonefile.load import load_atlas

ROOT = Path(__file__).resolve().parents[2]
ZONES = ROOT / "zones"
CORPUS = ROOT / "tests" / "corpus"
# The share of references (citations as the zone files write them, each
# occurrence) whose bibliography entry has a URL: 87 of 121 when this was
# written. It may grow as URLs are verified; it should not shrink.
URL_SHARE = 87 / 121


def _cited(node: Any) -> Iterator[Any]:
    """Every item of every 'sources' list in a zone file's data."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                yield from value
            else:
                yield from _cited(value)
    elif isinstance(node, list):
        for item in node:
            yield from _cited(item)


def _references() -> list[Any]:
    out: list[Any] = []
    for path in sorted(ZONES.glob("*.yaml")):
        if path.name != "sources.yaml":
            out.extend(_cited(yaml.safe_load(path.read_text())))
    return out


def _all_sources(atlas: AtlasData) -> Iterator[Source]:
    for a in atlas.agreements:
        yield from a.sources
        for post in a.posts:
            yield from post.sources
        for route in a.routes:
            yield from route.sources
        for obligation in a.obligations:
            yield from obligation.sources
    for v in atlas.versions:
        yield from v.sources
        for f in v.population:
            yield from f.sources
        for e in v.events:
            yield from e.sources


@pytest.fixture(scope="module")
def bibliography() -> dict[str, Source]:
    entries, problems = read_bibliography(ZONES)
    assert problems == []
    return entries


def test_every_citation_is_a_key_of_the_bibliography(
    bibliography: dict[str, Source],
) -> None:
    references = _references()
    assert references
    assert [r for r in references if not isinstance(r, str)] == []
    assert sorted({r for r in references if r not in bibliography}) == []
    # Every entry is cited somewhere, and no internal note is a source.
    assert set(bibliography) == set(references)
    assert not any("research" in s.text for s in bibliography.values())


def test_every_loaded_source_is_a_bibliography_entry(
    atlas: AtlasData, bibliography: dict[str, Source]
) -> None:
    sources = list(_all_sources(atlas))
    assert sources
    for s in sources:
        assert s.kind == "ref", s
        assert s == bibliography[s.text]
        assert s.publisher and s.title


def test_share_of_references_with_a_url(bibliography: dict[str, Source]) -> None:
    references = _references()
    with_url = [r for r in references if bibliography[r].url]
    share = len(with_url) / len(references)
    print(
        f"{len(with_url)} of {len(references)} references ({share:.1%}) have a URL; "
        f"{sum(1 for s in bibliography.values() if s.url)} of {len(bibliography)} entries"
    )
    assert share >= URL_SHARE - 1e-9


def test_no_displayed_citation_names_a_file(
    atlas: AtlasData, resolved: Resolved
) -> None:
    shown: list[str] = []
    for s in _all_sources(atlas):
        shown.extend([s.label, _source_html(s), source_text(s.as_json())])
    for feature in collection_all(atlas, resolved)["features"]:
        shown.extend(source_text(s) for s in feature["properties"].get("sources", []))
        shown.append(_popup_html(feature["properties"]))
    assert len(shown) > 300
    assert [t for t in shown if ".txt" in t] == []


def test_labels_read_publisher_title_date(bibliography: dict[str, Source]) -> None:
    tass = bibliography["tass-944911"]
    assert tass.label == (
        "TASS, 'Russian Foreign Ministry publishes text of memorandum on Syria’s "
        "de-escalation zones', 6 May 2017"
    )
    assert (
        source_text(tass.as_json())
        == f"{tass.label} <https://tass.com/politics/944911>"
    )
    assert _source_html(tass).startswith('<a href="https://tass.com/politics/944911"')
    # A descriptive title in [brackets] is not quoted as a headline.
    assert bibliography["tass-957354"].label.startswith("TASS, [Russian MoD")
    assert bibliography["eanlibya-2018-dujarric-idlib"].label.endswith(", 2018")


def test_seed_file_names_still_read_and_resolve_to_their_entry(
    tmp_path: Path, geodata: Geodata
) -> None:
    shutil.copy(ZONES / "sources.yaml", tmp_path / "sources.yaml")
    write(tmp_path, VALID)
    atlas = load_atlas(tmp_path, geodata)
    (version,) = atlas.versions
    (source,) = version.sources
    assert source.kind == "ref" and source.text == "meo-2017-08-03-idlib-homs"
    assert source.label.startswith("Middle East Observer, 'Turkey, Russia")


def test_seed_without_a_bibliography_is_not_shown_by_file_name(
    tmp_path: Path, geodata: Geodata
) -> None:
    write(tmp_path, VALID)
    (version,) = load_atlas(tmp_path, geodata).versions
    (source,) = version.sources
    assert source.kind == "seed"
    assert ".txt" not in source.label and ".txt" not in source_text(source.as_json())


def test_unknown_key_is_a_located_error(tmp_path: Path, geodata: Geodata) -> None:
    shutil.copy(ZONES / "sources.yaml", tmp_path / "sources.yaml")
    write(
        tmp_path,
        VALID.replace("sources: [https://example.org/report]", "sources: [tass-95735]"),
    )
    with pytest.raises(ZoneDataError) as info:
        load_atlas(tmp_path, geodata)
    (problem,) = [str(p) for p in info.value.problems]
    place, message = problem.split(": ", 1)
    assert place.count(":") == 2 and place.endswith(tuple("0123456789"))
    assert message.startswith("unknown source 'tass-95735'; known sources: ")
    assert "tass-944911" in message
    assert message.endswith("(did you mean 'tass-957354'?)")


def test_bad_bibliography_gives_located_errors(
    tmp_path: Path, geodata: Geodata
) -> None:
    for path in (CORPUS / "49-bad-bibliography").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    with pytest.raises(ZoneDataError) as info:
        load_atlas(tmp_path, geodata)
    found = {
        (p.mark.path.rsplit("/", 1)[-1], p.mark.line, p.mark.col): p.message
        for p in info.value.problems
    }
    assert (
        found[("sources.yaml", 8, 3)]
        == "source 'no-title' is missing required key 'title'"
    )
    assert found[("sources.yaml", 16, 3)] == (
        "source 'no-publisher' is missing required key 'publisher'"
    )
    assert "is not a real calendar date" in found[("sources.yaml", 13, 9)]
    assert (
        "'javascript:alert(1)' is not an http(s) URL" in found[("sources.yaml", 14, 8)]
    )
    assert (
        "should be a date written YYYY-MM-DD, YYYY-MM or YYYY"
        in found[("sources.yaml", 17, 9)]
    )
    assert "is not an http(s) URL" in found[("sources.yaml", 18, 8)]
    assert "duplicate source key 'tass-944911'" in found[("sources.yaml", 22, 1)]
    # A broken entry is still known: citing it adds no 'unknown source' error.
    unknown = [m for m in found.values() if m.startswith("unknown source")]
    assert len(unknown) == 1 and "'tass-94491'" in unknown[0]


def test_the_bibliography_is_not_read_as_an_agreement(
    tmp_path: Path, geodata: Geodata
) -> None:
    shutil.copy(ZONES / "sources.yaml", tmp_path / "sources.yaml")
    write(tmp_path, VALID)
    atlas = load_atlas(tmp_path, geodata)
    assert len(atlas.agreements) == 1

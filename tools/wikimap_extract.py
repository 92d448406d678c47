"""Build geodata/wikimap.csv from the marks of Wikipedia's "Module:Syrian Civil War
detailed map", as transcribed from a stored copy of the page.

Not part of the runtime package: run it again only when the transcript changes::

    .venv/bin/python tools/wikimap_extract.py

The stored copy (repository MASangys/wikipedia.zh, commit 88133659…, path
``Page/模块:Syrian_Civil_War_detailed_map.md``) is a Markdown rendering of the Lua
module, read through the search tool's ``read_file`` in pages of 16,000
characters. Each mark of each page was transcribed into
``tools/wikimap/rows-*.tsv`` (page offset, order within the page, lat and long as
written, the mark key, the label's words and the ``link``), following the rules
that :func:`parse_marks` applies to the raw text; the unit tests check the two
agree on lines cut from the text.

The mark keys are those of ``Module:Middle East conflicts map marks`` (same
repository): a side (``gov``, ``opp``, ``SDF``, ``JaN``, ``IS``, ``Trk``, ``lcl``,
``spc``), optionally followed by a symbol (``hill``, ``base``, ``air``, ``heli``,
``naval``, ``industry``, ``oil``, ``siege``, ``rural3``, ``rural4``) or a direction
(front arcs); two or three sides joined (``gov_opp``: contested) or ``stable_``
sides (held together); ``truce_gov_opp``; ``pass_*`` and ``dam_*``.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPT = ROOT / "tools" / "wikimap"
OUT = ROOT / "geodata" / "wikimap.csv"
PROVENANCE = ROOT / "geodata" / "wikimap.provenance.json"

SOURCE = {
    "title": "Module:Syrian Civil War detailed map",
    "publisher": "Wikipedia contributors",
    "licence": "CC BY-SA 4.0 (Wikipedia contributors); this extract is shared alike",
    "stored_copy": {
        "repository": "MASangys/wikipedia.zh",
        "commit": "88133659faef02113e86a3084a77fd793d5e88b6",
        "path": "Page/模块:Syrian_Civil_War_detailed_map.md",
        "characters": 1171283,
        "read_with": "the search tool's read_file, 16,000 characters a page",
    },
    "mark_keys": {
        "repository": "MASangys/wikipedia.zh",
        "commit": "88133659faef02113e86a3084a77fd793d5e88b6",
        "path": "Page/模块:Middle_East_conflicts_map_marks.md",
    },
}

SIDES = {
    "gov": "government",
    "opp": "opposition",
    "JaN": "hts",
    "IS": "islamic-state",
    "SDF": "sdf",
    "Trk": "turkey-backed",
    "lcl": "local",
    "spc": "special",
}
SYMBOLS = {
    "hill": "hill",
    "base": "base",
    "air": "airbase",
    "heli": "airbase",
    "naval": "base",
    "industry": "industry",
    "oil": "oil",
    "siege": "siege",
    "rural3": "rural",
    "rural4": "rural",
}
DIRECTIONS = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"}
# About 3 km.
BORDER_SLACK_DEGREES = 0.03
FIELDS = ["page_offset", "seq", "lat", "long", "mark", "label", "link"]


@dataclass(frozen=True)
class Row:
    """One mark as transcribed: numbers and words exactly as the module has them."""

    page_offset: int
    seq: int
    lat: str
    long: str
    mark: str
    label: str
    link: str


@dataclass(frozen=True)
class Meaning:
    """What a mark key says: the kind of place and who held it."""

    kind: str  # settlement, hill, base, airbase, industry, oil, siege, rural, ...
    side: str  # an atlas side, "contested", "shared", "truce" or "" (none)
    sides: tuple[str, ...]  # the atlas sides the key names


def meaning(mark: str) -> Meaning:
    """The kind and side a mark key encodes (``m.`` prefix optional)."""
    key = mark.removeprefix("m.")
    if not re.fullmatch(r"[A-Za-z0-9_]+", key):
        return Meaning("image", "", ())
    parts = key.split("_")
    if parts[0] in ("pass", "dam"):
        return Meaning(parts[0], "", ())
    if parts[0] == "truce":
        sides = tuple(SIDES[p] for p in parts[1:] if p in SIDES)
        return Meaning("settlement", "truce", sides)
    stable = parts[0] == "stable"
    if stable:
        parts = parts[1:]
    sides = tuple(SIDES[p] for p in parts if p in SIDES)
    rest = [p for p in parts if p not in SIDES]
    if not sides:
        return Meaning("unknown", "", ())
    if rest:
        symbol = rest[0]
        if len(rest) == 1 and symbol in SYMBOLS and len(sides) == 1:
            return Meaning(SYMBOLS[symbol], sides[0], sides)
        if len(rest) == 1 and symbol in DIRECTIONS and len(sides) == 1:
            return Meaning("front-arc", sides[0], sides)
        return Meaning("unknown", "", sides)
    if len(sides) == 1:
        return Meaning("settlement", sides[0], sides)
    return Meaning("settlement", "shared" if stable else "contested", sides)


# -- the raw module text ---------------------------------------------------------

_ENTRY = re.compile(
    r"\{\s*lat\s*=\s*(?P<lat>[-0-9.]+)\s*,\s*long\s*=\s*(?P<long>[-0-9.]+)"
)
_MARK = re.compile(r"\bmark\s*=\s*(?:m\.(?P<key>[A-Za-z0-9_]+)|\"(?P<image>[^\"]*)\")")
_LINK = re.compile(r"\blink\s*=\s*\"(?P<link>[^\"]*)\"")
_LABEL_LINKED = re.compile(r"label\s*=\s*\"`\[`(?P<words>.*?)`\]\(")
_LABEL_PLAIN = re.compile(r"label\s*=\s*\"(?P<text>[^\"`]*)\"")


def parse_marks(text: str, page_offset: int) -> list[Row]:
    """The marks of one page of the stored copy, by the transcription's rules:
    commented lines are skipped; a label's words split by the converter's
    ````   ```` are joined by one space; the link is the ``link`` field only."""
    rows: list[Row] = []
    for line in text.splitlines():
        body = line.strip().strip("`").strip()
        if body.startswith("--"):
            continue
        entry = _ENTRY.search(body)
        mark = _MARK.search(body)
        if entry is None or mark is None:
            continue
        link = _LINK.search(body)
        rows.append(
            Row(
                page_offset,
                len(rows) + 1,
                entry["lat"],
                entry["long"],
                f"m.{mark['key']}" if mark["key"] else mark["image"],
                _label(body),
                link["link"] if link else "",
            )
        )
    return rows


def _label(body: str) -> str:
    linked = _LABEL_LINKED.search(body)
    if linked:
        words = linked["words"].split("``   ``")
        return " ".join(" ".join(w.strip("`").split()) for w in words).strip()
    plain = _LABEL_PLAIN.search(body)
    return plain["text"].strip() if plain else ""


# -- the transcript and the extract --------------------------------------------


def read_transcript(folder: Path) -> list[Row]:
    rows: list[Row] = []
    for path in sorted(folder.glob("rows-*.tsv")):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if reader.fieldnames != FIELDS:
                raise SystemExit(f"{path}: the header should be {FIELDS}")
            for n, rec in enumerate(reader, start=2):
                try:
                    rows.append(
                        Row(
                            int(rec["page_offset"]),
                            int(rec["seq"]),
                            rec["lat"],
                            rec["long"],
                            rec["mark"],
                            rec["label"] or "",
                            rec["link"] or "",
                        )
                    )
                except (TypeError, ValueError) as exc:
                    raise SystemExit(f"{path}:{n}: {exc}") from None
    return rows


def clean_name(label: str, link: str) -> str:
    """The place's name: the label without markup, else the link's last part."""
    text = re.sub(r"<[^>]*>", " ", html.unescape(label))
    # The converter's backticks and the module's own (an ayn in some names) are
    # dropped alike, so that every transcript page gives the same name.
    text = " ".join(text.replace("\u2011", "-").replace("`", "").split())
    if not text and link:
        text = link.split("#")[-1].replace("_", " ").strip()
    return text


def main() -> int:
    rows = read_transcript(TRANSCRIPT)
    digest = hashlib.sha256()
    for path in sorted(TRANSCRIPT.glob("rows-*.tsv")):
        digest.update(path.read_bytes())
    features = json.loads((ROOT / "geodata" / "governorates.geojson").read_text())
    govs = [
        (f["properties"]["iso"], shape(f["geometry"])) for f in features["features"]
    ]
    # Natural Earth's border is off by a kilometre or two in places: villages
    # that the module puts just across it are Syrian villages, kept.
    syria = shapely.union_all([g for _, g in govs]).buffer(BORDER_SLACK_DEGREES)
    shapely.prepare(syria)
    dropped: Counter[str] = Counter()
    seen: set[tuple[str, str, str, str]] = set()
    out: list[dict[str, str | int | float]] = []
    for row in rows:
        what = meaning(row.mark)
        if what.kind in ("image", "unknown"):
            dropped[f"not a place mark ({what.kind})"] += 1
            continue
        try:
            lat, lon = float(row.lat), float(row.long)
        except ValueError:
            dropped["coordinate not a number"] += 1
            continue
        point = shapely.Point(lon, lat)
        if not syria.covers(point):
            dropped["outside Syria"] += 1
            continue
        key = (row.lat, row.long, row.mark, row.label)
        if key in seen:
            dropped["repeated exactly"] += 1
            continue
        seen.add(key)
        gov = min(govs, key=lambda cg: cg[1].distance(point))[0]
        out.append(
            {
                "name": clean_name(row.label, row.link),
                "lat": lat,
                "lon": lon,
                "kind": what.kind,
                "side": what.side,
                "sides": "+".join(what.sides),
                "mark": row.mark.removeprefix("m."),
                "governorate": gov,
                "page_offset": row.page_offset,
                "seq": row.seq,
                "link": row.link,
            }
        )
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    kinds = Counter(str(r["kind"]) for r in out)
    provenance = {
        "generated_by": "tools/wikimap_extract.py",
        "source": SOURCE,
        "transcript": {
            "files": [p.name for p in sorted(TRANSCRIPT.glob("rows-*.tsv"))],
            "rows": len(rows),
            "sha256": digest.hexdigest(),
            "note": (
                "Each mark of each 16,000-character page of the stored copy, "
                "transcribed (numbers as written; label words joined; link field "
                "only). The stored copy itself is not on this machine: its text was "
                "read page by page, and this is the transcript's hash, not the page's."
            ),
        },
        "filter": (
            "Place marks only (image marks dropped); points within about 3 km "
            "(0.03 degrees) of Syria's 14 governorates and the UNDOF area in "
            "geodata/governorates.geojson (Natural Earth's border is that coarse; "
            "'governorate' is the nearest one); exact "
            "repeats (same lat, long, mark and label) once. 'side' is the atlas's "
            "side for a one-side key, 'contested' (two or three sides, animated), "
            "'shared' (stable_*) or 'truce' (truce_gov_opp); 'sides' lists them."
        ),
        "rows_written": len(out),
        "rows_dropped": dict(sorted(dropped.items())),
        "kinds": dict(sorted(kinds.items())),
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
    }
    PROVENANCE.write_text(json.dumps(provenance, indent=1, ensure_ascii=False) + "\n")
    print(
        f"Wrote {len(out)} marks to {OUT.relative_to(ROOT)}; dropped {dict(dropped)}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Read the dense gazetteer: the marks of Wikipedia's "Module:Syrian Civil War
detailed map" (``geodata/wikimap.csv``, made by ``tools/wikimap_extract.py``).

Each row is a place the map marks and the side it gave it on the day of its
snapshot. Rows are checked like the zone files: every problem at once, each at
``file:line:col``, and nothing is built from a damaged extract.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from mapgen.errors import Mark, Problem

FILE_NAME = "wikimap.csv"
COLUMNS = (
    "name",
    "lat",
    "lon",
    "kind",
    "side",
    "sides",
    "mark",
    "governorate",
    "page_offset",
    "seq",
    "link",
)
# Kinds whose side says who held the ground around them; passes and front arcs
# are drawing aids, not places.
GROUND_KINDS = ("settlement", "hill", "base", "airbase", "industry", "oil")
KINDS = (*GROUND_KINDS, "pass", "front-arc")
SIDES = (
    "government",
    "opposition",
    "hts",
    "islamic-state",
    "sdf",
    "turkey-backed",
    "contested",
    "shared",
    "truce",
    "",
)
# The extract keeps points within about 3 km of Natural Earth's border.
BORDER_SLACK_DEGREES = 0.035
_MAX_ROWS = 50_000


@dataclass(frozen=True)
class MapPlace:
    """One mark of the map's snapshot."""

    key: str  # "wikimap:PAGE:SEQ", stable across rebuilds of the extract
    line: int  # in the CSV file, for messages
    name: str
    lon: float
    lat: float
    kind: str
    side: str  # the side the map gave it ("contested", "shared", "truce" or one side)
    sides: tuple[str, ...]  # the sides its mark names
    governorate: str

    @property
    def ground_side(self) -> str | None:
        """The side whose ground the place stands for: its own side; the first
        named side of a place held jointly ("shared") or under a local truce;
        "contested" where the map shows fighting; None for drawing aids."""
        if self.kind not in GROUND_KINDS or not self.side:
            return None
        if self.side in ("shared", "truce"):
            return self.sides[0] if self.sides else None
        return self.side


def read_marks(
    data: bytes, path: str, syria: BaseGeometry, governorates: list[str]
) -> tuple[list[MapPlace], list[Problem]]:
    """The places of an extract, and every problem found in it."""
    problems: list[Problem] = []

    def problem(line: int, col: int, message: str) -> None:
        problems.append(Problem(Mark(path, line, col), message))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problem(
            1,
            1,
            "the gazetteer extract is not UTF-8 text; rebuild it with tools/wikimap_extract.py",
        )
        return [], problems
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != COLUMNS:
        problem(1, 1, f"the gazetteer extract's header should be {','.join(COLUMNS)}")
        return [], problems
    if len(rows) > _MAX_ROWS:
        problem(
            1,
            1,
            f"the gazetteer extract has {len(rows) - 1:,} rows; at most {_MAX_ROWS - 1:,} are read",
        )
        return [], problems
    shapely.prepare(syria)
    out: list[MapPlace] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        place = _place(row, line, syria, governorates, problem)
        if place is None:
            continue
        if place.key in seen:
            problem(
                line,
                1,
                f"mark {place.key} is already on line {seen[place.key]}; each page and order is written once",
            )
            continue
        seen[place.key] = line
        out.append(place)
    return out, problems


def _column(name: str) -> int:
    return COLUMNS.index(name) + 1


def _place(
    row: list[str],
    line: int,
    syria: BaseGeometry,
    governorates: list[str],
    problem: object,
) -> MapPlace | None:
    report = problem  # typed loosely above to keep the signature short
    assert callable(report)
    if len(row) != len(COLUMNS):
        report(
            line,
            1,
            f"this row has {len(row)} fields; expected {len(COLUMNS)} ({','.join(COLUMNS)})",
        )
        return None
    fields = dict(zip(COLUMNS, row, strict=True))
    ok = True
    numbers: dict[str, float] = {}
    for name in ("lat", "lon"):
        try:
            value = float(fields[name])
            if value != value or abs(value) > 180:  # NaN or absurd
                raise ValueError
            numbers[name] = value
        except ValueError:
            report(
                line, _column(name), f"'{fields[name]}' is not a {name}itude in degrees"
            )
            ok = False
    for name in ("page_offset", "seq"):
        if not fields[name].isdigit() or len(fields[name]) > 9:
            report(line, _column(name), f"'{fields[name]}' should be a whole number")
            ok = False
    if fields["kind"] not in KINDS:
        report(
            line,
            _column("kind"),
            f"unknown kind '{fields['kind']}'; expected one of: {', '.join(KINDS)}",
        )
        ok = False
    if fields["side"] not in SIDES:
        report(
            line,
            _column("side"),
            f"unknown side '{fields['side']}'; expected one of: {', '.join(s for s in SIDES if s)}",
        )
        ok = False
    sides = tuple(s for s in fields["sides"].split("+") if s)
    if any(s not in SIDES for s in sides):
        report(
            line, _column("sides"), f"'{fields['sides']}' should be sides joined by '+'"
        )
        ok = False
    if fields["governorate"] not in governorates:
        report(
            line,
            _column("governorate"),
            f"unknown governorate code '{fields['governorate']}'",
        )
        ok = False
    if not fields["name"].strip() and fields["kind"] in GROUND_KINDS:
        report(line, _column("name"), "a place needs a name")
        ok = False
    if not ok:
        return None
    lat, lon = numbers["lat"], numbers["lon"]
    point = shapely.Point(lon, lat)
    if not syria.covers(point) and syria.distance(point) > BORDER_SLACK_DEGREES:
        report(
            line,
            _column("lat"),
            f"({lat}, {lon}) lies outside Syria; the extract keeps only places in Syria",
        )
        return None
    return MapPlace(
        key=f"wikimap:{int(fields['page_offset'])}:{int(fields['seq'])}",
        line=line,
        name=fields["name"].strip(),
        lon=lon,
        lat=lat,
        kind=fields["kind"],
        side=fields["side"],
        sides=sides,
        governorate=fields["governorate"],
    )

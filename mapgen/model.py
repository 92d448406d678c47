"""Typed agreements and zones, as the zone files describe them."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from mapgen.errors import Mark, Problem
from mapgen.geodata.extracts import Town
from mapgen.vocabulary import PRECISIONS as PRECISIONS
from mapgen.vocabulary import ZONE_KINDS

KINDS = ZONE_KINDS
FATES = ("retaken", "superseded", "expired", "surrendered")
# How a dated state ends when the control data stops (never written in a file).
PAST_HORIZON = "past-horizon"
# In this order on a shared date: a revision precedes its own maps and entry into force.
STAGES = ("declared", "revised", "maps-agreed", "in-force", "ended")
STATUSES = ("done", "partly-done", "not-done", "pending")


@dataclass(frozen=True)
class Source:
    """A bibliography entry (by key, from ``zones/sources.yaml``), a seed
    article, a URL, or a printed reference."""

    kind: str  # "ref", "seed", "url" or "cite"
    text: str  # the key, the seed's file name, the URL or the reference as written
    url: str | None = None
    publisher: str | None = None
    title: str | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    author: str | None = None

    @property
    def label(self) -> str:
        """The citation as a reader sees it: "Publisher, 'Title', 15 Sep 2017".
        A title in [square brackets] describes an item whose headline is not
        known, so it is not quoted."""
        if not (self.publisher or self.title):
            return self.text
        parts = [self.publisher] if self.publisher else []
        if self.title:
            bracketed = self.title.startswith("[") and self.title.endswith("]")
            parts.append(self.title if bracketed else f"'{self.title}'")
        if self.date:
            parts.append(readable_date(self.date))
        return ", ".join(parts)

    def as_json(self) -> dict[str, str]:
        out = {"kind": self.kind, "text": self.text, "label": self.label}
        for name in ("url", "publisher", "title", "date", "author"):
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


_MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def readable_date(text: str) -> str:
    """'2017-09-15' as '15 Sep 2017', '2017-09' as 'Sep 2017', '2018' as is."""
    pieces = text.split("-")
    if len(pieces) >= 2 and pieces[1].isdigit() and 1 <= int(pieces[1]) <= 12:
        month = _MONTHS[int(pieces[1]) - 1]
        if len(pieces) == 3 and pieces[2].isdigit():
            return f"{int(pieces[2])} {month} {pieces[0]}"
        return f"{month} {pieces[0]}"
    return text


@dataclass(frozen=True)
class Figure:
    """One reported number, e.g. 147,000 people, with who reported it."""

    value: int
    of: str
    sources: tuple[Source, ...]
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "value": self.value,
            "of": self.of,
            "sources": [s.as_json() for s in self.sources],
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Part:
    """A piece of an extent: a whole governorate, towns widened and hulled, or an
    outline; always clipped to ``governorate`` when one is named."""

    mark: Mark = field(repr=False, compare=False)
    governorate: str | None
    towns: tuple[Town, ...] = ()
    buffer_km: float = 0.0
    outline: tuple[tuple[float, float], ...] = ()
    basis: str | None = None

    @property
    def whole(self) -> bool:
        return not self.towns and not self.outline


@dataclass(frozen=True)
class Extent:
    include: tuple[Part, ...]
    exclude: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Band:
    """The part of ``base`` within ``inner_km`` of its front line: its boundary
    less the international border and any ``not_along`` areas."""

    mark: Mark = field(repr=False, compare=False)
    base: str
    min_km: float
    max_km: float
    inner_km: float
    basis: str
    not_along: tuple[Part, ...] = ()
    # Measure from where the base zone meets this side's territory (the real
    # front), rather than from its whole outline.
    facing: str | None = None


@dataclass(frozen=True)
class Slice:
    """One of ``parts`` equal-area slices of ``base`` across an axis (schematic)."""

    mark: Mark = field(repr=False, compare=False)
    base: str
    bearing_deg: float
    parts: int
    index: int
    basis: str


@dataclass(frozen=True)
class Event:
    """A step in a zone's life: declared, maps agreed, in force, revised, ended."""

    stage: str
    date: dt.date
    note: str | None
    sources: tuple[Source, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "date": self.date.isoformat(),
            "note": self.note,
            "sources": [s.as_json() for s in self.sources],
        }


@dataclass(frozen=True)
class AgreementRef:
    slug: str
    date: dt.date
    title: str


@dataclass(frozen=True)
class ZoneVersion:
    """One zone as one agreement defined it, for ``valid_from <= D < valid_to``."""

    mark: Mark
    zone_id: str
    version: int
    name: str
    kind: str
    agreement: AgreementRef
    governorates: tuple[str, ...]
    extent: Extent | None
    derived: Band | Slice | None
    valid_from: dt.date
    valid_to: dt.date | None
    fate: str | None
    fate_note: str | None
    precision: str
    precision_note: str | None
    guarantors: tuple[str, ...]
    population: tuple[Figure, ...]
    sources: tuple[Source, ...]
    notes: str | None
    events: tuple[Event, ...] = ()
    # The sides whose ground the zone covered: its shape on a date is its
    # declared area intersected with their territory on that date.
    held_by: tuple[str, ...] = ()
    # For a dated state of a version (see mapgen.geometry.states): the first
    # day of the version it belongs to; None for the version as declared.
    declared_from: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.zone_id}@{self.valid_from.isoformat()}"

    @property
    def definition(self) -> str:
        """What the shape is made from, without line numbers: equal definitions
        give equal shapes (a derived zone adds its base's shape to this)."""
        return repr((self.governorates, self.extent, self.derived))

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True)
class Post:
    """An observation post, drawn from the day it was set up."""

    mark: Mark
    post_id: str
    number: int
    name: str
    agreement: AgreementRef
    established: dt.date
    established_as_reported: str
    lon: float | None
    lat: float | None
    near: Part | None
    precision: str
    precision_note: str | None
    sources: tuple[Source, ...]
    notes: str | None

    def in_force(self, on: dt.date) -> bool:
        return self.established <= on


@dataclass(frozen=True)
class Route:
    """A road drawn through gazetteer towns, in order."""

    mark: Mark
    route_id: str
    name: str
    agreement: AgreementRef
    towns: tuple[Town, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    precision: str
    precision_note: str | None
    sources: tuple[Source, ...]
    notes: str | None

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True)
class Obligation:
    """What an agreement required, by when, about which zones or routes, and
    what happened."""

    mark: Mark
    obligation_id: str
    what: str
    agreement: AgreementRef
    due: dt.date
    concerns: tuple[str, ...]
    status: str
    outcome: str | None
    sources: tuple[Source, ...]

    def status_on(self, on: dt.date) -> str:
        """'pending' before the due date, then the recorded outcome."""
        return "pending" if on < self.due else self.status

    def as_json(self, on: dt.date | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.obligation_id,
            "what": self.what,
            "agreement": {
                "date": self.agreement.date.isoformat(),
                "title": self.agreement.title,
            },
            "due": self.due.isoformat(),
            "concerns": list(self.concerns),
            "outcome_status": self.status,
            "outcome": self.outcome,
            "sources": [s.as_json() for s in self.sources],
        }
        if on is not None:
            out["status_on_date"] = self.status_on(on)
        return out


@dataclass(frozen=True)
class Agreement:
    mark: Mark
    slug: str
    date: dt.date
    title: str
    parties: tuple[str, ...]
    guarantors: tuple[str, ...]
    venue: str
    summary: str | None
    sources: tuple[Source, ...]
    zones: tuple[ZoneVersion, ...] = field(default=())
    posts: tuple[Post, ...] = field(default=())
    routes: tuple[Route, ...] = field(default=())
    obligations: tuple[Obligation, ...] = field(default=())

    @property
    def ref(self) -> AgreementRef:
        return AgreementRef(self.slug, self.date, self.title)


@dataclass(frozen=True)
class AtlasData:
    """Everything the zone files say, checked and cross-referenced."""

    agreements: tuple[Agreement, ...]
    versions: tuple[ZoneVersion, ...]
    posts: tuple[Post, ...] = ()
    routes: tuple[Route, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    # Who held each settlement when (zones/control), once it is read.
    control: Control = field(default_factory=lambda: Control(()))

    @property
    def dates(self) -> list[dt.date]:
        return sorted({a.date for a in self.agreements})

    def in_force(self, on: dt.date) -> list[ZoneVersion]:
        return [v for v in self.versions if v.in_force(on)]

    def posts_on(self, on: dt.date) -> list[Post]:
        return [p for p in self.posts if p.in_force(on)]

    def routes_on(self, on: dt.date) -> list[Route]:
        return [r for r in self.routes if r.in_force(on)]

    def obligations_on(self, on: dt.date) -> list[Obligation]:
        """Obligations of agreements made by ``on``."""
        return [o for o in self.obligations if o.agreement.date <= on]

    def history(self, zone_id: str) -> list[ZoneVersion]:
        return [v for v in self.versions if v.zone_id == zone_id]

    def lifecycle(self, zone_id: str) -> list[Event]:
        """The zone's life across its versions, in date order."""
        everything = self.history(zone_id)
        if not everything:
            return []
        # A version's dated states after its first do not revise it; its first
        # state may be missing (no ground held on its first day), so versions
        # are told apart by the day they were declared.
        declared: dict[dt.date, ZoneVersion] = {}
        for v in everything:
            declared.setdefault(v.declared_from or v.valid_from, v)
        events: list[Event] = []
        for i, (day, v) in enumerate(sorted(declared.items(), key=lambda kv: kv[0])):
            stage = "revised" if i else "declared"
            events.append(Event(stage, day, f"by the {v.agreement.title}", ()))
            events.extend(v.events)
        last = everything[-1]
        if last.valid_to is not None:
            note = f"{last.fate}" + (f": {last.fate_note}" if last.fate_note else "")
            events.append(Event("ended", last.valid_to, note, last.sources))
        order = {stage: i for i, stage in enumerate(STAGES)}
        return sorted(events, key=lambda e: (e.date, order[e.stage]))


# -- control of settlements (zones/control) -------------------------------------

SIDES = {
    "government": "Syrian army and allied militias",
    "opposition": "armed opposition factions",
    "hts": "Hayat Tahrir al-Sham (ex-Jabhat al-Nusra), where a source names it",
    "islamic-state": "the Islamic State and affiliates (Jaysh Khalid ibn al-Walid)",
    "sdf": "the SDF / YPG",
    "turkey-backed": "the Turkish army and the factions it backs",
    "contested": "fought over, with no holder",
}


@dataclass(frozen=True)
class Citation:
    key: str
    title: str
    publisher: str | None
    date: dt.date | None
    url: str | None
    read_at: str | None


# The atlas's control data starts here: a side known only from a later fact is
# carried back no further than this day.
CONTROL_START = dt.date(2016, 1, 1)


@dataclass(frozen=True)
class Fact:
    """What one source says of one settlement: a ``change`` ("taken by ``side``
    on ``day``", from ``was`` where the source says so) or an ``attested`` hold
    ("held by ``side`` on ``day``")."""

    mark: Mark
    day: dt.date
    kind: str  # "change" or "attested"
    side: str
    was: str | None
    sources: tuple[Citation, ...]
    note: str | None


@dataclass(frozen=True)
class Spell:
    """From ``start`` (until the next spell), ``side`` held the settlement.

    ``inferred`` spells are the atlas's assumption, not a source's word: a side
    carried back before a settlement's first fact, a map snapshot's side carried
    forward, or a neighbour's history followed; ``note`` then says which."""

    start: dt.date
    side: str
    sources: tuple[Citation, ...]
    note: str | None
    inferred: bool = False


@dataclass(frozen=True)
class Settlement:
    mark: Mark
    front: str
    name: str
    name_ar: str
    governorate: str
    lon: float
    lat: float
    coords: Citation
    geonames: int | None
    history: tuple[Spell, ...]
    # "settlement", or a non-settlement the map marks (hill, base, airbase,
    # industry, oil): each still says who held the ground around it.
    kind: str = "settlement"
    # Where the place comes from: "curated" (a control file) or "wikimap" (the
    # Wikipedia detailed map's gazetteer, geodata/wikimap.csv).
    origin: str = "curated"
    # The facts its history was drawn from (a curated settlement's own).
    facts: tuple[Fact, ...] = ()

    def spell_on(self, day: dt.date) -> Spell | None:
        """The spell in force on ``day``, or None before the history begins."""
        held = None
        for spell in self.history:
            if spell.start <= day:
                held = spell
        return held

    def side_on(self, day: dt.date) -> str | None:
        """Who held it on ``day``, or None before its history begins."""
        held = None
        for spell in self.history:
            if spell.start <= day:
                held = spell.side
        return held


@dataclass(frozen=True)
class Front:
    front_id: str
    title: str
    covers: str | None
    horizon: dt.date
    settlements: tuple[Settlement, ...]
    # Where the file writes its horizon (the earliest one cuts all control data).
    horizon_mark: Mark | None = None


@dataclass(frozen=True)
class Control:
    """Every front's settlements; ``horizon`` is the earliest of the fronts'
    horizons, the last date all the control data is kept to."""

    fronts: tuple[Front, ...]
    # Worth saying, not errors: where the map's snapshot and a file disagree.
    warnings: tuple[Problem, ...] = ()

    @functools.cached_property
    def settlements(self) -> tuple[Settlement, ...]:
        return tuple(s for f in self.fronts for s in f.settlements)

    @property
    def horizon(self) -> dt.date | None:
        return min((f.horizon for f in self.fronts), default=None)

    @property
    def horizon_front(self) -> Front | None:
        """The front whose horizon is the atlas's: the earliest."""
        return min(self.fronts, key=lambda f: f.horizon, default=None)

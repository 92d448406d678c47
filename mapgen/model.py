"""Typed agreements and zones, as the zone files describe them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mapgen.errors import Mark
from mapgen.geodata import Town

KINDS = (
    "ceasefire",
    "de-escalation-zone",
    "demilitarized-zone",
    "operational-sub-zone",
)
PRECISIONS = {
    "exact": "follows administrative boundaries from Natural Earth",
    "approximate": "traced by the project from named towns and/or a drawn outline",
    "schematic": "indicative only: the sources name the area, not its limits",
}
FATES = ("retaken", "superseded", "expired", "surrendered")


@dataclass(frozen=True)
class Source:
    """A seed article (by file name), a URL, or a printed reference."""

    kind: str  # "seed", "url" or "cite"
    text: str
    url: str | None = None

    def as_json(self) -> dict[str, str]:
        out = {"kind": self.kind, "text": self.text}
        if self.url:
            out["url"] = self.url
        return out


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

    mark: Mark
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

    @property
    def key(self) -> str:
        return f"{self.zone_id}@{self.valid_from.isoformat()}"

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


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

    @property
    def ref(self) -> AgreementRef:
        return AgreementRef(self.slug, self.date, self.title)


@dataclass(frozen=True)
class Atlas:
    """Everything the zone files say, checked and cross-referenced."""

    agreements: tuple[Agreement, ...]
    versions: tuple[ZoneVersion, ...]

    @property
    def dates(self) -> list[dt.date]:
        return sorted({a.date for a in self.agreements})

    def in_force(self, on: dt.date) -> list[ZoneVersion]:
        return [v for v in self.versions if v.in_force(on)]

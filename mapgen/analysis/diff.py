"""What changed between two dates: area added, removed and unchanged, per zone
and per governorate (km² in an equal-area projection), and the towns that
entered or left the zones.

Ceasefires are left out of the areas: the nationwide ceasefire covers the whole
country on both sides of most comparisons and would only hide the zones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from mapgen.export.csvcells import text_cell
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.geojson import dumps_compact, feature_collection, geometry_json
from mapgen.geometry.projection import area_km2
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData, ZoneVersion

COUNTED = ("de-escalation-zone", "demilitarized-zone", "operational-sub-zone")


@dataclass(frozen=True)
class Row:
    """One line of a difference table."""

    ident: str
    name: str
    km2_a: float
    km2_b: float
    added: float
    removed: float

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.ident,
            "name": self.name,
            "km2_a": round(self.km2_a, 1),
            "km2_b": round(self.km2_b, 1),
            "added": round(self.added, 1),
            "removed": round(self.removed, 1),
        }


@dataclass(frozen=True)
class Diff:
    a: dt.date
    b: dt.date
    zones: tuple[Row, ...]
    governorates: tuple[Row, ...]
    total: Row
    towns_entered: tuple[str, ...]
    towns_left: tuple[str, ...]
    added: BaseGeometry
    removed: BaseGeometry
    unchanged: BaseGeometry

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a.isoformat(),
            "b": self.b.isoformat(),
            "zones": [r.as_json() for r in self.zones],
            "governorates": [r.as_json() for r in self.governorates],
            "total": self.total.as_json(),
            "towns_entered": list(self.towns_entered),
            "towns_left": list(self.towns_left),
            "geojson": self.geojson(),
        }

    def geojson(self) -> dict[str, Any]:
        features = []
        for change, geom in (
            ("added", self.added),
            ("removed", self.removed),
            ("unchanged", self.unchanged),
        ):
            if geom.is_empty:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": change,
                    "properties": {
                        "change": change,
                        "from": self.a.isoformat(),
                        "to": self.b.isoformat(),
                        "km2": round(area_km2(geom), 1),
                    },
                    "geometry": geometry_json(geom),
                }
            )
        return feature_collection(features)


def _union(geoms: list[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(geoms) if geoms else shapely.Polygon()


def _clean(geom: BaseGeometry) -> BaseGeometry:
    """Drop slivers of under 0.01 km² left by set operations on shared edges."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    kept = [g for g in parts if area_km2(g) >= 0.01]
    return shapely.MultiPolygon(kept) if kept else shapely.Polygon()


def _km2(geom: BaseGeometry) -> float:
    return 0.0 if geom.is_empty else area_km2(geom)


class Differ:
    """Computes differences between dates, remembering what pairs share.

    The site compares every pair of states; most pairs share zone versions,
    unions and governorate overlaps, so each is computed once."""

    def __init__(self, atlas: AtlasData, resolved: Resolved, geodata: Geodata) -> None:
        self.atlas, self.resolved, self.geodata = atlas, resolved, geodata
        self.codes = geodata.governorate_codes
        self.govs = [geodata.governorates[c].geometry for c in self.codes]
        shapely.prepare(self.govs)
        self.towns = sorted(geodata.gazetteer.towns, key=lambda t: t.name)
        self.points = shapely.points([(t.lon, t.lat) for t in self.towns])
        self._unions: dict[frozenset[str], tuple[BaseGeometry, list[float]]] = {}
        self._zone_rows: dict[tuple[str, str], tuple[float, float]] = {}

    def _state(self, versions: list[ZoneVersion]) -> tuple[BaseGeometry, list[float]]:
        """The union of the versions, and its km² in each governorate."""
        key = frozenset(v.key for v in versions)
        if key not in self._unions:
            union = _union([self.resolved.of(v) for v in versions])
            per_gov = [_km2(g) for g in shapely.intersection(union, self.govs)]
            self._unions[key] = (union, per_gov)
        return self._unions[key]

    def _zone_row(
        self, zone_id: str, va: ZoneVersion | None, vb: ZoneVersion | None
    ) -> Row:
        name = (vb or va).name  # type: ignore[union-attr]
        km2_a = self.resolved.area_km2(va) if va else 0.0
        km2_b = self.resolved.area_km2(vb) if vb else 0.0
        if va is None or vb is None or va.key == vb.key:
            added = km2_b if va is None else 0.0
            removed = km2_a if vb is None else 0.0
            return Row(zone_id, name, km2_a, km2_b, added, removed)
        pair = (va.key, vb.key)
        if pair not in self._zone_rows:
            ga, gb = self.resolved.of(va), self.resolved.of(vb)
            self._zone_rows[pair] = (
                _km2(_clean(gb.difference(ga))),
                _km2(_clean(ga.difference(gb))),
            )
        added, removed = self._zone_rows[pair]
        return Row(zone_id, name, km2_a, km2_b, added, removed)

    def diff(self, a: dt.date, b: dt.date) -> Diff:
        va = {v.zone_id: v for v in self.atlas.in_force(a) if v.kind in COUNTED}
        vb = {v.zone_id: v for v in self.atlas.in_force(b) if v.kind in COUNTED}
        rows = tuple(
            self._zone_row(z, va.get(z), vb.get(z)) for z in sorted(set(va) | set(vb))
        )
        ua, gov_a = self._state(list(va.values()))
        ub, gov_b = self._state(list(vb.values()))
        added = _clean(ub.difference(ua))
        removed = _clean(ua.difference(ub))
        added_by_gov = [_km2(g) for g in shapely.intersection(added, self.govs)]
        removed_by_gov = [_km2(g) for g in shapely.intersection(removed, self.govs)]
        govs = tuple(
            Row(
                code,
                self.geodata.governorates[code].name,
                gov_a[i],
                gov_b[i],
                added_by_gov[i],
                removed_by_gov[i],
            )
            for i, code in enumerate(self.codes)
            if gov_a[i] or gov_b[i]
        )
        total = Row(
            "total", "All zones (union)", _km2(ua), _km2(ub), _km2(added), _km2(removed)
        )
        inside_a = shapely.contains(ua, self.points)
        inside_b = shapely.contains(ub, self.points)
        pairs = list(zip(self.towns, inside_a, inside_b, strict=True))
        return Diff(
            a,
            b,
            rows,
            govs,
            total,
            tuple(t.name for t, in_a, in_b in pairs if in_b and not in_a),
            tuple(t.name for t, in_a, in_b in pairs if in_a and not in_b),
            added,
            removed,
            _clean(ua.intersection(ub)),
        )


def diff(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, a: dt.date, b: dt.date
) -> Diff:
    """What changed between ``a`` and ``b``."""
    return Differ(atlas, resolved, geodata).diff(a, b)


def as_table(d: Diff) -> str:
    lines = [f"Changes from {d.a} to {d.b} (km², equal-area projection)", ""]
    header = f"{'':<44}{'km² then':>12}{'km² now':>12}{'added':>12}{'removed':>12}"
    for title, rows in (("Zones", d.zones), ("Governorates", d.governorates)):
        lines += [title, header]
        for r in rows:
            lines.append(
                f"  {r.name[:42]:<42}{r.km2_a:>12,.1f}{r.km2_b:>12,.1f}{r.added:>12,.1f}{r.removed:>12,.1f}"
            )
        lines.append("")
    t = d.total
    lines.append(
        f"{t.name:<44}{t.km2_a:>12,.1f}{t.km2_b:>12,.1f}{t.added:>12,.1f}{t.removed:>12,.1f}"
    )
    lines.append("")
    lines.append(
        f"Towns that entered the zones: {', '.join(d.towns_entered) or 'none'}"
    )
    lines.append(f"Towns that left the zones: {', '.join(d.towns_left) or 'none'}")
    return "\n".join(lines) + "\n"


def as_csv(d: Diff) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["section", "id", "name", "km2_a", "km2_b", "added_km2", "removed_km2"]
    )
    for section, rows in (
        ("zone", d.zones),
        ("governorate", d.governorates),
        ("total", (d.total,)),
    ):
        for r in rows:
            j = r.as_json()
            writer.writerow(
                [
                    section,
                    r.ident,
                    text_cell(r.name),
                    j["km2_a"],
                    j["km2_b"],
                    j["added"],
                    j["removed"],
                ]
            )
    for name in d.towns_entered:
        writer.writerow(["town-entered", "", name, "", "", "", ""])
    for name in d.towns_left:
        writer.writerow(["town-left", "", name, "", "", "", ""])
    return out.getvalue()


def as_geojson(d: Diff) -> bytes:
    return dumps_compact(d.geojson())

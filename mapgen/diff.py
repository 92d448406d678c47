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

from mapgen.geodata import Geodata
from mapgen.geojson import dumps_compact, feature_collection, geometry_json
from mapgen.model import Atlas, ZoneVersion
from mapgen.resolve import Resolved, area_km2

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


def _counted(versions: list[ZoneVersion]) -> list[ZoneVersion]:
    return [v for v in versions if v.kind in COUNTED]


def _union(geoms: list[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(geoms) if geoms else shapely.Polygon()


def _clean(geom: BaseGeometry) -> BaseGeometry:
    """Drop slivers of under 0.01 km² left by set operations on shared edges."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    kept = [g for g in parts if area_km2(g) >= 0.01]
    return shapely.MultiPolygon(kept) if kept else shapely.Polygon()


def diff(
    atlas: Atlas, resolved: Resolved, geodata: Geodata, a: dt.date, b: dt.date
) -> Diff:
    va = {v.zone_id: v for v in _counted(atlas.in_force(a))}
    vb = {v.zone_id: v for v in _counted(atlas.in_force(b))}
    rows = []
    for zone_id in sorted(set(va) | set(vb)):
        ga = resolved.of(va[zone_id]) if zone_id in va else shapely.Polygon()
        gb = resolved.of(vb[zone_id]) if zone_id in vb else shapely.Polygon()
        name = (vb.get(zone_id) or va[zone_id]).name
        rows.append(_row(zone_id, name, ga, gb))
    ua = _union([resolved.of(v) for v in va.values()])
    ub = _union([resolved.of(v) for v in vb.values()])
    govs = []
    for code in geodata.governorate_codes:
        gov = geodata.governorates[code]
        row = _row(
            code, gov.name, ua.intersection(gov.geometry), ub.intersection(gov.geometry)
        )
        if row.km2_a or row.km2_b:
            govs.append(row)
    total = _row("total", "All zones (union)", ua, ub)
    entered, left = [], []
    towns = sorted(geodata.gazetteer.towns, key=lambda t: t.name)
    points = shapely.points([(t.lon, t.lat) for t in towns])
    inside_a, inside_b = shapely.contains(ua, points), shapely.contains(ub, points)
    for town, in_a, in_b in zip(towns, inside_a, inside_b, strict=True):
        if in_b and not in_a:
            entered.append(town.name)
        elif in_a and not in_b:
            left.append(town.name)
    return Diff(
        a,
        b,
        tuple(rows),
        tuple(govs),
        total,
        tuple(entered),
        tuple(left),
        _clean(ub.difference(ua)),
        _clean(ua.difference(ub)),
        _clean(ua.intersection(ub)),
    )


def _row(ident: str, name: str, ga: BaseGeometry, gb: BaseGeometry) -> Row:
    return Row(
        ident,
        name,
        area_km2(ga) if not ga.is_empty else 0.0,
        area_km2(gb) if not gb.is_empty else 0.0,
        area_km2(_clean(gb.difference(ga))) if not gb.is_empty else 0.0,
        area_km2(_clean(ga.difference(gb))) if not ga.is_empty else 0.0,
    )


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
                    r.name,
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

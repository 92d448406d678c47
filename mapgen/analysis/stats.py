"""Per date: each zone's area and the share of each governorate it covers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from mapgen.export.csvcells import text_cell
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.projection import area_km2
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData


@dataclass(frozen=True)
class Coverage:
    date: dt.date
    zone_id: str
    zone_name: str
    kind: str
    zone_km2: float
    governorate: str
    governorate_name: str
    covered_km2: float
    share_pct: float


def coverage(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, on: dt.date
) -> list[Coverage]:
    out = []
    gov_area = {
        c: area_km2(geodata.governorates[c].geometry) for c in geodata.governorate_codes
    }
    for v in sorted(atlas.in_force(on), key=lambda v: v.zone_id):
        geom = resolved.of(v)
        total = resolved.area_km2(v)
        for code in resolved.governorates_of(v):
            gov = geodata.governorates[code]
            covered = area_km2(geom.intersection(gov.geometry))
            if covered < 0.05:
                continue
            out.append(
                Coverage(
                    on,
                    v.zone_id,
                    v.name,
                    v.kind,
                    total,
                    code,
                    gov.name,
                    covered,
                    100 * covered / gov_area[code],
                )
            )
    return out


def to_csv(rows: list[Coverage]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "date",
            "zone_id",
            "zone_name",
            "kind",
            "zone_km2",
            "governorate",
            "governorate_name",
            "covered_km2",
            "share_of_governorate_pct",
        ]
    )
    for r in rows:
        w.writerow(
            [
                r.date.isoformat(),
                r.zone_id,
                text_cell(r.zone_name),
                r.kind,
                f"{r.zone_km2:.1f}",
                r.governorate,
                r.governorate_name,
                f"{r.covered_km2:.1f}",
                f"{r.share_pct:.1f}",
            ]
        )
    return out.getvalue().encode("utf-8")

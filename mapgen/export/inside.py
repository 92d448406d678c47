"""The places inside each zone on each agreement date, as one CSV: what lay
inside (issue 18), with who held each place, since when and whether the atlas
inferred it. The nationwide ceasefire is left out: it covered most of Syria,
and its places are every place of the sides it bound."""

from __future__ import annotations

import csv
import io

import shapely

from mapgen.export.csvcells import text_cell
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData

COLUMNS = (
    "date",
    "zone_id",
    "zone",
    "place",
    "kind",
    "side",
    "since",
    "inferred",
    "origin",
    "governorate",
    "lat",
    "lon",
)
LEFT_OUT = ("ceasefire",)


def places_inside_csv(atlas: AtlasData, resolved: Resolved) -> bytes:
    """One row per agreement date, zone in force on it, and place inside it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    settlements = atlas.control.settlements
    if not settlements:
        return out.getvalue().encode("utf-8")
    points = shapely.points([(s.lon, s.lat) for s in settlements])
    for day in atlas.dates:
        for v in atlas.in_force(day):
            if v.kind in LEFT_OUT or v.key not in resolved.shapes:
                continue
            shape = resolved.of(v)
            shapely.prepare(shape)
            inside: list[bool] = shapely.covers(shape, points).tolist()
            for s, yes in zip(settlements, inside, strict=True):
                spell = s.spell_on(day) if yes else None
                if spell is None:
                    continue
                writer.writerow(
                    [
                        day.isoformat(),
                        v.zone_id,
                        text_cell(v.name),
                        text_cell(s.name),
                        s.kind,
                        spell.side,
                        spell.start.isoformat(),
                        "yes" if spell.inferred else "no",
                        s.origin,
                        s.governorate,
                        f"{s.lat:.5f}",
                        f"{s.lon:.5f}",
                    ]
                )
    return out.getvalue().encode("utf-8")

"""Who held what, as GeoJSON: every settlement with its whole control history,
and the territory each side held on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapgen.about import GOLAN_NOTE
from mapgen.geometry.geojson import geometry_json
from mapgen.geometry.territory import Territory
from mapgen.model import SIDES, Citation, Control

METHOD = (
    "Territory is computed, not drawn: each settlement whose control is known on the "
    "date gets its Voronoi cell among all such settlements (equal-area projection), "
    "cut at {reach:g} km from the settlement and clipped to Syria; a side's territory is "
    "the union of its settlements' cells. A boundary between two sides falls midway "
    "between their nearest settlements, so it is as precise as the settlements are "
    "dense; ground beyond {reach:g} km of any known settlement is left blank."
)


def _citation(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {"title": c.title}
    if c.publisher:
        out["publisher"] = c.publisher
    if c.date:
        out["date"] = c.date.isoformat()
    if c.url:
        out["url"] = c.url
    return out


def settlements_collection(control: Control) -> dict[str, Any]:
    """Every settlement as a Point with its full history and sources."""
    features = []
    for s in sorted(control.settlements, key=lambda s: (s.front, s.name)):
        features.append(
            {
                "type": "Feature",
                "id": f"{s.front}/{s.name}",
                "properties": {
                    "name": s.name,
                    "name_ar": s.name_ar,
                    "governorate": s.governorate,
                    "front": s.front,
                    "kind": s.kind,
                    "origin": s.origin,
                    "coordinates_from": _citation(s.coords),
                    "geonames": s.geonames,
                    "history": [
                        {
                            "from": spell.start.isoformat(),
                            "side": spell.side,
                            "inferred": spell.inferred,
                            "sources": [_citation(c) for c in spell.sources],
                            **({"note": spell.note} if spell.note else {}),
                        }
                        for spell in s.history
                    ],
                },
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(s.lon, 5), round(s.lat, 5)],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "horizon": control.horizon.isoformat() if control.horizon else None,
        "sides": SIDES,
        "features": features,
    }


def territory_collection(
    territory: Territory, horizon: dt.date | None
) -> dict[str, Any]:
    """Each side's territory on the territory's date, one feature per side."""
    counts: dict[str, int] = {}
    for _, side in territory.settlements:
        counts[side] = counts.get(side, 0) + 1
    features = [
        {
            "type": "Feature",
            "id": f"control-{side}-{territory.day.isoformat()}",
            "properties": {
                "side": side,
                "side_means": SIDES[side],
                "date": territory.day.isoformat(),
                "area_km2": round(territory.area_km2(side), 1),
                "settlements": counts.get(side, 0),
                "precision": "approximate",
                "method": METHOD.format(reach=territory.reach_km),
                "horizon": horizon.isoformat() if horizon else None,
                "about": GOLAN_NOTE,
            },
            "geometry": geometry_json(geom),
        }
        for side, geom in territory.sides.items()
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
    }

"""Zone versions as RFC 7946 GeoJSON features."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapgen.geojson import dumps_compact, feature_collection, geometry_json
from mapgen.model import PRECISIONS, Atlas, ZoneVersion
from mapgen.resolve import Resolved, area_km2


def zone_feature(version: ZoneVersion, resolved: Resolved) -> dict[str, Any]:
    geom = resolved.of(version)
    return {
        "type": "Feature",
        "id": version.key,
        "properties": {
            "id": version.zone_id,
            "version": version.version,
            "name": version.name,
            "kind": version.kind,
            "agreement": {
                "date": version.agreement.date.isoformat(),
                "title": version.agreement.title,
            },
            "valid_from": version.valid_from.isoformat(),
            "valid_to": version.valid_to.isoformat() if version.valid_to else None,
            "fate": version.fate,
            "fate_note": version.fate_note,
            "precision": version.precision,
            "precision_meaning": PRECISIONS[version.precision],
            "precision_note": version.precision_note,
            "governorates": list(version.governorates),
            "guarantors": list(version.guarantors),
            "area_km2": round(area_km2(geom), 1),
            "population": [f.as_json() for f in version.population],
            "sources": [s.as_json() for s in version.sources],
            "notes": version.notes,
        },
        "geometry": geometry_json(geom),
    }


def collection_on(atlas: Atlas, resolved: Resolved, on: dt.date) -> dict[str, Any]:
    """Everything in force on ``on`` (``valid_from <= on < valid_to``)."""
    return feature_collection(
        [zone_feature(v, resolved) for v in _ordered(atlas.in_force(on))]
    )


def collection_all(atlas: Atlas, resolved: Resolved) -> dict[str, Any]:
    """Every version of every zone, with its dates."""
    return feature_collection(
        [zone_feature(v, resolved) for v in _ordered(list(atlas.versions))]
    )


def _ordered(versions: list[ZoneVersion]) -> list[ZoneVersion]:
    return sorted(versions, key=lambda v: (v.valid_from, v.zone_id))


def to_bytes(collection: dict[str, Any]) -> bytes:
    return dumps_compact(collection)

"""Zones, posts and routes as RFC 7946 GeoJSON features."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry.base import BaseGeometry

from mapgen.geometry.geojson import dumps_compact, feature_collection
from mapgen.geometry.resolve import Resolved
from mapgen.model import PRECISIONS, AtlasData, Obligation, Post, Route, ZoneVersion


def _agreement(ref: Any) -> dict[str, str]:
    return {"date": ref.date.isoformat(), "title": ref.title}


def _obligations(
    atlas: AtlasData, ident: str, on: dt.date | None
) -> list[dict[str, object]]:
    found: list[Obligation] = [o for o in atlas.obligations if ident in o.concerns]
    if on is not None:
        found = [o for o in found if o.agreement.date <= on]
    return [o.as_json(on) for o in found]


def zone_feature(
    version: ZoneVersion,
    atlas: AtlasData,
    resolved: Resolved,
    on: dt.date | None = None,
) -> dict[str, Any]:
    geom = resolved.of(version)
    derived = version.derived
    return {
        "type": "Feature",
        "id": version.key,
        "properties": {
            "id": version.zone_id,
            "version": version.version,
            "name": version.name,
            "kind": version.kind,
            "colour": zone_colour(atlas, version),
            "label_at": _label_at(geom),
            "agreement": _agreement(version.agreement),
            "valid_from": version.valid_from.isoformat(),
            "valid_to": version.valid_to.isoformat() if version.valid_to else None,
            # The version's own first day; valid_from is this state's.
            "declared_from": (version.declared_from or version.valid_from).isoformat(),
            # The zone's first day (its first version's), whatever its shape now.
            "zone_began": atlas.history(version.zone_id)[0].valid_from.isoformat(),
            "held_by": list(version.held_by),
            "control_horizon": _horizon(atlas) if version.held_by else None,
            "fate": version.fate,
            "fate_note": version.fate_note,
            "precision": version.precision,
            "precision_meaning": PRECISIONS[version.precision],
            "precision_note": version.precision_note,
            "derived_from": derived.base if derived else None,
            "derivation": derived.basis if derived else None,
            "governorates": list(resolved.governorates_of(version)),
            "guarantors": list(version.guarantors),
            "area_km2": round(resolved.area_km2(version), 1),
            "population": [f.as_json() for f in version.population],
            "sources": [s.as_json() for s in version.sources],
            "notes": version.notes,
            "lifecycle": [e.as_json() for e in atlas.lifecycle(version.zone_id)],
            "obligations": _obligations(atlas, version.zone_id, on),
        },
        "geometry": resolved.geojson(version.key, geom),
    }


def zone_colour(atlas: AtlasData, version: ZoneVersion) -> str:
    """The zone's own colour within its kind's family (``vocabulary.FAMILIES``)."""
    from mapgen.vocabulary import family_colour

    ids = sorted({v.zone_id for v in atlas.versions if v.kind == version.kind})
    return family_colour(version.kind, ids.index(version.zone_id))


def _label_at(geom: BaseGeometry) -> list[float] | None:
    """Where the zone's name goes on a map: a point inside its largest part."""
    parts = getattr(geom, "geoms", [geom])
    if geom.is_empty:
        return None
    largest = max(parts, key=lambda g: g.area)
    p = largest.point_on_surface()
    return [round(p.x, 4), round(p.y, 4)]


def _horizon(atlas: AtlasData) -> str | None:
    horizon = atlas.control.horizon
    return horizon.isoformat() if horizon else None


def post_feature(post: Post, resolved: Resolved, total: int) -> dict[str, Any]:
    """An observation post as a Point; ``total`` is how many posts the atlas has."""
    point = resolved.posts[post.post_id]
    govs = sorted(resolved.governorates_by_point(point))
    return {
        "type": "Feature",
        "id": post.post_id,
        "properties": {
            "id": post.post_id,
            "number": post.number,
            "posts_total": total,
            "name": post.name,
            "kind": "observation-post",
            "agreement": _agreement(post.agreement),
            "valid_from": post.established.isoformat(),
            "valid_to": None,
            "established_as_reported": post.established_as_reported,
            "precision": post.precision,
            "precision_meaning": PRECISIONS[post.precision],
            "precision_note": post.precision_note,
            "governorates": govs,
            "population": [],
            "sources": [s.as_json() for s in post.sources],
            "notes": post.notes,
        },
        "geometry": resolved.geojson(post.post_id, point),
    }


def route_feature(
    route: Route, atlas: AtlasData, resolved: Resolved, on: dt.date | None = None
) -> dict[str, Any]:
    line = resolved.routes[route.route_id]
    return {
        "type": "Feature",
        "id": route.route_id,
        "properties": {
            "id": route.route_id,
            "name": route.name,
            "kind": "route",
            "agreement": _agreement(route.agreement),
            "valid_from": route.valid_from.isoformat(),
            "valid_to": route.valid_to.isoformat() if route.valid_to else None,
            "towns": [t.name for t in route.towns],
            "precision": route.precision,
            "precision_meaning": PRECISIONS[route.precision],
            "precision_note": route.precision_note,
            "governorates": sorted(
                {t.governorate for t in route.towns if t.governorate}
            ),
            "population": [],
            "sources": [s.as_json() for s in route.sources],
            "notes": route.notes,
            "obligations": _obligations(atlas, route.route_id, on),
        },
        "geometry": resolved.geojson(route.route_id, line),
    }


def collection_on(atlas: AtlasData, resolved: Resolved, on: dt.date) -> dict[str, Any]:
    """Everything in force on ``on`` (``valid_from <= on < valid_to``)."""
    features = [
        zone_feature(v, atlas, resolved, on) for v in _ordered(atlas.in_force(on))
    ]
    features += [route_feature(r, atlas, resolved, on) for r in atlas.routes_on(on)]
    features += [
        post_feature(p, resolved, len(atlas.posts)) for p in atlas.posts_on(on)
    ]
    return {**feature_collection(features), "control_horizon": _horizon(atlas)}


def collection_all(atlas: AtlasData, resolved: Resolved) -> dict[str, Any]:
    """Every version of every zone, every route and post, with their dates."""
    features = [
        zone_feature(v, atlas, resolved) for v in _ordered(list(atlas.versions))
    ]
    features += [route_feature(r, atlas, resolved) for r in atlas.routes]
    features += [post_feature(p, resolved, len(atlas.posts)) for p in atlas.posts]
    return {**feature_collection(features), "control_horizon": _horizon(atlas)}


def _ordered(versions: list[ZoneVersion]) -> list[ZoneVersion]:
    # Ceasefires first so that they are drawn under everything else.
    rank = {"ceasefire": 0, "de-escalation-zone": 1, "operational-sub-zone": 2}
    return sorted(
        versions, key=lambda v: (rank.get(v.kind, 3), v.valid_from, v.zone_id)
    )


def to_bytes(collection: dict[str, Any]) -> bytes:
    return dumps_compact(collection)

"""A JSON Schema for zone files, generated from the loader's own key table
(``mapgen.zonefile.keys``) and enumerations, so that an editor can check a file as it
is typed. ``mapgen schema`` writes it to ``zones/schema.json``; a test keeps the
committed copy in step with the model.

The schema catches shapes and spellings; the loader checks the rest (real
dates, known towns, geometry, references between files)."""

from __future__ import annotations

import json
from typing import Any

from mapgen.model import FATES, KINDS, PRECISIONS, SIDES, STATUSES
from mapgen.zonefile._derived import BAND_MAX_KM, EVENT_STAGES, MAX_PARTS
from mapgen.zonefile._features import MAX_POST_NUMBER
from mapgen.zonefile._numbers import INT32_MAX
from mapgen.zonefile.keys import KEYS
from mapgen.zonefile.load import MAX_PEOPLE
from mapgen.zonefile.seeds import SEEDS

DATE = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}$",
    "description": "YYYY-MM-DD",
}
TEXT = {"type": "string", "minLength": 1}
TEXTS = {"type": "array", "items": TEXT}
ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
NUMBER = {"type": "number"}
POINT = {
    "type": "array",
    "items": NUMBER,
    "minItems": 2,
    "maxItems": 2,
    "description": "[lon, lat]",
}
BAND_KM = {"type": "number", "exclusiveMinimum": 0, "maximum": BAND_MAX_KM}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


def _list(name: str, *, min_items: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "array", "items": _ref(name)}
    if min_items:
        out["minItems"] = min_items
    return out


def field_types(governorates: list[str]) -> dict[str, dict[str, Any]]:
    """The schema of each field, by the name it has wherever it appears."""
    gov = {"enum": governorates}
    return {
        "date": DATE, "valid_from": DATE, "established": DATE, "due": DATE,
        "valid_to": {"anyOf": [DATE, {"type": "null"}]},
        "title": TEXT, "venue": TEXT, "summary": TEXT, "name": TEXT, "notes": TEXT,
        "note": TEXT, "basis": TEXT, "fate_note": TEXT, "precision_note": TEXT,
        "what": TEXT, "outcome": TEXT, "of": TEXT, "established_as_reported": TEXT,
        "cite": TEXT, "url": {"type": "string", "pattern": "^https?://"},
        "parties": {**TEXTS, "minItems": 1}, "guarantors": TEXTS,
        "id": ID, "revises": ID, "from": ID,
        "concerns": {"type": "array", "items": ID, "minItems": 1},
        "kind": {"enum": list(KINDS)}, "precision": {"enum": list(PRECISIONS)},
        "fate": {"enum": list(FATES)}, "status": {"enum": list(STATUSES)},
        "stage": {"enum": list(EVENT_STAGES)},
        "held_by": {"type": "array", "items": {"enum": list(SIDES)}, "minItems": 1, "uniqueItems": True},
        "facing": {"enum": list(SIDES)},
        "governorates": {"type": "array", "items": gov, "minItems": 1, "uniqueItems": True},
        "governorate": gov,
        "towns": {"type": "array", "items": TEXT, "minItems": 1},
        "buffer_km": {"type": "number", "minimum": 0, "maximum": 50},
        "outline": {"type": "array", "items": POINT, "minItems": 3},
        "lon": NUMBER, "lat": NUMBER,
        "number": {"type": "integer", "minimum": 1, "maximum": MAX_POST_NUMBER},
        "value": {"type": "integer", "minimum": 0, "maximum": MAX_PEOPLE},
        "min_km": BAND_KM, "max_km": BAND_KM, "inner_edge_km": BAND_KM,
        "bearing_deg": {"type": "number", "minimum": 0, "exclusiveMaximum": 360},
        "parts": {"type": "integer", "minimum": 2, "maximum": MAX_PARTS},
        "index": {"type": "integer", "minimum": 1, "maximum": MAX_PARTS},
        "sources": _list("source", min_items=1),
        "zones": _list("zone"), "posts": _list("post"), "routes": _list("route"),
        "obligations": _list("obligation"), "population": _list("figure"),
        "events": _list("event"), "not_along": _list("area"),
        "extent": _ref("extent"), "derived": _ref("derived"), "band": _ref("band"),
        "slice": _ref("slice"), "near": _ref("include_part"),
        "include": _list("include_part", min_items=1), "exclude": _list("exclude_part"),
    }  # fmt: skip


def _object(name: str, types: dict[str, dict[str, Any]]) -> dict[str, Any]:
    keys = KEYS[name]
    names = keys["required"] + keys["optional"]
    return {
        "type": "object",
        "required": keys["required"],
        "properties": {k: types[k] for k in names},
        "additionalProperties": False,
    }


# Tables of the control files (zones/control/*.yaml), which have a schema of their own.
CONTROL_TABLES = ("control_file", "control_source", "settlement", "control_entry")
# pockets.yaml and snapshot.yaml: checked by the loader, no schema of their own yet.
DEALS_TABLES = (
    "pockets_file",
    "pocket",
    "pocket_place",
    "snapshot_file",
    "snapshot_window",
    "front_window",
    "snapshot_event",
)


def build_schema(governorates: list[str]) -> dict[str, Any]:
    types = field_types(governorates)
    definitions = {
        name: _object(name, types)
        for name in KEYS
        if name not in ("cite", "bibliography_entry")
        and name not in CONTROL_TABLES
        and name not in DEALS_TABLES
    }
    zone = definitions["zone"]
    # New zones carry id, name and kind; revisions name the zone they revise.
    zone["oneOf"] = [
        {"required": ["id", "name", "kind"], "not": {"required": ["revises"]}},
        {"required": ["revises"], "not": {"required": ["id"]}},
    ]
    zone["anyOf"] = [{"required": ["governorates"]}, {"required": ["derived"]}]
    definitions["derived"]["oneOf"] = [{"required": ["band"]}, {"required": ["slice"]}]
    definitions["source"] = {
        "oneOf": [
            {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "description": "a source, by its key in sources.yaml",
            },
            {
                "enum": sorted(SEEDS),
                "description": "a seed article, by file name (old form: cite its key)",
            },
            {"type": "string", "pattern": "^https?://", "description": "a URL"},
            _object("cite", types),
        ]
    }
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.invalid/syria-deescalation-atlas/zones/schema.json",
        "title": "An agreement file of the Syria de-escalation zones atlas",
        "description": (
            "Generated by 'mapgen schema' from mapgen/zonefile/keys.py; do not edit by hand. "
            "'mapgen validate' checks what a schema cannot: real dates, known towns, "
            "geometry, and references between files."
        ),
        **_object("agreement", types),
        "definitions": definitions,
    }
    return schema


def build_control_schema(governorates: list[str]) -> dict[str, Any]:
    """The schema of a control file, from the same key table."""
    from mapgen.model import SIDES

    key = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
    types: dict[str, dict[str, Any]] = {
        "front": ID, "title": TEXT, "covers": TEXT, "horizon": DATE,
        "sources": {"type": "object", "additionalProperties": _ref("control_source")},
        "settlements": _list("settlement", min_items=1),
        "publisher": TEXT, "date": DATE,
        "url": {"type": "string", "pattern": "^https?://"},
        "read_at": {"type": "string", "pattern": "^https?://"},
        "name": TEXT, "name_ar": TEXT, "governorate": {"enum": governorates},
        "lat": NUMBER, "lon": NUMBER, "coords": key,
        "geonames": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
        "control": _list("control_entry", min_items=1),
        "from": DATE, "attested": DATE, "side": {"enum": list(SIDES)},
        "was": {"enum": list(SIDES)}, "note": TEXT,
    }  # fmt: skip
    definitions = {name: _object(name, {**types}) for name in CONTROL_TABLES[1:]}
    definitions["control_entry"]["properties"]["sources"] = {
        "type": "array", "items": key, "minItems": 1
    }  # fmt: skip
    # A change ('from') or an attestation ('attested'), never both.
    definitions["control_entry"]["oneOf"] = [
        {"required": ["from"], "not": {"required": ["attested"]}},
        {"required": ["attested"], "not": {"required": ["from"]}},
    ]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.invalid/syria-deescalation-atlas/zones/control.schema.json",
        "title": "A control file of the Syria de-escalation zones atlas: who held each settlement, when",
        "description": (
            "Generated by 'mapgen schema' from mapgen/zonefile/keys.py; do not edit by hand. "
            "'mapgen validate' checks what a schema cannot: coordinates inside Syria and "
            "their governorate, dates in order, cited keys defined, places written twice."
        ),
        **_object("control_file", types),
        "definitions": definitions,
    }


def build_bibliography_schema() -> dict[str, Any]:
    """The schema of ``zones/sources.yaml``: source keys to entries."""
    types: dict[str, dict[str, Any]] = {
        "publisher": TEXT, "title": TEXT, "author": TEXT, "note": TEXT,
        "date": {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "YYYY-MM-DD, YYYY-MM or YYYY",
        },
        "url": {"type": "string", "pattern": "^https?://"},
    }  # fmt: skip
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.invalid/syria-deescalation-atlas/zones/sources.schema.json",
        "title": "The bibliography of the Syria de-escalation zones atlas (zones/sources.yaml)",
        "description": (
            "Generated by 'mapgen schema' from mapgen/zonefile/keys.py; do not edit by hand. "
            "Zone files cite these entries by key."
        ),
        "type": "object",
        "propertyNames": {"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "additionalProperties": _object("bibliography_entry", types),
    }


def _bytes(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def schema_bytes(governorates: list[str]) -> bytes:
    return _bytes(build_schema(governorates))


def control_schema_bytes(governorates: list[str]) -> bytes:
    return _bytes(build_control_schema(governorates))


def bibliography_schema_bytes() -> bytes:
    return _bytes(build_bibliography_schema())

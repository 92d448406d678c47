"""The keys each kind of mapping in a zone file takes: one table, read by the
loader when it checks a file and by the JSON Schema generator."""

from __future__ import annotations

from typing import TypedDict


class Keys(TypedDict):
    required: list[str]
    optional: list[str]


def _k(required: list[str], optional: list[str] | None = None) -> Keys:
    return {"required": required, "optional": optional or []}


KEYS: dict[str, Keys] = {
    "agreement": _k(
        ["date", "title", "parties", "venue", "sources", "zones"],
        ["guarantors", "summary", "posts", "routes", "obligations"],
    ),
    # A zone entry has 'id' (with name and kind) or 'revises'; a derived zone
    # needs no 'governorates'. The loader adds those rules to this list.
    "zone": _k(
        ["valid_from", "valid_to", "precision", "sources"],
        [
            "id",
            "revises",
            "name",
            "kind",
            "governorates",
            "extent",
            "derived",
            "fate",
            "fate_note",
            "precision_note",
            "guarantors",
            "population",
            "events",
            "notes",
            "held_by",
        ],
    ),  # fmt: skip
    "extent": _k(["include"], ["exclude"]),
    "include_part": _k(["governorate"], ["towns", "buffer_km", "outline", "basis"]),
    "exclude_part": _k([], ["governorate", "towns", "buffer_km", "outline", "basis"]),
    "figure": _k(["value", "of", "sources"], ["note"]),
    "cite": _k(["cite"], ["url"]),
    # zones/sources.yaml: the bibliography, key -> entry.
    "bibliography_entry": _k(["publisher", "title"], ["date", "url", "author", "note"]),
    "derived": _k(["from"], ["band", "slice"]),
    "band": _k(["min_km", "max_km", "inner_edge_km", "basis"], ["not_along", "facing"]),
    "area": _k(["outline", "basis"]),
    "slice": _k(["bearing_deg", "parts", "index", "basis"]),
    "event": _k(["stage", "date"], ["note", "sources"]),
    "post": _k(
        [
            "id",
            "number",
            "name",
            "established",
            "established_as_reported",
            "precision",
            "sources",
        ],
        ["lon", "lat", "near", "precision_note", "notes"],
    ),
    "route": _k(
        ["id", "name", "towns", "valid_from", "valid_to", "precision", "sources"],
        ["precision_note", "notes"],
    ),
    "obligation": _k(
        ["id", "what", "due", "concerns", "status", "sources"], ["outcome"]
    ),
    # zones/control/*.yaml: who held each settlement, when.
    "control_file": _k(
        ["front", "title", "horizon", "sources", "settlements"], ["covers"]
    ),
    "control_source": _k(["title"], ["publisher", "date", "url", "read_at"]),
    "settlement": _k(
        ["name", "name_ar", "governorate", "lat", "lon", "coords", "control"],
        ["geonames"],
    ),
    # A change ('from': taken on that day, 'was': from whom) or an attestation
    # ('attested': held on that day); the loader requires exactly one of them.
    "control_entry": _k(["side", "sources"], ["from", "attested", "was", "note"]),
    # zones/control/pockets.yaml: whole-pocket deals.
    "pockets_file": _k(["sources", "pockets"], ["title"]),
    "pocket": _k(
        ["id", "name", "date", "from", "to", "settlements", "sources"],
        ["note", "dates", "reach_km"],
    ),
    "pocket_place": _k(["name"], ["lat", "lon"]),
    # zones/control/snapshot.yaml: the Wikipedia map's snapshot as one attestation.
    "snapshot_file": _k(
        ["attested_on", "window", "basis", "sources", "events"], ["title"]
    ),
    "snapshot_window": _k(["shows_up_to", "not_yet"], ["fronts"]),
    "front_window": _k(["shows_up_to", "not_yet"], ["note"]),
    "snapshot_event": _k(
        ["place", "date", "side", "shown", "sources"], ["note", "front"]
    ),
}

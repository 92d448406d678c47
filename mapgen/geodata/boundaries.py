"""A user's own admin-1 boundary file (Shapefile, GeoPackage or GeoJSON) in place
of the packaged governorates, e.g. OCHA's COD-AB ``syr_admbnda_adm1``.

The file is read with geopandas, reprojected to WGS84, its key field mapped to
governorates (ISO 3166-2 codes such as ``SY-ID`` or OCHA p-codes such as
``SY07``), and checked: every governorate once, valid polygons, and a clean
coverage (gaps and overlaps reported in km²). Every problem is reported at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from mapgen.errors import BoundaryError

if TYPE_CHECKING:
    from mapgen.geodata.extracts import Governorate

# Fields that commonly hold admin-1 codes, tried in this order.
KEY_FIELDS = (
    "ADM1_PCODE",
    "admin1Pcode",
    "ADM1_PCODE_",
    "iso_3166_2",
    "ISO_3166_2",
    "iso",
    "ISO",
    "pcode",
    "PCODE",
    "code",
)
# Gaps and overlaps smaller than this are drawing noise, not a problem.
TOLERANCE_KM2 = 1.0


def file_digest(path: Path) -> str:
    """A digest of the boundary file and the files beside it that make it up
    (a Shapefile's .dbf, .shx, .prj), for keying caches on content."""
    digest = hashlib.sha256()
    stem = path.name.split(".")[0]
    for member in sorted(path.parent.glob(f"{stem}.*")):
        if member.is_file():
            digest.update(member.name.encode("utf-8"))
            digest.update(member.read_bytes())
    return digest.hexdigest()


def read_boundaries(
    path: Path, key: str | None, reference: dict[str, Governorate]
) -> dict[str, Governorate]:
    """The governorates of a boundary file, as the packaged ones are described
    (names, codes) but with the file's shapes; raise BoundaryError listing
    every problem."""
    from dataclasses import replace

    import pyogrio

    shown = str(path)
    if not path.exists():
        raise BoundaryError([f"{shown}: the boundary file does not exist."])
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises its own error types
        raise BoundaryError(
            [f"{shown}: cannot be read as a Shapefile, GeoPackage or GeoJSON ({exc})."]
        ) from None
    # A GeoJSON mixing Polygons and MultiPolygons is an 'Unknown' layer.
    polygon_layers = [
        str(n) for n, kind in layers if "Polygon" in str(kind) or str(kind) == "Unknown"
    ]
    if not polygon_layers:
        raise BoundaryError(
            [
                f"{shown}: holds no polygon layer; expected admin-1 (governorate) polygons."
            ]
        )
    frame = pyogrio.read_dataframe(path, layer=polygon_layers[0])
    problems: list[str] = []
    if frame.crs is None:
        raise BoundaryError(
            [
                f"{shown}: has no coordinate reference system (a Shapefile needs its "
                ".prj file); add it, or save the file with its CRS, e.g. EPSG:4326."
            ]
        )
    frame = frame.to_crs("EPSG:4326")
    field = key or _guess_key(frame, reference)
    if field is None or field not in frame.columns:
        fields = ", ".join(str(c) for c in frame.columns if c != "geometry")
        what = f"has no field '{key}'" if key else "has no field of governorate codes"
        raise BoundaryError(
            [
                f"{shown}: {what}; give --boundary-key with one of its fields "
                f"({fields}) whose values are ISO 3166-2 codes (SY-ID) or OCHA "
                "p-codes (SY07)."
            ]
        )
    by_pcode = {g.ocha: code for code, g in reference.items() if g.ocha}
    wanted = [c for c, g in reference.items() if g.kind == "governorate"]
    values = [str(v).strip() for v in frame[field] if v is not None]
    if not any(v in reference or v.upper() in by_pcode for v in values):
        sample = ", ".join(repr(v) for v in values[:3])
        raise BoundaryError(
            [
                f"{shown}: the field '{field}' holds no governorate codes (it holds "
                f"{sample}, …); give --boundary-key with a field of ISO 3166-2 codes "
                "(SY-ID) or OCHA p-codes (SY07)."
            ]
        )
    found: dict[str, list[BaseGeometry]] = {}
    for row, (value, geom) in enumerate(
        zip(frame[field], frame.geometry, strict=True), 1
    ):
        text = str(value).strip() if value is not None else ""
        code = text if text in reference else by_pcode.get(text.upper())
        where = f"{shown}: feature {row} ({field}={text!r})"
        if code is None or code not in wanted:
            problems.append(
                f"{where}: '{text}' is not a governorate code; expected an ISO 3166-2 "
                f"code ({', '.join(wanted[:3])}, …) or an OCHA p-code (SY01 … SY14)."
            )
            continue
        if geom is None or geom.is_empty:
            problems.append(f"{where}: has no geometry.")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{where}: is a {geom.geom_type}, not a polygon.")
            continue
        if not geom.is_valid:
            problems.append(
                f"{where}: is not a valid polygon ({shapely.is_valid_reason(geom)}); "
                "repair it, e.g. with QGIS's Fix geometries."
            )
            continue
        found.setdefault(code, []).append(geom)
    for code in wanted:
        if code not in found:
            problems.append(
                f"{shown}: has no feature for {code} ({reference[code].name}); every "
                "governorate must be there once."
            )
    if not problems:
        problems += _coverage_problems(shown, found)
    if problems:
        raise BoundaryError(problems)
    out = {
        code: replace(reference[code], geometry=shapely.union_all(geoms))
        for code, geoms in found.items()
    }
    # The UNDOF area of separation is not an admin-1 unit: keep the packaged one.
    for code, gov in reference.items():
        if gov.kind != "governorate":
            out[code] = gov
    return out


def _guess_key(frame: Any, reference: dict[str, Governorate]) -> str | None:
    codes = set(reference) | {g.ocha for g in reference.values() if g.ocha}
    candidates = [c for c in KEY_FIELDS if c in frame.columns] + [
        c for c in frame.columns if c not in KEY_FIELDS and c != "geometry"
    ]
    for column in candidates:
        values = {str(v).strip().upper() for v in frame[column] if v is not None}
        if values and len(values & {c.upper() for c in codes}) >= 0.8 * len(values):
            return str(column)
    return None


def _coverage_problems(shown: str, found: dict[str, list[BaseGeometry]]) -> list[str]:
    from mapgen.geometry.projection import area_km2

    problems = []
    shapes = {code: shapely.union_all(geoms) for code, geoms in found.items()}
    codes = sorted(shapes)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if not shapes[a].intersects(shapes[b]):
                continue
            overlap = shapes[a].intersection(shapes[b])
            km2 = area_km2(overlap) if overlap.area > 0 else 0.0
            if km2 > TOLERANCE_KM2:
                at = overlap.representative_point()
                problems.append(
                    f"{shown}: {a} and {b} overlap by {km2:,.1f} km² (near "
                    f"{at.y:.3f} N, {at.x:.3f} E); governorates must not overlap."
                )
    union = shapely.union_all(list(shapes.values()))
    holes = shapely.union_all(
        [
            shapely.Polygon(ring)
            for part in getattr(union, "geoms", [union])
            for ring in part.interiors
        ]
    )
    gap = area_km2(holes) if not holes.is_empty else 0.0
    if gap > TOLERANCE_KM2:
        at = holes.representative_point()
        problems.append(
            f"{shown}: the governorates leave {gap:,.1f} km² uncovered inside Syria "
            f"(near {at.y:.3f} N, {at.x:.3f} E); they must cover it without gaps."
        )
    return problems

"""A user's own admin-1 boundary file (Shapefile, GeoPackage or GeoJSON) in place
of the packaged governorates, e.g. OCHA's COD-AB ``syr_admbnda_adm1``.

The file is read with geopandas, reprojected to WGS84, its key field mapped to
governorates (ISO 3166-2 codes such as ``SY-ID`` or OCHA p-codes such as
``SY07``), and checked: every governorate once, valid polygons, and a clean
coverage (gaps and overlaps reported in km²). Every problem is reported at once.
"""

from __future__ import annotations

import hashlib
import math
import stat
import zipfile
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


# What a boundary file may hold before it is read: an admin-1 layer has a few
# dozen features and, at its most detailed, a few tens of megabytes.
MAX_BYTES = 100 * 1024 * 1024
MAX_FEATURES = 5_000
# The files each format is made of, beside the named one (same stem).
_COMPANIONS = {
    ".shp": (".shp", ".shx", ".dbf", ".prj", ".cpg"),
    ".gpkg": (".gpkg",),
}
# How far (degrees) outside the packaged governorates a boundary may reach.
_SLACK_DEGREES = 1.0


def members(path: Path) -> list[Path]:
    """The files a boundary file is made of: a Shapefile's .shp, .shx, .dbf,
    .prj and .cpg, or the one file (never other files sharing its stem)."""
    suffix = path.suffix.lower()
    if suffix not in _COMPANIONS:
        return [path]
    stem = path.name[: -len(path.suffix)]
    wanted = {stem + ext for ext in _COMPANIONS[suffix]}
    wanted |= {stem + ext.upper() for ext in _COMPANIONS[suffix]}
    return sorted(p for p in path.parent.iterdir() if p.name in wanted) or [path]


def file_digest(path: Path) -> str:
    """A digest of the boundary file and the files that make it up (a
    Shapefile's .dbf, .shx, .prj), for keying caches on content; only the
    files the format uses are read, in chunks."""
    digest = hashlib.sha256()
    for member in members(path):
        if member.is_file():
            digest.update(member.name.encode("utf-8"))
            with member.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def _check_file(path: Path, shown: str) -> None:
    """Refuse what is not a regular file of a readable size (a FIFO would
    block the reader forever), before any library opens it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BoundaryError([f"{shown}: the boundary file does not exist."]) from None
    except OSError as exc:
        raise BoundaryError([f"{shown}: cannot be read ({exc.strerror})."]) from None
    if stat.S_ISDIR(info.st_mode):
        raise BoundaryError(
            [f"{shown}: is a folder; give the boundary file itself, e.g. adm1.shp."]
        )
    if not stat.S_ISREG(info.st_mode):
        raise BoundaryError(
            [
                f"{shown}: is not a regular file (a named pipe, device or socket); "
                "give a Shapefile, GeoPackage or GeoJSON file."
            ]
        )
    size = sum(m.stat().st_size for m in members(path) if m.is_file())
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(i.file_size for i in archive.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise BoundaryError(
                [f"{shown}: is not a readable zip archive ({exc})."]
            ) from None
    if size > MAX_BYTES:
        raise BoundaryError(
            [
                f"{shown}: holds {size / 2**20:,.0f} MiB of data (unpacked); an "
                f"admin-1 boundary file may hold at most {MAX_BYTES // 2**20} MiB. "
                "Simplify it (e.g. mapshaper or QGIS's Simplify) or give the admin-1 "
                "layer alone."
            ]
        )


def _polygon_layer(path: Path, shown: str) -> str:
    import pyogrio

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
    if len(polygon_layers) > 1:
        names = ", ".join(repr(n) for n in polygon_layers)
        raise BoundaryError(
            [
                f"{shown}: holds {len(polygon_layers)} polygon layers ({names}), and "
                "which one holds the governorates cannot be told; save the admin-1 "
                f"layer in a file of its own, e.g. ogr2ogr adm1.gpkg {shown} "
                f"{polygon_layers[0]}."
            ]
        )
    layer = polygon_layers[0]
    try:
        count = int(pyogrio.read_info(path, layer=layer)["features"])
    except Exception as exc:  # pyogrio raises its own error types
        raise BoundaryError([f"{shown}: cannot be read ({exc})."]) from None
    if count == 0:
        raise BoundaryError(
            [
                f"{shown}: holds no features; expected one polygon for each of "
                "Syria's 14 governorates."
            ]
        )
    if count > MAX_FEATURES:
        raise BoundaryError(
            [
                f"{shown}: holds {count:,} features; an admin-1 boundary file has one "
                f"for each of Syria's 14 governorates (at most {MAX_FEATURES:,} parts "
                "are read). Give the admin-1 layer, not a finer one."
            ]
        )
    return layer


def read_boundaries(
    path: Path, key: str | None, reference: dict[str, Governorate]
) -> dict[str, Governorate]:
    """The governorates of a boundary file, as the packaged ones are described
    (names, codes) but with the file's shapes; raise BoundaryError listing
    every problem."""
    from dataclasses import replace

    import pyogrio

    shown = str(path)
    _check_file(path, shown)
    layer = _polygon_layer(path, shown)
    frame = pyogrio.read_dataframe(path, layer=layer)
    problems: list[str] = []
    if len(frame) == 0:
        raise BoundaryError(
            [
                f"{shown}: holds no features; expected one polygon for each of "
                "Syria's 14 governorates."
            ]
        )
    if frame.crs is None:
        raise BoundaryError(
            [
                f"{shown}: has no coordinate reference system (a Shapefile needs its "
                ".prj file); add it, or save the file with its CRS, e.g. EPSG:4326."
            ]
        )
    crs = frame.crs.to_string()
    frame = frame.to_crs("EPSG:4326")
    _check_place(shown, crs, frame.total_bounds, reference)
    field = key or _guess_key(frame, reference)
    if field is None or field not in frame.columns:
        names = [str(c) for c in frame.columns if c != "geometry"]
        what = f"has no field '{key}'" if key else "has no field of governorate codes"
        if not names:
            raise BoundaryError(
                [
                    f"{shown}: {what}: it has no attribute fields at all; add one of "
                    "ISO 3166-2 codes (SY-ID) or OCHA p-codes (SY07)."
                ]
            )
        raise BoundaryError(
            [
                f"{shown}: {what}; give --boundary-key with one of its fields "
                f"({', '.join(names)}) whose values are ISO 3166-2 codes (SY-ID) or "
                "OCHA p-codes (SY07)."
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
    rows: dict[str, list[int]] = {}
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
        rows.setdefault(code, []).append(row)
    for code in wanted:
        if code not in found:
            problems.append(
                f"{shown}: has no feature for {code} ({reference[code].name}); every "
                "governorate must be there once."
            )
    problems += _repeated(shown, found, rows, reference)
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


def _check_place(
    shown: str, crs: str, bounds: Any, reference: dict[str, Governorate]
) -> None:
    """Refuse a file whose shapes do not lie in Syria once reprojected: its
    coordinates were read in the wrong CRS, and every zone would be blamed."""
    west, south, east, north = (float(b) for b in bounds)
    r_west, r_south, r_east, r_north = shapely.union_all(
        [g.geometry for g in reference.values()]
    ).bounds
    slack = _SLACK_DEGREES
    inside = (
        all(math.isfinite(b) for b in (west, south, east, north))
        and west >= r_west - slack
        and east <= r_east + slack
        and south >= r_south - slack
        and north <= r_north + slack
    )
    if inside:
        return
    raise BoundaryError(
        [
            f"{shown}: read in its CRS ({crs}), its shapes span {west:,.2f} to "
            f"{east:,.2f} E and {south:,.2f} to {north:,.2f} N, not Syria "
            f"({r_west:.1f} to {r_east:.1f} E, {r_south:.1f} to {r_north:.1f} N); its "
            "CRS is wrong or missing (a GeoJSON without one is read as longitude and "
            "latitude, so coordinates in metres, e.g. EPSG:3857 or UTM, land far "
            "away). Save the file with its true CRS, e.g. ogr2ogr -t_srs EPSG:4326."
        ]
    )


def _repeated(
    shown: str,
    found: dict[str, list[BaseGeometry]],
    rows: dict[str, list[int]],
    reference: dict[str, Governorate],
) -> list[str]:
    """A governorate drawn twice: features of one code that overlap (parts of
    one governorate, such as islands, may be features of their own)."""
    from mapgen.geometry.projection import area_km2

    problems = []
    for code, geoms in found.items():
        if len(geoms) < 2:
            continue
        tree = shapely.STRtree(geoms)
        for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
            if i >= j:
                continue
            overlap = geoms[i].intersection(geoms[j])
            km2 = area_km2(overlap) if overlap.area > 0 else 0.0
            if km2 > TOLERANCE_KM2:
                a, b = rows[code][i], rows[code][j]
                problems.append(
                    f"{shown}: features {a} and {b} are both {code} "
                    f"({reference[code].name}) and overlap by {km2:,.1f} km²; every "
                    "governorate must be there once."
                )
    return problems


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

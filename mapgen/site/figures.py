"""A date's map as a static figure for reports: SVG (text kept as text) and a
PNG at least 2,000 px wide, drawn with matplotlib in the atlas's equal-area
projection so that the scale bar is true.

Both files are byte-identical for the same inputs: the SVG carries no date
and its element ids come from a fixed salt.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from numpy.typing import NDArray
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from mapgen.about import ATTRIBUTION, GOLAN_NOTE
from mapgen.export.features import zone_colour
from mapgen.export.safetext import clean
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.projection import to_metres
from mapgen.geometry.resolve import Resolved
from mapgen.model import AtlasData, ZoneVersion
from mapgen.vocabulary import COLOURS, LABELS, PRECISION_DASH, ZONE_KINDS

WIDTH_IN = 10.0
DPI = 200
MAP_HEIGHT_IN = 8.4
# Simplify to about half a pixel of the PNG (the map is ~1,900 px across).
TOLERANCE_M = 200.0
MARGIN_M = 30_000.0
SEA = "#e4eef3"
LAND = "#fbfaf6"
NEIGHBOUR = "#dcdcdc"
BORDER = "#8a8373"
UNDOF = "#1f5fa8"
INK = "#222222"
MUTED = "#6b665c"
OPACITY = {"ceasefire": 0.0}
# Drawn as a dashed outline only, over the zone they divide.
OUTLINED = ("operational-sub-zone",)
# Where a neighbour's name reads best on this frame (lon, lat).
COUNTRY_SPOTS = {
    "Turkey": (39.4, 37.28),
    "Iraq": (41.9, 34.0),
    "Jordan": (37.6, 32.35),
    "Lebanon": (35.95, 34.05),
    "Israel": (35.2, 32.75),
}
# Main towns, in order of precedence for labels: the conventional English
# spelling, then the name the gazetteer knows the town by.
TOWNS = (
    ("Damascus", "Damascus"),
    ("Aleppo", "Aleppo"),
    ("Homs", "Homs"),
    ("Hama", "Hama"),
    ("Latakia", "Latakia"),
    ("Idlib", "Idlib"),
    ("Raqqa", "Raqqa"),
    ("Deir ez-Zor", "Deir ez-Zor"),
    ("Daraa", "Daraa"),
    ("Douma", "Douma"),
    ("Tartus", "Tartus"),
    ("Hasakah", "Hasakah"),
    ("Qamishli", "Qamishli"),
    ("Palmyra", "Tadmur"),
    ("Suwayda", "Suwayda"),
    ("Manbij", "Manbij"),
    ("Al-Bab", "Al-Bab"),
    ("Abu Kamal", "Abu Kamal"),
    ("Quneitra", "Quneitra"),
    ("Khan Shaykhun", "Khan Shaykhun"),
    ("Azaz", "Azaz"),
    ("Afrin", "Afrin"),
    ("Tabqa", "Tabqa"),
    ("Mayadin", "Mayadin"),
    ("Salamiyah", "Salamiyah"),
    ("Rastan", "Rastan"),
)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in metres


def date_text(day: dt.date) -> str:
    """``15 September 2017``."""
    return f"{day.day} {day:%B %Y}"


def title(atlas: AtlasData, day: dt.date) -> str:
    """The agreement(s) made on ``day``, else what the map shows."""
    made = [a.title for a in atlas.agreements if a.date == day]
    return "; ".join(made) if made else f"Zones in force on {date_text(day)}"


def source_line(atlas: AtlasData, day: dt.date) -> str:
    files: list[str] = []
    for version in sorted(atlas.in_force(day), key=lambda v: v.agreement.date):
        name = f"zones/{Path(version.mark.path).name}"
        if name not in files:
            files.append(name)
    for agreement in atlas.agreements:
        name = f"zones/{Path(agreement.mark.path).name}"
        if agreement.date == day and name not in files:
            files.append(name)
    horizon = atlas.control.horizon
    kept = f"; control data kept to {date_text(horizon)}" if horizon else ""
    return f"Source: Syria ceasefire atlas, {', '.join(files) or 'zones/'}{kept}."


# -- geometry -----------------------------------------------------------------


def _metres(lon: float, lat: float) -> tuple[float, float]:
    x, y = shapely.get_coordinates(to_metres(shapely.Point(lon, lat)))[0]
    return float(x), float(y)


def _project(geom: BaseGeometry) -> BaseGeometry:
    return shapely.simplify(to_metres(geom), TOLERANCE_M, preserve_topology=True)


def _path(geoms: Iterable[BaseGeometry]) -> MplPath | None:
    """One compound path of every polygon ring (holes included) or line."""
    verts: list[NDArray[np.float64]] = []
    codes: list[NDArray[np.uint8]] = []
    for geom in geoms:
        for part in shapely.get_parts(geom):
            if isinstance(part, shapely.Polygon):
                rings = [part.exterior, *part.interiors]
                closed = True
            elif isinstance(part, shapely.LineString | shapely.LinearRing):
                rings = [part]
                closed = False
            else:
                continue
            for ring in rings:
                xy = np.asarray(ring.coords, dtype=np.float64)
                if len(xy) < 2:
                    continue
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0] = MplPath.MOVETO
                if closed:
                    c[-1] = MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


@dataclass(frozen=True)
class _Base:
    """The layers that do not change with the date, in metres."""

    frame: Box
    neighbours: tuple[tuple[str, BaseGeometry], ...]
    governorates: tuple[tuple[str, BaseGeometry], ...]
    undof: BaseGeometry | None
    towns: tuple[tuple[str, float, float], ...]


_BASES: dict[str, _Base] = {}


def _base(geodata: Geodata) -> _Base:
    key = f"{geodata.directory}|{geodata.fingerprint}"
    if key not in _BASES:
        _BASES[key] = _make_base(geodata)
    return _BASES[key]


def _make_base(geodata: Geodata) -> _Base:
    syria = to_metres(geodata.syria)
    x0, y0, x1, y1 = syria.bounds
    frame = (x0 - MARGIN_M, y0 - MARGIN_M, x1 + MARGIN_M, y1 + MARGIN_M)
    # Widen the shorter side to the map's aspect ratio.
    aspect = MAP_HEIGHT_IN / (WIDTH_IN - 0.4)
    w, h = frame[2] - frame[0], frame[3] - frame[1]
    if h / w < aspect:
        grow = (w * aspect - h) / 2
        frame = (frame[0], frame[1] - grow, frame[2], frame[3] + grow)
    else:
        grow = (h / aspect - w) / 2
        frame = (frame[0] - grow, frame[1], frame[2] + grow, frame[3])
    clip = box(*frame).buffer(50_000)
    neighbours: list[tuple[str, BaseGeometry]] = []
    path = geodata.directory / "neighbours.geojson"
    if path.exists():
        raw = json.loads(path.read_text(encoding="utf-8"))
        for feature in raw["features"]:
            geom = _project(shapely.make_valid(shape(feature["geometry"])))
            geom = geom.intersection(clip)
            if not geom.is_empty:
                neighbours.append((str(feature["properties"]["name"]), geom))
    governorates = tuple(
        (geodata.governorates[code].name, _project(geodata.governorates[code].geometry))
        for code in geodata.governorate_codes
    )
    undof = geodata.governorates.get("SY-UNDOF")
    towns: list[tuple[str, float, float]] = []
    for label, lookup in TOWNS:
        found = geodata.gazetteer.candidates(lookup)
        if not found:
            continue
        town = max(found, key=lambda t: (t.population, -t.geonameid))
        towns.append((label, *_metres(town.lon, town.lat)))
    return _Base(
        frame=frame,
        neighbours=tuple(neighbours),
        governorates=governorates,
        undof=_project(undof.geometry) if undof is not None else None,
        towns=tuple(towns),
    )


# -- labels -------------------------------------------------------------------


class _Labels:
    """Boxes already taken on the map, in metres, and text measured in them."""

    def __init__(self, renderer: RendererAgg, metres_per_px: float) -> None:
        # Matplotlib leaves this method unannotated: name its type here.
        self.measure: Callable[..., tuple[float, float, float]] = (
            renderer.get_text_width_height_descent
        )
        self.scale = metres_per_px
        self.taken: list[Box] = []

    def size(self, text: str, prop: FontProperties) -> tuple[float, float]:
        widths, heights = [], []
        for line in clean(text).split("\n"):
            w, h, _ = self.measure(line, prop, ismath=False)
            widths.append(w)
            heights.append(h * 1.25)
        return max(widths) * self.scale, sum(heights) * self.scale

    def free(self, b: Box, pad: float = 0.0) -> bool:
        return not any(
            b[0] - pad < t[2]
            and t[0] < b[2] + pad
            and b[1] - pad < t[3]
            and t[1] < b[3] + pad
            for t in self.taken
        )

    def inside(self, b: Box, frame: Box) -> bool:
        return (
            frame[0] <= b[0]
            and b[2] <= frame[2]
            and frame[1] <= b[1]
            and b[3] <= frame[3]
        )


def _inner_points(geom: BaseGeometry, step: float) -> list[tuple[float, float]]:
    """Points of a grid inside ``geom``, nearest its middle first."""
    x0, y0, x1, y1 = geom.bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(geom, xs, ys)
    xs, ys = xs[inside], ys[inside]
    middle = geom.representative_point()
    order = np.lexsort((xs, np.hypot(xs - middle.x, ys - middle.y)))
    return [(float(xs[i]), float(ys[i])) for i in order]


def _centred(x: float, y: float, w: float, h: float) -> Box:
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _short(name: str) -> str:
    """A zone's name for the map, wrapped: a long name's first clause."""
    head, colon, tail = name.partition(":")
    if colon:
        tail = tail.split(",")[0].split(" (")[0].strip()
        head = f"{head}: {tail}"
    return textwrap.fill(head, 24)


# -- drawing ------------------------------------------------------------------


def _patch(ax: Axes, geoms: Sequence[BaseGeometry], z: float, **style: Any) -> None:
    path = _path(geoms)
    if path is not None:
        ax.add_patch(PathPatch(path, zorder=z, **style))


def _draw(
    atlas: AtlasData,
    resolved: Resolved,
    geodata: Geodata,
    day: dt.date,
) -> Figure:
    base = _base(geodata)
    versions = sorted(
        atlas.in_force(day), key=lambda v: (_kind_order(v.kind), v.name, v.zone_id)
    )
    shapes = {v.key: _project(resolved.of(v)) for v in versions}
    posts = [
        to_metres(resolved.posts[p.post_id])
        for p in atlas.posts_on(day)
        if p.post_id in resolved.posts
    ]

    # Layout in inches, top to bottom: title, map, key, notes.
    key_rows = max(len(versions), len(_key_rows(versions, bool(posts))))
    key_h = 0.35 + 0.19 * key_rows
    notes = [
        *textwrap.wrap(GOLAN_NOTE, 175, break_on_hyphens=False),
        *textwrap.wrap(ATTRIBUTION, 175, break_on_hyphens=False),
        *textwrap.wrap(source_line(atlas, day), 175, break_on_hyphens=False),
    ]
    notes_h = 0.15 + 0.15 * len(notes)
    title_h = 0.85
    height = title_h + MAP_HEIGHT_IN + key_h + notes_h
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    get_renderer: Callable[[], RendererAgg] = canvas.get_renderer
    renderer = get_renderer()

    def fy(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    fig.text(
        0.02,
        fy(0.3),
        title(atlas, day),
        fontsize=14,
        weight="bold",
        color=INK,
        va="center",
    )
    fig.text(
        0.02,
        fy(0.62),
        f"Zones in force on {date_text(day)}",
        fontsize=11,
        color=MUTED,
        va="center",
    )

    left = 0.2 / WIDTH_IN
    ax = fig.add_axes(
        (left, fy(title_h + MAP_HEIGHT_IN), 1 - 2 * left, MAP_HEIGHT_IN / height)
    )
    frame = base.frame
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(SEA)
    for spine in ax.spines.values():
        spine.set_edgecolor(BORDER)
        spine.set_linewidth(0.8)
    metres_per_px = (frame[2] - frame[0]) / ((1 - 2 * left) * WIDTH_IN * DPI)
    labels = _Labels(renderer, metres_per_px)
    pt = DPI / 72 * metres_per_px  # metres per typographic point

    # Base layers.
    _patch(ax, [g for _, g in base.neighbours], 1, fc=NEIGHBOUR, ec="#b5b5b5", lw=0.5)
    _patch(ax, [g for _, g in base.governorates], 2, fc=LAND, ec="none")

    # The ceasefire beneath, then the zones by kind.
    for version in versions:
        geom = shapes[version.key]
        colour = _ZONE_COLOURS.get(version.zone_id) or COLOURS.get(
            version.kind, "#555555"
        )
        if version.kind == "ceasefire":
            _patch(ax, [geom], 3, fc="none", ec=colour, lw=0, hatch="////", alpha=0.35)
            _patch(ax, [geom], 6, fc="none", ec=colour, lw=1.2)
        elif version.kind in OUTLINED:
            _patch(ax, [geom], 4, fc="none", ec=colour, lw=0, hatch="\\\\", alpha=0.6)
            _patch(
                ax, [geom], 6, fc="none", ec=colour, lw=1.4, ls=(0, (5, 1.5, 1, 1.5))
            )
        else:
            _patch(
                ax,
                [geom],
                4,
                fc=colour,
                alpha=OPACITY.get(version.kind, 0.55),
                ec="none",
            )
            _patch(
                ax, [geom], 6, fc="none", ec=colour, lw=1.0, ls=_dash(version.precision)
            )

    _patch(ax, [g for _, g in base.governorates], 5, fc="none", ec=BORDER, lw=0.6)
    if base.undof is not None:
        _patch(ax, [base.undof], 7, fc="none", ec=UNDOF, lw=1.2, ls=(0, (4, 2.5)))

    # Posts.
    if posts:
        xs = [p.centroid.x for p in posts]
        ys = [p.centroid.y for p in posts]
        ax.scatter(
            xs,
            ys,
            s=14,
            marker="^",
            c=COLOURS["observation-post"],
            edgecolors="white",
            linewidths=0.5,
            zorder=9,
        )
        for x, y in zip(xs, ys, strict=True):
            labels.taken.append(_centred(x, y, 6 * pt, 6 * pt))

    # Furniture first, so that labels keep clear of it.
    _scale_bar(ax, frame, pt, labels)
    _north_arrow(ax, frame, pt, labels)

    # Towns: a dot, and the label on the first free side.
    town_font = FontProperties(size=7.5)
    for _, x, y in base.towns:
        labels.taken.append(_centred(x, y, 4 * pt, 4 * pt))
    for name, x, y in base.towns:
        w, h = labels.size(name, town_font)
        gap = 3.5 * pt
        for dx, dy, ha, va in (
            (gap, 0.0, "left", "center"),
            (-gap, 0.0, "right", "center"),
            (0.0, gap, "center", "bottom"),
            (0.0, -gap, "center", "top"),
        ):
            bx = x + dx - (w if ha == "right" else w / 2 if ha == "center" else 0)
            by = y + dy - (h if va == "top" else h / 2 if va == "center" else 0)
            b = (bx, by, bx + w, by + h)
            if labels.inside(b, frame) and labels.free(b):
                labels.taken.append(b)
                ax.text(
                    bx,
                    by + h / 2,
                    name,
                    fontsize=7.5,
                    color=INK,
                    ha="left",
                    va="center",
                    zorder=11,
                )
                break
    ax.scatter(
        [t[1] for t in base.towns],
        [t[2] for t in base.towns],
        s=6,
        c=INK,
        zorder=10,
        linewidths=0,
    )

    # Zone labels: inside the zone if the name fits, else beside it on a leader.
    zone_font = FontProperties(size=8, weight="bold")
    for version in versions:
        if version.kind == "ceasefire":
            continue
        geom = shapes[version.key]
        text = _short(version.name)
        w, h = labels.size(text, zone_font)
        w, h = w + 4 * pt, h + 3 * pt
        anchor = (
            geom.representative_point()
            if geom.geom_type != "MultiPolygon"
            else max(
                shapely.get_parts(geom), key=lambda g: g.area
            ).representative_point()
        )
        ax_, ay = anchor.x, anchor.y
        spot = None
        b = _centred(ax_, ay, w, h)
        if geom.contains(box(*b)) and labels.free(b):
            spot = (ax_, ay, False)
        else:
            for r in (45_000, 75_000, 110_000, 150_000):
                for deg in range(0, 360, 30):
                    rad = np.radians(deg + 15)
                    cx = ax_ + r * np.cos(rad)
                    cy = ay + r * np.sin(rad)
                    b = _centred(cx, cy, w, h)
                    if labels.inside(b, frame) and labels.free(b, pad=2 * pt):
                        spot = (cx, cy, True)
                        break
                if spot:
                    break
        if spot is None:
            continue
        cx, cy, leader = spot
        b = _centred(cx, cy, w, h)
        labels.taken.append(b)
        colour = _ZONE_COLOURS.get(version.zone_id) or COLOURS.get(
            version.kind, "#555555"
        )
        if leader:
            leader_line = shapely.LineString([(ax_, ay), (cx, cy)])
            for part in shapely.get_parts(leader_line.difference(box(*b))):
                xy = np.asarray(part.coords)
                ax.plot(xy[:, 0], xy[:, 1], color=INK, lw=0.6, zorder=12)
            ax.scatter([ax_], [ay], s=5, c=INK, zorder=12, linewidths=0)
        ax.text(
            cx,
            cy,
            text,
            fontsize=8,
            weight="bold",
            color=_darker(colour),
            ha="center",
            va="center",
            multialignment="center",
            zorder=13,
            bbox={
                "boxstyle": "round,pad=0.25",
                "fc": "white",
                "ec": colour,
                "lw": 0.6,
                "alpha": 0.9,
            },
        )

    # Governorate names: nearest the middle where a box fits and is free (Damascus
    # city, drawn small, may have no room).
    gov_font = FontProperties(size=7, style="italic")
    for name, geom in base.governorates:
        text = name.upper()
        w, h = labels.size(text, gov_font)
        for cx, cy in _inner_points(geom, 6_000):
            b = _centred(cx, cy, w, h)
            if labels.free(b, pad=3 * pt) and geom.contains(box(*b)):
                labels.taken.append(b)
                ax.text(
                    cx,
                    cy,
                    text,
                    fontsize=7,
                    style="italic",
                    color=MUTED,
                    ha="center",
                    va="center",
                    zorder=8,
                )
                break

    # Neighbouring countries: at a usual spot, else wherever free in the frame.
    frame_box = box(*frame).buffer(-10_000)
    country_font = FontProperties(size=8)
    for name, geom in base.neighbours:
        seen = geom.intersection(frame_box)
        if seen.is_empty or seen.area < 2e9:
            continue
        text = name.upper()
        w, h = labels.size(text, country_font)
        spots = _inner_points(seen, 10_000)
        if name in COUNTRY_SPOTS:
            spots.insert(0, _metres(*COUNTRY_SPOTS[name]))
        for cx, cy in spots:
            b = _centred(cx, cy, w, h)
            if labels.free(b, pad=pt) and seen.contains(box(*b)):
                labels.taken.append(b)
                ax.text(
                    cx,
                    cy,
                    text,
                    fontsize=8,
                    color="#8f8f8f",
                    ha="center",
                    va="center",
                    zorder=8,
                )
                break

    _key(fig, versions, bool(posts), fy(title_h + MAP_HEIGHT_IN + 0.1), height)
    y = title_h + MAP_HEIGHT_IN + key_h + 0.1
    for line in notes:
        fig.text(0.02, fy(y), line, fontsize=6.5, color=MUTED, va="top")
        y += 0.15
    return fig


def _dash(precision: str) -> tuple[float, tuple[float, ...]] | str:
    """The vocabulary's SVG dash for a precision, in matplotlib's terms."""
    dash = PRECISION_DASH.get(precision)
    if not dash:
        return "solid"
    return (0, tuple(float(n) / 2 for n in dash.split()))


def _kind_order(kind: str) -> int:
    return ZONE_KINDS.index(kind) if kind in ZONE_KINDS else len(ZONE_KINDS)


def _darker(colour: str) -> str:
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{int(c * 0.7):02x}" for c in rgb)


def _scale_bar(ax: Axes, frame: Box, pt: float, labels: _Labels) -> None:
    km = 100
    x0 = frame[0] + 0.04 * (frame[2] - frame[0])
    y0 = frame[1] + 0.04 * (frame[3] - frame[1])
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * 25_000, y0),
                25_000,
                4 * pt,
                fc=INK if i % 2 == 0 else "white",
                ec=INK,
                lw=0.6,
                zorder=14,
            )
        )
    for value in (0, 50, 100):
        ax.text(
            x0 + value * 1000,
            y0 + 6 * pt,
            f"{value}",
            fontsize=7,
            ha="center",
            va="bottom",
            color=INK,
            zorder=14,
        )
    ax.text(
        x0 + km * 1000 + 4 * pt,
        y0 + 2 * pt,
        "km",
        fontsize=7,
        ha="left",
        va="center",
        color=INK,
        zorder=14,
    )
    labels.taken.append(
        (x0 - 6 * pt, y0 - 3 * pt, x0 + km * 1000 + 20 * pt, y0 + 18 * pt)
    )


def _north_arrow(ax: Axes, frame: Box, pt: float, labels: _Labels) -> None:
    # The projection is centred on 38.5°E: north is up along the map's middle.
    x = frame[2] - 0.04 * (frame[2] - frame[0])
    y = frame[3] - 0.06 * (frame[3] - frame[1])
    ax.annotate(
        "",
        xy=(x, y + 14 * pt),
        xytext=(x, y - 6 * pt),
        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.0},
        zorder=14,
    )
    ax.text(
        x,
        y + 16 * pt,
        "N",
        fontsize=9,
        weight="bold",
        ha="center",
        va="bottom",
        color=INK,
        zorder=14,
    )
    labels.taken.append((x - 10 * pt, y - 10 * pt, x + 10 * pt, y + 30 * pt))


def _swatch(
    kind: str, precision: str = "exact", colour: str | None = None
) -> dict[str, Any]:
    """A kind's (or, given its colour, a zone's) patch style, as the map draws it."""
    colour = colour or COLOURS.get(kind, "#555555")
    if kind == "ceasefire":
        return {"fc": "none", "ec": colour, "hatch": "////", "lw": 1.0}
    if kind in OUTLINED:
        return {
            "fc": "none",
            "ec": colour,
            "hatch": "\\\\",
            "lw": 1.2,
            "ls": (0, (4, 1.2, 1, 1.2)),
        }
    return {
        "fc": mpl.colors.to_rgba(colour, OPACITY.get(kind, 0.55)),
        "ec": colour,
        "lw": 0.8,
        "ls": _dash(precision),
    }


def _key_rows(versions: list[ZoneVersion], posts: bool) -> list[tuple[str, str]]:
    """The right-hand column: each kind drawn, then the base layers."""
    kinds = sorted({v.kind for v in versions}, key=_kind_order)
    rows = [(f"kind:{k}", LABELS.get(k, k)) for k in kinds]
    rows += [
        ("governorate", "Governorate border"),
        ("undof", "UNDOF area of separation"),
        ("neighbour", "Neighbouring country"),
        ("town", "Town"),
    ]
    if posts:
        rows.append(("post", LABELS["observation-post"]))
    return rows


def _key(
    fig: Figure, versions: list[ZoneVersion], posts: bool, top: float, height: float
) -> None:
    """Two columns under the map: the zones in force, then the map's key."""
    row = 0.19 / height
    sw, sh = 0.028, 0.11 / height

    def swatch(x: float, y: float, style: dict[str, Any]) -> None:
        fig.patches.append(
            Rectangle((x, y - sh / 2), sw, sh, transform=fig.transFigure, **style)
        )

    def marker(x: float, y: float, symbol: str, size: float, colour: str) -> None:
        fig.lines.append(
            Line2D(
                [x + sw / 2],
                [y],
                marker=symbol,
                ms=size,
                color=colour,
                ls="none",
                transform=fig.transFigure,
            )
        )

    x_patch, x_text = 0.02, 0.055
    fig.text(
        x_patch, top, "Zones in force", fontsize=8.5, weight="bold", color=INK, va="top"
    )
    y = top - 0.27 / height
    for version in versions:
        swatch(
            x_patch,
            y,
            _swatch(
                version.kind, version.precision, _ZONE_COLOURS.get(version.zone_id)
            ),
        )
        fig.text(x_text, y, version.name, fontsize=7.5, color=INK, va="center")
        y -= row

    x_patch, x_text = 0.74, 0.775
    fig.text(x_patch, top, "Key", fontsize=8.5, weight="bold", color=INK, va="top")
    y = top - 0.27 / height
    for what, label in _key_rows(versions, posts):
        if what.startswith("kind:"):
            swatch(x_patch, y, _swatch(what[5:]))
        elif what == "governorate":
            swatch(x_patch, y, {"fc": LAND, "ec": BORDER, "lw": 0.8})
        elif what == "undof":
            swatch(
                x_patch, y, {"fc": "none", "ec": UNDOF, "lw": 1.0, "ls": (0, (3, 2))}
            )
        elif what == "neighbour":
            swatch(x_patch, y, {"fc": NEIGHBOUR, "ec": "#b5b5b5", "lw": 0.6})
        elif what == "town":
            marker(x_patch, y, "o", 3, INK)
        else:
            marker(x_patch, y, "^", 4, COLOURS["observation-post"])
        fig.text(x_text, y, label, fontsize=7.5, color=INK, va="center")
        y -= row


_ZONE_COLOURS: dict[str, str] = {}


def figure(
    atlas: AtlasData, resolved: Resolved, geodata: Geodata, day: dt.date
) -> tuple[bytes, bytes]:
    """The map of ``day`` as (svg_bytes, png_bytes), ready to paste into a report."""
    # Each zone in its own colour, as on the pages (export.features.zone_colour).
    _ZONE_COLOURS.clear()
    _ZONE_COLOURS.update({v.zone_id: zone_colour(atlas, v) for v in atlas.versions})
    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "mapgen-figures",
            "hatch.linewidth": 0.6,
            # Text from the data is text: a "$" in a name is not maths.
            "text.parse_math": False,
        }
    ):
        fig = _draw(atlas, resolved, geodata, day)
        # Every text drawn, in one pass: what SVG and the fonts cannot carry
        # (control characters, U+FFFE, NUL) becomes U+FFFD.
        for text in fig.findobj(Text):
            text.set_text(clean(text.get_text()))
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", dpi=DPI, metadata={"Date": None})
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=DPI)
    return svg.getvalue(), png.getvalue()

"""The atlas as a Python library: zones as GeoDataFrames, maps as folium maps.

>>> import mapgen
>>> atlas = mapgen.open_atlas()
>>> zones = atlas.zones_on("2017-10-01")
>>> sorted(zones["name"])[:2]
['Eastern Ghouta de-escalation zone', 'Idlib de-escalation zone']

geopandas and folium are imported only when a method needs them, so that
``import mapgen`` and ``mapgen build`` stay fast.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.analysis.diff import Differ
from mapgen.analysis.timeline import period
from mapgen.export.features import collection_all, collection_on
from mapgen.geodata.bundled import GEODATA_DIR, ZONES_DIR
from mapgen.geodata.extracts import Geodata
from mapgen.geometry.resolve import Resolved
from mapgen.model import Agreement, AtlasData
from mapgen.site.build import load_and_resolve
from mapgen.vocabulary import COLOURS, PRECISION_DASH, ZONE_KINDS

if TYPE_CHECKING:
    import folium
    import geopandas
    import pandas


def open_atlas(
    zones: str | Path | None = None,
    boundaries: str | Path | None = None,
    *,
    boundary_key: str | None = None,
    geodata: str | Path | None = None,
) -> Atlas:
    """Open the atlas: read and check the zone files and draw every zone.

    Parameters
    ----------
    zones : str or Path, optional
        A folder of zone files; by default the atlas's own.
    boundaries : str or Path, optional
        An admin-1 boundary file (Shapefile, GeoPackage or GeoJSON, e.g. OCHA's
        COD-AB ``syr_admbnda_adm1``) to use instead of the packaged governorates.
    boundary_key : str, optional
        The boundary file's field of ISO 3166-2 codes or OCHA p-codes; by default
        the field whose values are such codes.
    geodata : str or Path, optional
        A folder of geodata extracts; by default the packaged ones.

    Returns
    -------
    Atlas
        Every agreement and zone version, ready to query.

    Raises
    ------
    mapgen.errors.ZoneDataError
        If the zone files have problems; ``problems`` lists each with its place.
    mapgen.errors.BoundaryError
        If the boundary file cannot stand in for the governorates.

    Examples
    --------
    >>> atlas = open_atlas()
    >>> atlas.dates[0]
    datetime.date(2016, 12, 29)
    """
    extracts = Geodata(
        Path(geodata) if geodata else GEODATA_DIR,
        boundaries=Path(boundaries) if boundaries else None,
        boundary_key=boundary_key,
    )
    data, resolved = load_and_resolve(Path(zones) if zones else ZONES_DIR, extracts)
    return Atlas(data, resolved, extracts)


@dataclass
class Atlas:
    """Syria's ceasefire and de-escalation zones, Dec 2016 – Dec 2018.

    Made by :func:`open_atlas`. Dates may be given as ``datetime.date`` or as
    text written ``YYYY-MM-DD``; dates outside the atlas's period are refused.
    """

    data: AtlasData
    resolved: Resolved
    geodata: Geodata
    _differ: Differ | None = field(default=None, repr=False)

    @property
    def agreements(self) -> tuple[Agreement, ...]:
        """Every agreement, in date order."""
        return self.data.agreements

    @property
    def dates(self) -> list[dt.date]:
        """The agreements' dates."""
        return self.data.dates

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The first and last day the atlas covers."""
        return period(self.data)

    def day(self, when: str | dt.date) -> dt.date:
        """``when`` as a date within the atlas's period.

        Raises
        ------
        ValueError
            If ``when`` is not a date written YYYY-MM-DD or lies outside the period.
        TypeError
            If ``when`` is neither a date nor a text (None, a number).
        """
        if isinstance(when, dt.datetime):
            when = when.date()
        if isinstance(when, str):
            from mapgen.analysis.timeline import parse_date
            from mapgen.errors import UsageError

            try:
                when = parse_date(when)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        if not isinstance(when, dt.date):
            raise TypeError(
                f"A date is needed: a datetime.date or a text written YYYY-MM-DD, "
                f"not {type(when).__name__} {when!r}."
            )
        first, last = self.period
        if not first <= when <= last:
            raise ValueError(
                f"{when} is outside the atlas's period, {first} to {last}."
            )
        return when

    def zones_on(self, when: str | dt.date) -> geopandas.GeoDataFrame:
        """The zones in force on a date, one row per zone.

        Columns: ``id``, ``version``, ``name``, ``kind``, ``agreement_date``,
        ``agreement_title``, ``valid_from``, ``valid_to`` (dates; ``valid_to`` is
        the first day no longer in force, None while open), ``fate``,
        ``precision`` and ``precision_note``, ``governorates`` (ISO 3166-2) and
        ``ocha_pcodes`` (space-separated), ``area_km2`` (float, equal-area
        projection), ``sources`` (readable text), ``details`` (JSON text:
        guarantors, population figures, lifecycle, obligations, notes) and
        ``about`` (the data's provenance and the Golan note); geometry in
        EPSG:4326.

        Examples
        --------
        >>> zones = open_atlas().zones_on("2017-10-01")
        >>> len(zones), zones.crs.to_epsg()
        (8, 4326)
        """
        from mapgen.export.gis import frame

        on = self.day(when)
        return frame(
            collection_on(self.data, self.resolved, on), self.geodata.pcodes, ZONE_KINDS
        )

    def features_on(self, when: str | dt.date) -> geopandas.GeoDataFrame:
        """Everything in force on a date: zones, observation posts and routes."""
        from mapgen.export.gis import frame

        on = self.day(when)
        return frame(collection_on(self.data, self.resolved, on), self.geodata.pcodes)

    def history(self, zone_id: str) -> geopandas.GeoDataFrame:
        """Every version of one zone, in date order.

        Raises
        ------
        KeyError
            If no zone has that id.
        """
        from mapgen.export.gis import frame
        from mapgen.zonefile._listing import listing

        known = {v.zone_id for v in self.data.versions}
        if zone_id not in known:
            raise KeyError(
                f"No zone is called {zone_id!r}; known: {listing(known, near=zone_id)}."
            )
        everything = collection_all(self.data, self.resolved)
        rows = frame(everything, self.geodata.pcodes, ZONE_KINDS)
        return (
            rows[rows["id"] == zone_id].sort_values("valid_from").reset_index(drop=True)
        )

    def diff(self, a: str | dt.date, b: str | dt.date) -> pandas.DataFrame:
        """Km² added and removed between two dates.

        Per zone, per governorate and for all zones together (their union), in an
        equal-area projection. Columns: ``section`` (zone, governorate or total), ``id``, ``name``,
        ``km2_a``, ``km2_b``, ``added``, ``removed``.
        """
        import pandas as pd

        first, second = self.day(a), self.day(b)
        if self._differ is None:
            self._differ = Differ(self.data, self.resolved, self.geodata)
        result = self._differ.diff(first, second)
        rows = (
            [("zone", r) for r in result.zones]
            + [("governorate", r) for r in result.governorates]
            + [("total", result.total)]
        )
        return pd.DataFrame(
            [
                {
                    "section": section,
                    "id": r.ident,
                    "name": r.name,
                    "km2_a": r.km2_a,
                    "km2_b": r.km2_b,
                    "added": r.added,
                    "removed": r.removed,
                }
                for section, r in rows
            ]
        )

    def control_on(self, when: str | dt.date) -> geopandas.GeoDataFrame:
        """The territory each side held on a date, one row per side.

        Computed from who held each settlement (``zones/control``): Voronoi
        cells of the settlements known on the date, cut at 10 km and clipped to
        Syria, unioned per side (see ``method``). Columns: ``side``,
        ``side_means``, ``date``, ``area_km2``, ``settlements`` (how many it was
        drawn from), ``precision``, ``method``, ``horizon`` (the last date the
        control data is kept to; later dates are refused).
        """
        import geopandas

        from mapgen.export.control import territory_collection
        from mapgen.geometry.territory import territory_on

        on = self.day(when)
        horizon = self.data.control.horizon
        if horizon is None:
            raise ValueError("The atlas has no control data (zones/control).")
        if on > horizon:
            raise ValueError(
                f"{on} is after {horizon}, the last date the control data is kept to."
            )
        territory = territory_on(self.data.control, self.geodata, on)
        collection = territory_collection(territory, horizon)
        return geopandas.GeoDataFrame.from_features(
            collection["features"], crs="EPSG:4326"
        )

    def settlements_in(
        self, zone_id: str, when: str | dt.date
    ) -> geopandas.GeoDataFrame:
        """The places inside a zone on a date, one row per place.

        Columns: ``name``, ``kind`` (settlement, hill, base, ...), ``side`` (who
        held it that day), ``since`` (the day that spell began), ``inferred``
        (True where no source dates that spell: the atlas assumed it),
        ``note`` (how, or what the source says), ``origin`` (``curated``: a
        control file; ``wikimap``: Wikipedia's detailed map), ``governorate``;
        geometry points in EPSG:4326. Empty if the zone is not in force.

        Examples
        --------
        >>> inside = open_atlas().settlements_in("eastern-ghouta", "2017-10-01")
        >>> bool((inside["side"] == "opposition").all())
        True
        """
        import geopandas
        import shapely

        on = self.day(when)
        zones = self.zones_on(on)
        mine = zones[zones["id"] == zone_id]
        known = {v.zone_id for v in self.data.versions}
        if zone_id not in known:
            raise ValueError(f"There is no zone '{zone_id}' in the atlas.")
        rows: list[dict[str, Any]] = []
        points = []
        if len(mine):
            shape = mine.geometry.union_all()
            shapely.prepare(shape)
            for s in self.data.control.settlements:
                spell = s.spell_on(on)
                point = shapely.Point(s.lon, s.lat)
                if spell is None or not shape.covers(point):
                    continue
                rows.append(
                    {
                        "name": s.name,
                        "kind": s.kind,
                        "side": spell.side,
                        "since": spell.start,
                        "inferred": spell.inferred,
                        "note": spell.note or "",
                        "origin": s.origin,
                        "governorate": s.governorate,
                    }
                )
                points.append(point)
        columns = [
            "name",
            "kind",
            "side",
            "since",
            "inferred",
            "note",
            "origin",
            "governorate",
        ]
        return geopandas.GeoDataFrame(
            rows, columns=columns, geometry=points, crs="EPSG:4326"
        )

    def settlements(self) -> geopandas.GeoDataFrame:
        """Every settlement of the control data, with its history as JSON text."""
        import json

        import geopandas

        from mapgen.export.control import settlements_collection

        features = settlements_collection(self.data.control)["features"]
        for f in features:
            f["properties"]["history"] = json.dumps(
                f["properties"]["history"], ensure_ascii=False
            )
            f["properties"]["coordinates_from"] = f["properties"]["coordinates_from"][
                "title"
            ]
        return geopandas.GeoDataFrame.from_features(features, crs="EPSG:4326")

    def explore(self, when: str | dt.date, **kwargs: Any) -> folium.Map:
        """A folium map of what was in force on a date, in the atlas's colours.

        Each zone, post and route is its own layer (with a layer control); the
        boundary's precision is drawn as on the atlas's pages (solid exact, dashed
        approximate, dotted schematic); popups give the agreement, dates,
        precision and sources. Keyword arguments go to ``folium.Map``. The map
        loads its scripts from the internet, as folium maps do; the atlas's own
        pages (``mapgen build``) work offline.
        """
        import folium

        on = self.day(when)
        collection = collection_on(self.data, self.resolved, on)
        kwargs.setdefault("location", [35.0, 38.5])
        kwargs.setdefault("zoom_start", 7)
        fmap = folium.Map(**kwargs)
        for feature in collection["features"]:
            p = feature["properties"]
            colour = COLOURS.get(p["kind"], "#555555")
            style = {
                "color": colour,
                "fillColor": colour,
                "weight": 2,
                "fillOpacity": 0.05 if p["kind"] == "ceasefire" else 0.3,
                "dashArray": PRECISION_DASH.get(p["precision"]),
            }
            popup = folium.Popup(_popup_html(p), max_width=420)
            layer = folium.FeatureGroup(name=_markup(p["name"]))
            if feature["geometry"]["type"] == "Point":
                lon, lat = feature["geometry"]["coordinates"]
                folium.CircleMarker(
                    [lat, lon],
                    radius=6,
                    color="#ffffff",
                    fill=True,
                    fill_color=colour,
                    fill_opacity=1,
                    popup=popup,
                    tooltip=_markup(p["name"]),
                ).add_to(layer)
            else:
                shape = folium.GeoJson(
                    feature,
                    style_function=lambda _f, s=style: s,
                    tooltip=_markup(p["name"]),
                )
                shape.add_child(popup)
                shape.add_to(layer)
            layer.add_to(fmap)
        folium.LayerControl(collapsed=False).add_to(fmap)
        return fmap

    def _repr_html_(self) -> str:
        first, last = self.period
        rows = "".join(
            f"<tr><td>{a.date}</td><td>{html.escape(a.title)}</td>"
            f"<td>{', '.join(html.escape(v.name) for v in a.zones)}</td></tr>"
            for a in self.agreements
        )
        return (
            f"<div><b>Atlas of Syria's ceasefire and de-escalation zones</b>, "
            f"{first} to {last}: {len(self.agreements)} agreements, "
            f"{len(self.data.versions)} zone versions, {len(self.data.posts)} "
            f"observation posts.<table><thead><tr><th>date</th><th>agreement</th>"
            f"<th>zones</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )

    def __repr__(self) -> str:
        first, last = self.period
        return (
            f"<Atlas {first} to {last}: {len(self.agreements)} agreements, "
            f"{len(self.data.versions)} zone versions>"
        )


def _markup(text: str) -> str:
    """Give ``text`` as HTML that is inert inside a JavaScript template literal.

    folium puts tooltips and popups between backticks: the backtick, ``$`` and
    the backslash become character references as well as ``<&>"'``, and the
    whole is isolated in ``<bdi>`` so that a right-to-left mark cannot reorder
    what surrounds it.
    """
    safe = html.escape(text, quote=True)
    for char, ref in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;")):
        safe = safe.replace(char, ref)
    return f"<bdi>{safe}</bdi>"


def _popup_html(p: dict[str, Any]) -> str:
    from mapgen.export.gis import source_text

    def row(label: str, value: object) -> str:
        return f"<tr><th>{label}</th><td>{_markup(str(value))}</td></tr>"

    sources = "".join(
        f"<li>{_markup(source_text(s))}</li>" for s in p.get("sources", [])
    )
    return (
        f"<h4>{_markup(p['name'])}</h4><table>"
        + row("Kind", p["kind"])
        + row("Agreement", f"{p['agreement']['date']} {p['agreement']['title']}")
        + row("In force", f"{p['valid_from']} to {p.get('valid_to') or 'open'}")
        + row("Boundary", f"{p['precision']}: {p.get('precision_note') or ''}")
        + (row("Area", f"{p['area_km2']:,} km²") if p.get("area_km2") else "")
        + f"</table><b>Sources</b><ul>{sources}</ul>"
    )

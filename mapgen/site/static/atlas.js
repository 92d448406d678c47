/* The atlas's page script. Data arrive as JSON (never as HTML); every string
   from the zone files is put on the page with textContent, so none of it can
   run as markup or script. */
(function () {
  "use strict";

  // The atlas's vocabulary (mapgen/vocabulary.py), prefixed to this file at build time.
  var VOCABULARY = window.ATLAS_VOCABULARY;
  var KIND_COLOURS = VOCABULARY.colours;
  var SVGNS = "http://www.w3.org/2000/svg";
  var PRECISION_DASH = VOCABULARY.dash;

  // Hatched fills for schematic shapes: one SVG pattern per kind colour, in a
  // hidden <svg> of their own; paths anywhere in the page use them from CSS
  // (fill: url(#hatch-KIND)).
  function addHatches() {
    if (document.getElementById("atlas-hatches")) return;
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("id", "atlas-hatches");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    var defs = document.createElementNS(SVGNS, "defs");
    Object.keys(KIND_COLOURS).forEach(function (kind) {
      var pat = document.createElementNS(SVGNS, "pattern");
      pat.setAttribute("id", "hatch-" + kind);
      pat.setAttribute("patternUnits", "userSpaceOnUse");
      pat.setAttribute("width", "8");
      pat.setAttribute("height", "8");
      pat.setAttribute("patternTransform", "rotate(45)");
      var line = document.createElementNS(SVGNS, "line");
      line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
      line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
      line.setAttribute("stroke", KIND_COLOURS[kind]);
      line.setAttribute("stroke-width", "3");
      line.setAttribute("stroke-opacity", "0.55");
      pat.appendChild(line);
      defs.appendChild(pat);
    });
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  // Text is put in its own <bdi>, so that right-to-left or direction-changing
  // characters in the data cannot reorder the text around it. A text made of
  // several values is given as a list, [value, " — due ", value]: each
  // piece is isolated on its own, so that one value cannot reorder the next.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") {
        [].concat(attrs[k]).forEach(function (piece) {
          if (piece === null || piece === undefined || piece === "") return;
          var isolated = document.createElement("bdi");
          isolated.textContent = String(piece);
          node.appendChild(isolated);
        });
      }
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  // Items of a list joined by a separator, as pieces of a text (each item
  // isolated on its own by el).
  function joined(items, separator) {
    var out = [];
    items.forEach(function (it, i) { if (i) out.push(separator); out.push(it); });
    return out;
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function sourceNode(src) {
    // "Publisher, 'Title', date" as the loader wrote it (Source.label).
    var label = src.label || src.text;
    var url = safeUrl(src.url);
    if (url) return el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: label });
    return el("span", { text: label });
  }

  function listOf(items, make) {
    var ul = el("ul");
    items.forEach(function (it) { ul.appendChild(el("li", {}, [make(it)])); });
    return ul;
  }

  function describe(p) {
    var rows = [["Kind", p.kind]];
    if (p.kind === "observation-post") {
      rows.push(["Number", ["#" + p.number, p.posts_total ? " of " + p.posts_total : null, " (order of establishment)"]]);
      rows.push(["Established", [p.valid_from, " (reported: ", p.established_as_reported, ")"]]);
    } else {
      rows.push(["In force", [p.valid_from, " \u2192 ", p.valid_to || "open", p.valid_to ? " (first day no longer in force)" : null]]);
      if (p.kind !== "route") rows.push(["Fate", p.fate ? [p.fate, p.fate_note ? ": " : null, p.fate_note] : "\u2014"]);
    }
    rows.push(["Agreement", [p.agreement.date, " \u2014 ", p.agreement.title]]);
    if (p.guarantors) rows.push(["Guarantors", p.guarantors.length ? joined(p.guarantors, ", ") : "\u2014"]);
    if (p.towns) rows.push(["Through", joined(p.towns, " \u2013 ")]);
    rows.push(["Governorates", (p.governorates || []).length ? joined(p.governorates, ", ") : "\u2014"]);
    if (p.area_km2 !== undefined) rows.push(["Area", p.area_km2.toLocaleString("en") + " km\u00b2"]);
    if (p.derived_from) rows.push(["Derived from", [p.derived_from, ": ", p.derivation]]);
    rows.push(["Boundary", [p.precision, " \u2014 ", p.precision_meaning, p.precision_note ? ". " : null, p.precision_note]]);
    return rows;
  }

  function zonePopup(p) {
    var dl = el("dl");
    describe(p).forEach(function (r) { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: r[1] })); });
    var box = el("div", { className: "popup" }, [el("h2", { text: p.name }), dl]);
    if (p.lifecycle && p.lifecycle.length) {
      box.appendChild(el("h3", { text: "Life of the zone" }));
      box.appendChild(listOf(p.lifecycle, function (e) {
        var li = el("span", { className: "stage-" + e.stage, text: [e.date, " \u00b7 ", e.stage, e.note ? ": " : null, e.note] });
        e.sources.forEach(function (s) { li.appendChild(document.createTextNode(" \u2014 ")); li.appendChild(sourceNode(s)); });
        return li;
      }));
    }
    if (p.obligations && p.obligations.length) {
      box.appendChild(el("h3", { text: "Obligations" }));
      box.appendChild(listOf(p.obligations, function (o) {
        var status = o.status_on_date || o.outcome_status;
        return el("span", { text: [o.what, " \u2014 due ", o.due, ": ", status, o.outcome ? " (" : null, o.outcome, o.outcome ? ")" : null] });
      }));
    }
    if (p.population && p.population.length) {
      box.appendChild(el("h3", { text: "Reported figures" }));
      box.appendChild(listOf(p.population, function (f) {
        var li = el("span", { text: [f.value.toLocaleString("en"), " ", f.of, f.note ? " (" : null, f.note, f.note ? ")" : null, " \u2014 "] });
        f.sources.forEach(function (s, i) { if (i) li.appendChild(document.createTextNode("; ")); li.appendChild(sourceNode(s)); });
        return li;
      }));
    }
    if (p.notes) box.appendChild(el("p", { className: "note", text: p.notes }));
    box.appendChild(el("h3", { text: "Sources" }));
    box.appendChild(listOf(p.sources, sourceNode));
    return box;
  }

  function zoneColour(p) { return p.colour || KIND_COLOURS[p.kind] || "#555"; }

  function zoneStyle(p) {
    var colour = zoneColour(p);
    var ceasefire = p.kind === "ceasefire";
    if (p.kind === "observation-post") {
      // L.geoJSON applies this style to point markers too, className included.
      return {
        radius: 6, weight: 2, color: "#fff", fillColor: colour,
        fillOpacity: p.precision === "schematic" ? 0.35 : 1, dashArray: PRECISION_DASH[p.precision] || null,
        className: "zone zone-" + p.id + " post precision-" + p.precision
      };
    }
    if (p.kind === "route") {
      return { color: colour, weight: 3, opacity: 0.9, dashArray: PRECISION_DASH[p.precision] || null,
               className: "zone zone-" + p.id + " route precision-" + p.precision };
    }
    return {
      color: colour,
      weight: ceasefire ? 1.5 : 2.5,
      opacity: 0.95,
      fillColor: colour,
      // A schematic fill is a hatch pattern (mostly transparent), so it gets a
      // higher opacity than the flat fills.
      fillOpacity: ceasefire ? 0.06 : (p.precision === "schematic" ? 0.85 : 0.32),
      dashArray: PRECISION_DASH[p.precision] || null,
      className: "zone zone-" + p.id + " kind-" + p.kind + " precision-" + p.precision
    };
  }

  // Geometry arrives as encoded polylines (see mapgen/encode.py): signed
  // deltas of lon/lat x 1e5 as zig-zag varints in printable ASCII.
  function decodeLine(text) {
    var coords = [], x = 0, y = 0, i = 0, values = [];
    while (i < text.length) {
      var shift = 0, result = 0, b;
      do { b = text.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
      values.push(result & 1 ? ~(result >> 1) : result >> 1);
    }
    for (var k = 0; k + 1 < values.length; k += 2) {
      x += values[k]; y += values[k + 1];
      coords.push([x / 1e5, y / 1e5]);
    }
    return coords;
  }

  function decodeGeometry(g) {
    if (!g.e) return g;
    if (g.type === "LineString") return { type: g.type, coordinates: decodeLine(g.e) };
    if (g.type === "Polygon") return { type: g.type, coordinates: g.e.map(decodeLine) };
    return { type: g.type, coordinates: g.e.map(function (p) { return p.map(decodeLine); }) };
  }

  // Repeated property values come as references ("\u0001" + index) into the
  // collection's table (see mapgen/encode.py).
  function expand(value, table) {
    if (typeof value === "string" && value.charAt(0) === "\u0001") return table[parseInt(value.slice(1), 10)];
    if (Array.isArray(value)) return value.map(function (v) { return expand(v, table); });
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = expand(value[k], table); });
      return out;
    }
    return value;
  }

  function decodeCollection(fc) {
    var table = fc.table || [];
    return { type: "FeatureCollection", features: fc.features.map(function (f) {
      return { type: "Feature", id: f.id, properties: expand(f.properties, table), geometry: decodeGeometry(f.geometry) };
    }) };
  }

  function loadScript(src) {
    var s = document.createElement("script");
    s.src = src;
    document.body.appendChild(s);
  }

  function scriptBase() {
    // Pages live at the top (timeline, compare) or one level down (maps/).
    var src = document.querySelector("script[src$='assets/atlas.js']").getAttribute("src");
    return src.replace("assets/atlas.js", "");
  }

  var pending = {};

  function drawBase(map, base) {
    var pane = map.createPane("base");
    pane.style.zIndex = 350;
    if (base.seam) {
      L.geoJSON(decodeGeometry(base.seam), {
        pane: "base", interactive: false,
        style: { stroke: false, fillColor: "#ece8df", fillOpacity: 1, className: "seam" }
      }).addTo(map);
    }
    var neighbours = L.geoJSON(decodeCollection(base.neighbours), {
      pane: "base", interactive: false,
      style: { color: "#b9b3a6", weight: 1, fillColor: "#ece8df", fillOpacity: 1, className: "neighbour" }
    }).addTo(map);
    // The neighbours are an extract: never zoom or pan out past its edge.
    var frame = neighbours.getBounds();
    var govs = L.geoJSON(decodeCollection(base.governorates), {
      pane: "base",
      style: function (f) {
        var undof = f.properties.kind === "undof";
        return {
          color: undof ? "#3a6ea5" : "#8a8373", weight: undof ? 1.5 : 1, dashArray: undof ? "3 3" : null,
          fillColor: undof ? "#cfe0f3" : "#fbfaf6", fillOpacity: 1, className: undof ? "undof" : "governorate"
        };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var label = p.kind === "undof" ? "UNDOF area of separation (Golan)" : [p.name, " (", p.iso, ", ", p.ocha, ") ", p.name_ar];
        layer.bindTooltip(el("span", { text: label }), { sticky: true });
      }
    }).addTo(map);
    // Exact governorate borders once the map is zoomed in past display scale.
    var detailed = false;
    pending.detail = function (fc) {
      govs.clearLayers();
      govs.addData(decodeCollection(fc));
      document.body.setAttribute("data-base-detail", "1");
    };
    map.on("zoomend", function () {
      if (!detailed && map.getZoom() >= base.detailFromZoom) {
        detailed = true;
        loadScript(scriptBase() + "data/base-detail.js");
      }
    });
    var towns = L.layerGroup();
    towns.on("add", function () {
      if (towns.getLayers().length) return;
      pending.towns = function (list) {
        list.forEach(function (t) {
          var m = L.circleMarker([t[2], t[1]], {
            radius: t[3] >= 100000 ? 3.5 : 2, weight: 1, color: "#333", fillColor: "#fff", fillOpacity: 1, className: "town"
          });
          m.bindTooltip(placeName(t[0], t[4]));
          towns.addLayer(m);
        });
      };
      loadScript(scriptBase() + "data/towns.js");
    });
    return { governorates: govs, towns: towns, frame: frame };
  }

  function legend(container, features) {
    var zones = el("ul", { className: "legend legend-zones" });
    (features || []).forEach(function (f) {
      var p = f.properties;
      if (p.kind === "route" || p.kind === "observation-post") return;
      zones.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + zoneColour(p) }), p.name]));
    });
    var kinds = el("ul", { className: "legend" });
    Object.keys(KIND_COLOURS).forEach(function (k) {
      var mark = k === "route" ? el("span", { className: "line", style: "border-top-color:" + KIND_COLOURS[k] })
        : el("span", { className: k === "observation-post" ? "swatch dot" : "swatch", style: "background:" + KIND_COLOURS[k] });
      kinds.appendChild(el("li", {}, [mark, k]));
    });
    var precision = el("ul", { className: "legend" });
    [["exact", "solid line: follows Natural Earth administrative borders"],
     ["approximate", "dashed line: traced by the project from named towns or a drawn outline"],
     ["schematic", "dotted line, hatched fill: indicative; the sources name the area, not its limits"]].forEach(function (r) {
      precision.appendChild(el("li", {}, [el("span", { className: "line line-" + r[0] }), r[0] + " \u2014 " + r[1]]));
    });
    container.appendChild(el("h2", { text: "Legend" }));
    if (zones.children.length) {
      container.appendChild(el("h3", { text: "Zones on this map" }));
      container.appendChild(zones);
      container.appendChild(el("h3", { text: "Kinds" }));
    }
    container.appendChild(kinds);
    container.appendChild(el("h3", { text: "Boundary precision" }));
    container.appendChild(precision);
  }

  function inForce(p, iso) {
    return p.valid_from <= iso && (!p.valid_to || iso < p.valid_to);
  }

  function newMap() {
    addHatches();
    var map = L.map("map", { zoomSnap: 0.25, attributionControl: true, keyboard: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Boundaries: Natural Earth \u00b7 Towns: GeoNames (CC BY 4.0) \u00b7 Leaflet");
    scaleBar(map);
    var base = drawBase(map, window.ATLAS_BASE);
    map.setMinZoom(Math.max(3, map.getBoundsZoom(base.frame, true)));
    map.setMaxBounds(base.frame);
    map.options.maxBoundsViscosity = 1;
    map.fitBounds(base.governorates.getBounds(), { padding: [8, 8], animate: false });
    base.labels = labelLayer(map, window.ATLAS_BASE);
    searchBox(map, base.labels);
    copyLink(map);
    window.Atlas.map = map;
    window.Atlas.labels = base.labels;
    return { map: map, base: base, restoreView: function () { return viewFromHash(map); } };
  }

  // -- the scale bar: metric, with miles on request -------------------------
  function scaleBar(map) {
    var imperial = /(^|&)scale=mi(&|$)/.test(location.hash.replace(/^#/, ""));
    var scale = null;
    function draw() {
      if (scale) map.removeControl(scale);
      scale = L.control.scale({ metric: !imperial, imperial: imperial, maxWidth: 140 }).addTo(map);
    }
    draw();
    var Toggle = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var b = el("button", { type: "button", className: "scale-toggle", "aria-label": "Scale in miles or kilometres" });
        b.textContent = imperial ? "km" : "mi";
        L.DomEvent.disableClickPropagation(b);
        b.addEventListener("click", function () { imperial = !imperial; b.textContent = imperial ? "km" : "mi"; draw(); });
        return b;
      }
    });
    new Toggle().addTo(map);
  }

  // -- place names: text in the page, decluttered ---------------------------
  // Each label is a DOM element (find-in-page and screen readers see it). On
  // every move or zoom the labels allowed at that zoom are placed in priority
  // order (cities, zones, countries, governorates, towns, villages), and any
  // that would overlap one already placed is hidden.
  function placeName(name, ar) {
    var span = el("span", {}, [name]);
    if (ar) {
      span.appendChild(document.createTextNode(" \u00b7 "));
      var b = document.createElement("bdi");
      b.setAttribute("lang", "ar");
      b.setAttribute("dir", "rtl");
      b.textContent = ar;
      span.appendChild(b);
    }
    return span;
  }

  var RANK_ZOOM = { 1: 0, 2: 8, 3: 10 };

  function labelLayer(map, base) {
    var pane = map.createPane("labels");
    pane.style.zIndex = 640;
    pane.style.pointerEvents = "none";
    L.DomUtil.addClass(pane, "leaflet-zoom-hide");
    var items = [];  // {latlng, minZoom, order, node, anchor}
    function add(text, lat, lon, minZoom, order, cls, anchor, extra) {
      var node = el("span", { className: "map-label " + cls });
      if (anchor === "left") node.appendChild(el("i", { className: "dot", "aria-hidden": "true" }));
      node.appendChild(document.createTextNode(text));
      if (extra) node.appendChild(extra);
      node.style.display = "none";
      pane.appendChild(node);
      var item = { latlng: L.latLng(lat, lon), minZoom: minZoom, order: order, node: node, anchor: anchor, w: 0, h: 0 };
      items.push(item);
      return item;
    }
    (base.places || []).forEach(function (p, i) {
      var rank = p[4];
      add(p[0], p[3], p[2], RANK_ZOOM[rank], 10 * rank + i / 1e5, "place rank-" + rank, "left");
    });
    base.neighbours.features.forEach(function (f) {
      var at = f.properties.label_at;
      if (at) add(f.properties.name.toUpperCase(), at[1], at[0], 0, 15, "country", "centre");
    });
    base.governorates.features.forEach(function (f) {
      var at = f.properties.label_at;
      if (at && f.properties.kind === "governorate") add(f.properties.name, at[1], at[0], 7, 16, "governorate-name", "centre");
    });
    var zoneItems = [];
    function place() {
      var z = map.getZoom(), size = map.getSize(), taken = [];
      items.sort(function (a, b) { return a.order - b.order; });
      items.forEach(function (it) {
        var show = z >= it.minZoom - 1e-9;
        var pt = null, box = null;
        if (show) {
          pt = map.latLngToLayerPoint(it.latlng);
          var c = map.layerPointToContainerPoint(pt);
          show = c.x > 0 && c.y > 0 && c.x < size.x && c.y < size.y;
        }
        if (show) {
          if (!it.w) {
            it.node.style.display = "";
            it.w = it.node.offsetWidth + 2;
            it.h = it.node.offsetHeight + 2;
          }
          box = it.anchor === "left"
            ? [pt.x - 4, pt.y - it.h / 2, pt.x - 4 + it.w, pt.y + it.h / 2]
            : [pt.x - it.w / 2, pt.y - it.h / 2, pt.x + it.w / 2, pt.y + it.h / 2];
          // Wholly inside the map, or not at all.
          var c0 = map.layerPointToContainerPoint(L.point(box[0], box[1]));
          if (c0.x < 2 || c0.y < 2 || c0.x + it.w > size.x - 2 || c0.y + it.h > size.y - 2) show = false;
          for (var k = 0; show && k < taken.length; k++) {
            var t = taken[k];
            if (box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]) { show = false; break; }
          }
        }
        it.node.style.display = show ? "" : "none";
        it.node.setAttribute("aria-hidden", show ? "false" : "true");
        if (show) {
          L.DomUtil.setPosition(it.node, L.point(Math.round(box[0]), Math.round(box[1])));
          taken.push(box);
        }
      });
      document.body.setAttribute("data-labels", String(taken.length));
    }
    map.on("zoomend moveend resize", place);
    map.whenReady(place);
    return {
      place: place,
      items: items,
      // The names of the zones drawn now, in their colours, placed first.
      zones: function (features) {
        zoneItems.forEach(function (it) { it.node.remove(); items.splice(items.indexOf(it), 1); });
        zoneItems = [];
        features.forEach(function (f) {
          var p = f.properties, at = p.label_at;
          if (!at || p.kind === "ceasefire" || p.kind === "route" || p.kind === "observation-post") return;
          // A long name's first clause ("Idlib operational sub-zone 1 of 3").
          var it = add(p.name.split(":")[0].split(" (")[0], at[1], at[0], 0, p.kind === "de-escalation-zone" ? 12 : 13, "zone-name", "centre");
          it.node.style.color = zoneColour(p);
          zoneItems.push(it);
        });
        place();
      }
    };
  }

  // -- search: any place or governorate, offline, across spellings ----------
  function folded(text) {
    var t = (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    // Arabic: one alef, ta marbuta as ha, alef maqsura as ya, no tatweel or vowels.
    t = t.replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627").replace(/\u0629/g, "\u0647").replace(/\u0649/g, "\u064a").replace(/[\u0640\u064b-\u065f]/g, "");
    t = t.replace(/[\u2018\u2019`'\u02bf\u02be\u02bb-]/g, "").replace(/\s+/g, " ").trim();
    t = t.replace(/^(al|el|ar|as|ad|at|an|az|ash|adh) /, "").replace(/^(al|el)-?/, "");
    t = t.replace(/^\u0627\u0644/, "");
    // Latin spelling variants: ou/oo -> u, ee/ei -> i, doubled letters once.
    return t.replace(/ou|oo/g, "u").replace(/ee|ei/g, "i").replace(/([a-z])\1+/g, "$1").replace(/[^a-z0-9\u0600-\u06ff ]/g, "");
  }

  function pointInRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function covers(geometry, lon, lat) {
    if (!geometry) return false;
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polys.some(function (rings) {
      return pointInRing(lon, lat, rings[0]) && !rings.slice(1).some(function (h) { return pointInRing(lon, lat, h); });
    });
  }

  function searchBox(map, labels) {
    var base = window.ATLAS_BASE;
    var entries = (base.places || []).map(function (p) {
      var keys = [p[0], p[1]].concat(p[5] ? p[5].split("|") : []).map(folded).filter(Boolean);
      return { name: p[0], ar: p[1], lat: p[3], lon: p[2], zoom: p[4] === 1 ? 10 : 11, keys: keys, settlement: p[6], kind: "place" };
    });
    base.governorates.features.forEach(function (f) {
      var p = f.properties;
      if (p.kind !== "governorate" || !p.label_at) return;
      entries.push({ name: p.name + " governorate", ar: p.name_ar, lat: p.label_at[1], lon: p.label_at[0], zoom: 8,
                     keys: [p.name, p.name_ar, p.iso].map(folded), kind: "governorate" });
    });
    var Box = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var wrap = el("div", { className: "search-box", role: "search" });
        var input = el("input", { type: "search", id: "place-search", placeholder: "Find a place", "aria-label": "Find a place (English or Arabic)", autocomplete: "off" });
        var list = el("ul", { className: "search-results", id: "search-results", role: "listbox", "aria-label": "Places found" });
        wrap.appendChild(input);
        wrap.appendChild(list);
        L.DomEvent.disableClickPropagation(wrap);
        L.DomEvent.disableScrollPropagation(wrap);
        function show() {
          var q = folded(input.value);
          list.textContent = "";
          if (!q) return;
          // Exact names first, then names that begin with the query, then the rest
          // that contain it (each in the places' order: cities first).
          function score(e) {
            var best = 9;
            e.keys.forEach(function (k) { best = Math.min(best, k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(q) > 0 ? 2 : 9); });
            return best;
          }
          var hits = entries.map(function (e, i) { return { e: e, s: score(e), i: i }; })
            .filter(function (h) { return h.s < 9; })
            .sort(function (a, b) { return a.s - b.s || a.i - b.i; })
            .map(function (h) { return h.e; });
          hits.slice(0, 8).forEach(function (e) {
            var b = el("button", { type: "button", className: "search-hit" }, [placeName(e.name, e.ar)]);
            b.addEventListener("click", function () { go(e); });
            list.appendChild(el("li", { role: "option" }, [b]));
          });
          if (!hits.length) list.appendChild(el("li", { className: "meta", text: "No place of that name." }));
        }
        input.addEventListener("input", show);
        input.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") { var first = list.querySelector("button"); if (first) first.click(); }
        });
        return wrap;
      }
    });
    function go(e) {
      map.setView([e.lat, e.lon], e.zoom, { animate: false });
      var ctx = window.Atlas.searchContext ? window.Atlas.searchContext() : null;
      var box = el("div", { className: "popup search-popup" }, [el("h2", {}, [placeName(e.name, e.ar)])]);
      if (ctx) {
        var inside = ctx.zones.filter(function (f) {
          var k = f.properties.kind;
          return k !== "route" && k !== "observation-post" && covers(f.geometry, e.lon, e.lat);
        }).map(function (f) { return f.properties.name; });
        box.appendChild(el("p", { className: "search-zones", text: ["On ", ctx.date, ": "].concat(inside.length ? ["inside "].concat(joined(inside, "; ")) : ["inside no zone"], ["."]) }));
        if (e.settlement >= 0) {
          var held = el("p", { className: "search-held meta", text: "Who held it: loading\u2026" });
          box.appendChild(held);
          whenHistory(function () {
            var h = history.list[e.settlement], side = null, since = null, inferred = false;
            h.history.forEach(function (s) { if (s.from <= ctx.date) { side = s.side; since = s.from; inferred = s.inferred; } });
            held.textContent = "";
            held.appendChild(el("span", { text: side ? ["Held by ", sideName(side), " (from ", since, inferred ? "; inferred by the atlas" : null, ", control data)."] : "No control record for this date." }));
          });
        }
      }
      L.popup({ maxWidth: Math.min(320, map.getSize().x - 60) }).setLatLng([e.lat, e.lon]).setContent(box).openOn(map);
      document.body.setAttribute("data-search", e.name);
    }
    new Box().addTo(map);
  }

  function whenHistory(fn) {
    if (history.list) { fn(); return; }
    history.waiting.push(fn);
    if (history.waiting.length === 1) loadScript(scriptBase() + "data/control/history.js");
  }

  // -- the view in the address: #map=ZOOM/LAT/LON (OpenStreetMap's form) ----
  function viewParam(map) {
    var c = map.getCenter();
    return "map=" + (Math.round(map.getZoom() * 100) / 100) + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
  }

  function otherParams() {
    return location.hash.replace(/^#/, "").split("&").filter(function (kv) { return kv && kv.indexOf("map=") !== 0; }).join("&");
  }

  // The address for the current view plus the page's own parameters.
  function withView(rest) {
    var map = window.Atlas.map;
    rest = (rest || "").replace(/^#/, "");
    return "#" + (map ? viewParam(map) : "") + (rest ? (map ? "&" : "") + rest : "");
  }

  function viewFromHash(map) {
    var m = /(?:^|&)map=([0-9.]+)\/(-?[0-9.]+)\/(-?[0-9.]+)/.exec(location.hash.replace(/^#/, ""));
    if (!m) return false;
    var z = parseFloat(m[1]), lat = parseFloat(m[2]), lon = parseFloat(m[3]);
    if (!isFinite(z) || !isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
    map.setView([lat, lon], Math.max(3, Math.min(18, z)), { animate: false });
    return true;
  }

  function keepView(map) {
    map.on("moveend", function () {
      var h = withView(otherParams());
      if (location.hash !== h) history_replace(h);
    });
  }

  function history_replace(h) { window.history.replaceState(null, "", h); }

  function copyLink(map) {
    var Btn = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var b = el("button", { type: "button", className: "copy-link", id: "copy-link" }, ["Copy link"]);
        L.DomEvent.disableClickPropagation(b);
        b.addEventListener("click", function () {
          var url = location.href;
          function done(ok) { b.textContent = ok ? "Link copied" : "Copy failed: use the address bar"; setTimeout(function () { b.textContent = "Copy link"; }, 2500); }
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(fallbackCopy(url)); });
          } else done(fallbackCopy(url));
        });
        return b;
      }
    });
    new Btn().addTo(map);
    keepView(map);
  }

  function fallbackCopy(text) {
    var t = el("textarea", {}, [text]);
    t.style.position = "fixed"; t.style.opacity = "0";
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    t.remove();
    return ok;
  }

  // Popup details (sources, lifecycle, figures...) live in a script of their
  // own (the body's data-details), fetched when a popup first opens.
  var details = { byId: null, waiting: [] };

  function withDetails(fn) {
    if (details.byId) { fn(); return; }
    details.waiting.push(fn);
    if (details.waiting.length === 1) loadScript(document.body.getAttribute("data-details"));
  }

  function merged(f) {
    var out = {}, extra = details.byId[f.id] || {};
    Object.keys(f.properties).forEach(function (k) { out[k] = f.properties[k]; });
    Object.keys(extra).forEach(function (k) { out[k] = extra[k]; });
    return out;
  }

  function featureLayer(f, pane) {
    var opts = {
      style: function (ft) { return zoneStyle(ft.properties); },
      pointToLayer: function (ft, latlng) {
        var o = zoneStyle(ft.properties);
        if (pane) o.pane = pane;  // markers do not inherit the GeoJSON layer's pane
        return L.circleMarker(latlng, o);
      }
    };
    if (pane) opts.pane = pane;
    // The nationwide ceasefire covers the whole country: drawn beneath, it would
    // swallow every click, so it takes none (its details open from the side panel).
    if (f.properties.kind === "ceasefire") opts.interactive = false;
    var layer = L.geoJSON(f, opts);
    layer.bindPopup(function () {
      if (details.byId) return zonePopup(merged(f));
      withDetails(function () { layer.setPopupContent(zonePopup(merged(f))); });
      return el("p", { className: "meta", text: "Loading details\u2026" });
    }, { maxWidth: 360 });
    // A click where several shapes overlap lists them all to pick from.
    layer.off("click", layer._openPopup, layer);
    layer.on("click", function (e) {
      var hits = clickable.filter(function (c) {
        var k = c.f.properties.kind;
        return c.layer._map && k !== "route" && k !== "observation-post" && k !== "ceasefire" &&
          covers(c.f.geometry, e.latlng.lng, e.latlng.lat);
      });
      if (hits.length < 2 || hits.every(function (c) { return c.layer !== layer; })) { layer.openPopup(e.latlng); return; }
      var list = el("ul", { className: "chooser" });
      hits.forEach(function (c) {
        var b = el("button", { type: "button", className: "feature-name" }, [c.f.properties.name]);
        b.addEventListener("click", function () { c.layer._map.closePopup(); c.layer.openPopup(e.latlng); });
        list.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + zoneColour(c.f.properties) }), b]));
      });
      L.popup({ maxWidth: 300 }).setLatLng(e.latlng)
        .setContent(el("div", { className: "popup" }, [el("h2", { text: hits.length + " zones here" }), list]))
        .openOn(layer._map);
    });
    clickable.push({ f: f, layer: layer });
    return layer;
  }
  var clickable = [];

  // The control layer: each side's territory on the page's date and the
  // settlements it is computed from, loaded when first switched on; a
  // settlement's history (dates, sides, sources) when its popup first opens.
  var SIDE_COLOURS = VOCABULARY.sides;
  function sideName(side) { return (VOCABULARY.side_labels || {})[side] || side; }
  var history = { list: null, waiting: [] };

  function historyPopup(i) {
    var h = history.list[i];
    var box = el("div", { className: "popup" }, [el("h2", { text: h.name }), el("p", { className: "meta", lang: "ar", dir: "rtl", text: h.name_ar })]);
    box.appendChild(listOf(h.history, function (spell) {
      var li = el("span", { text: ["from ", spell.from, ": ", sideName(spell.side), spell.inferred ? " (inferred by the atlas, not dated by a source)" : null, spell.note ? " \u2014 " : null, spell.note, " \u2014 "] });
      spell.sources.forEach(function (s, j) {
        if (j) li.appendChild(document.createTextNode("; "));
        li.appendChild(sourceNode({ kind: "cite", text: [s.title, s.publisher ? " (" : null, s.publisher, s.publisher && s.date ? ", " : null, s.publisher ? s.date : null, s.publisher ? ")" : null], url: s.url }));
      });
      return li;
    }));
    box.appendChild(el("p", { className: "meta", text: ["Position from: ", h.coordinates_from.title, " \u00b7 ", h.governorate, h.origin === "wikimap" ? " \u00b7 a place marked on Wikipedia's detailed map" : null] }));
    return box;
  }

  // The ground: every place's cell, coloured by the side that held the place on
  // the day shown (data/control/ground.js, loaded once when first switched on).
  // Paler where the atlas inferred the side; no fill before a place is known.
  var ground = { data: null, waiting: [] };
  function loadGround(fn) {
    if (ground.data) { fn(ground.data); return; }
    ground.waiting.push(fn);
    if (ground.waiting.length === 1) loadScript(scriptBase() + "data/control/ground.js");
  }
  function spellOn(spells, day) {
    var lo = 0, hi = spells.length - 1, found = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (spells[mid][0] <= day) { found = spells[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  function groundLayer(map, data) {
    if (!map.getPane("ground")) map.createPane("ground").style.zIndex = 350;
    var renderer = L.canvas({ pane: "ground" }), day = 0;
    var layer = L.geoJSON(data.cells, {
      pane: "ground", renderer: renderer, interactive: false,
      style: function (f) {
        var spell = spellOn(data.places[f.properties.i], day);
        if (!spell) return { stroke: false, fill: false };
        var c = SIDE_COLOURS[data.sides[spell[1]]] || "#777";
        return { stroke: false, fill: true, fillColor: c, fillOpacity: spell[2] ? 0.16 : 0.34 };
      }
    });
    layer.setDay = function (days) {
      day = days;
      layer.setStyle(layer.options.style);
      document.body.setAttribute("data-ground-day", String(days));
    };
    return layer;
  }
  function groundKey(box, data) {
    box.textContent = "";
    box.appendChild(el("h3", { text: "Who held the ground" }));
    box.appendChild(listOf(data.sides, function (side) {
      return el("span", {}, [el("span", { className: "swatch", style: "background:" + (SIDE_COLOURS[side] || "#777") }), el("span", { text: sideName(side) })]);
    }));
    box.appendChild(el("p", { className: "meta", text: "Each place's cell (up to 10 km around it) in the colour of the side that held it; paler where the atlas inferred the side, blank before any fact. Computed from " + data.places.length.toLocaleString("en") + " places; data kept to " + data.horizon + ". Places and who held them in July 2017: Wikipedia contributors, Module:Syrian Civil War detailed map (CC BY-SA 4.0)." }));
  }

  function controlLayer(map, iso) {
    var layer = L.layerGroup();
    // Territory below the zones (overlay pane, 400); settlements above them, so
    // that a click on one reaches it.
    map.createPane("control").style.zIndex = 390;
    map.createPane("settlements").style.zIndex = 450;
    layer.on("add", function () {
      if (layer.getLayers().length) return;
      pending.control = function (loadedIso, data) {
        if (loadedIso !== iso) return;
        L.geoJSON(decodeCollection(data.territory), {
          pane: "control",
          style: function (f) {
            var c = SIDE_COLOURS[f.properties.side] || "#777";
            return { color: c, weight: 0.6, fillColor: c, fillOpacity: 0.28, className: "territory side-" + f.properties.side };
          },
          onEachFeature: function (f, l) {
            var p = f.properties;
            l.bindTooltip(el("span", { text: [sideName(p.side), ": " + p.area_km2.toLocaleString("en") + " km\u00b2 around " + p.settlements + " places (computed; data to ", p.horizon, ")"] }), { sticky: true });
          }
        }).addTo(layer);
        data.points.forEach(function (pt) {
          var m = L.circleMarker([pt[2], pt[1]], {
            pane: "settlements", radius: 3.5, weight: 1, color: "#fff", fillColor: SIDE_COLOURS[pt[3]] || "#777", fillOpacity: 1,
            className: "settlement side-" + pt[3]
          });
          m.bindTooltip(el("span", { text: [pt[0], " \u00b7 ", sideName(pt[3])] }));
          m.bindPopup(function () {
            if (history.list) return historyPopup(pt[4]);
            history.waiting.push(function () { m.setPopupContent(historyPopup(pt[4])); });
            if (history.waiting.length === 1) loadScript(scriptBase() + "data/control/history.js");
            return el("p", { className: "meta", text: "Loading the history\u2026" });
          }, { maxWidth: Math.min(380, map.getSize().x - 60) });
          layer.addLayer(m);
        });
        var key = document.getElementById("control-key");
        if (key && !key.children.length) {
          var ul = el("ul", { className: "legend" });
          Object.keys(SIDE_COLOURS).forEach(function (side) {
            ul.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + SIDE_COLOURS[side] }), side]));
          });
          key.appendChild(ul);
          key.appendChild(el("p", { className: "meta", text: "Territory is computed from who held each settlement (Voronoi cells cut at 10 km, clipped to Syria); a line between two sides falls midway between their nearest settlements. Control data is kept to " + data.horizon + "." }));
        }
        document.body.setAttribute("data-control", String(data.points.length));
      };
      loadScript(scriptBase() + "data/control/" + iso + ".js");
    });
    return { layer: layer };
  }

  function datePage(root) {
    var data = JSON.parse(document.getElementById("atlas-data").textContent);
    data.zones = decodeCollection(data.zones);
    var made = newMap();
    var map = made.map, baseLayers = made.base;
    var online = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      attribution: "\u00a9 OpenStreetMap contributors", maxZoom: 12, opacity: 0.5
    });
    var drawn = L.featureGroup().addTo(map);
    // Larger shapes first, so that smaller ones lie above them and take the clicks.
    function extent(f) {
      var b = L.geoJSON(f).getBounds();
      var k = f.properties.kind;
      return k === "route" || k === "observation-post" ? -1 : (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    }
    var bySize = data.zones.features.slice().sort(function (a, b) { return extent(b) - extent(a); });
    var layers = {};
    bySize.forEach(function (f) { layers[f.id] = featureLayer(f); layers[f.id].addTo(drawn); });
    data.zones.features.forEach(function (f) {
      var layer = layers[f.id];
      var box = el("input", { type: "checkbox", id: "toggle-" + f.properties.id, "data-zone": f.properties.id, "aria-label": "Show " + f.properties.name });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) drawn.addLayer(layer); else drawn.removeLayer(layer);
      });
      var colour = zoneColour(f.properties);
      var group = f.properties.kind === "observation-post" ? "post-list" : f.properties.kind === "route" ? "route-list" : "zone-list";
      // The name opens the feature's details, framed on it; the box toggles it.
      var name = el("button", { type: "button", className: "feature-name", "data-zone": f.properties.id, text: f.properties.name });
      name.addEventListener("click", function () {
        if (!drawn.hasLayer(layer)) { box.checked = true; drawn.addLayer(layer); }
        map.fitBounds(layer.getBounds(), { maxZoom: 10, padding: [20, 20], animate: false });
        layer.openPopup(layer.getBounds().getCenter());
      });
      document.getElementById(group).appendChild(el("li", {}, [
        el("label", { "for": box.id }, [box, el("span", { className: "swatch", style: "background:" + colour })]),
        name,
        el("span", { className: "meta", text: [" ", f.properties.kind, " \u00b7 ", f.properties.precision, " \u00b7 since ", f.properties.zone_began || f.properties.valid_from].concat(f.properties.zone_began && f.properties.zone_began !== f.properties.valid_from ? [" (this shape from ", f.properties.valid_from, ")"] : []) })
      ]));
    });
    made.base.labels.zones(data.zones.features);
    window.Atlas.searchContext = function () { return { date: data.date, zones: data.zones.features }; };
    // Open framed on what this date's agreements changed (unless the address
    // holds a view): the zones and posts that begin on it, else the country.
    if (!made.restoreView()) {
      var changed = L.featureGroup();
      drawn.eachLayer(function (l) {
        l.eachLayer(function (inner) {
          var p = inner.feature && inner.feature.properties;
          if (p && p.kind !== "ceasefire" && p.kind !== "route" && p.valid_from === data.date) changed.addLayer(L.geoJSON(inner.feature));
        });
      });
      if (changed.getLayers().length) map.fitBounds(changed.getBounds(), { padding: [24, 24], maxZoom: 9, animate: false });
    }
    ["zone-list", "route-list", "post-list"].forEach(function (id) {
      var ul = document.getElementById(id);
      if (!ul.children.length) ul.appendChild(el("li", { className: "meta", text: "None on this date." }));
    });
    var extras = document.getElementById("base-toggles");
    var rows = [["Towns (GeoNames)", baseLayers.towns], ["OpenStreetMap tiles (online only)", online]];
    var control = null;
    if (root.getAttribute("data-control-layer")) {
      control = controlLayer(map, data.date);
      rows.push(["Who held each settlement (computed territory by side)", control.layer]);
    }
    rows.forEach(function (row) {
      var box = el("input", control && row[1] === control.layer ? { type: "checkbox", id: "toggle-control" } : { type: "checkbox" });
      box.addEventListener("change", function () { if (box.checked) row[1].addTo(map); else map.removeLayer(row[1]); });
      extras.appendChild(el("li", {}, [el("label", {}, [box, " " + row[0]])]));
    });
    extras.appendChild(el("li", { id: "control-key" }));
    legend(document.getElementById("legend"), data.zones.features);
    var stats = document.getElementById("stats");
    if (stats) stats.addEventListener("toggle", function () {
      var box = document.getElementById("stats-table");
      if (!stats.open || box.children.length) return;
      withDetails(function () {
        var tbody = el("tbody");
        details.stats.forEach(function (r) {
          tbody.appendChild(el("tr", {}, [r[0], r[1].toLocaleString("en"), r[2], r[3].toLocaleString("en"), r[4].toFixed(1) + "%"].map(function (c) { return el("td", { text: String(c) }); })));
        });
        box.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, ["Zone", "km\u00b2", "Governorate", "km\u00b2 covered", "Share of governorate"].map(function (h) { return el("th", { text: h }); }))]), tbody]));
      });
    });
    root.setAttribute("data-ready", String(data.zones.features.length));
    window.Atlas.markReady();
  }

  // For the render benchmark: the first frame after every layer is drawn.
  var marked = false;
  function markReady() {
    if (marked || !window.performance || !performance.mark) return;
    marked = true;
    requestAnimationFrame(function () { performance.mark("atlas-ready"); });
  }

  window.Atlas = {
    markReady: markReady,
    loadScript: loadScript,
    decodeCollection: decodeCollection,
    baseDetail: function (fc) { pending.detail(fc); },
    townsLoaded: function (list) { pending.towns(list); },
    controlLoaded: function (iso, data) { if (pending.control) pending.control(iso, data); },
    loadGround: loadGround,
    groundLayer: groundLayer,
    groundKey: groundKey,
    groundLoaded: function (data) {
      data.cells = { type: "FeatureCollection", features: data.cells.map(function (g, n) {
        return { type: "Feature", properties: { i: n }, geometry: decodeGeometry(g) };
      }) };
      ground.data = data;
      var waiting = ground.waiting;
      ground.waiting = [];
      waiting.forEach(function (fn) { fn(data); });
    },
    controlHistoryLoaded: function (data) {
      // Spells refer to citations and notes by index (render.control_history_script).
      var list = data.places.map(function (p) {
        return {
          name: p[0], name_ar: p[1], governorate: p[2], front: p[3],
          coordinates_from: data.sources[p[4]], kind: p[5], origin: p[6],
          history: p[7].map(function (s) {
            return {
              from: s[0], side: s[1], inferred: s[2] === 1,
              note: s[3] >= 0 ? data.notes[s[3]] : null,
              sources: s[4].map(function (i) { return data.sources[i]; })
            };
          })
        };
      });
      document.body.setAttribute("data-history", String(list.length));
      history.list = list;
      var waiting = history.waiting;
      history.waiting = [];
      waiting.forEach(function (fn) { fn(); });
    },
    detailsLoaded: function (name, data) {
      details.byId = expand(data.details, data.table);
      details.stats = data.stats || [];
      var waiting = details.waiting;
      details.waiting = [];
      waiting.forEach(function (fn) { fn(); });
    },
    el: el, joined: joined, inForce: inForce, newMap: newMap, featureLayer: featureLayer, legend: legend,
    zonePopup: zonePopup, KIND_COLOURS: KIND_COLOURS, zoneColour: zoneColour,
    withView: withView, folded: folded, covers: covers
  };
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.body;
    if (root.getAttribute("data-page") === "date") datePage(root);
  });
})();

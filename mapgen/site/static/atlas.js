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
  // characters in the data cannot reorder the text around it.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") {
        var isolated = document.createElement("bdi");
        isolated.textContent = attrs[k];
        node.appendChild(isolated);
      }
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
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
      rows.push(["Number", "#" + p.number + (p.posts_total ? " of " + p.posts_total : "") + " (order of establishment)"]);
      rows.push(["Established", p.valid_from + " (reported: " + p.established_as_reported + ")"]);
    } else {
      rows.push(["In force", p.valid_from + " \u2192 " + (p.valid_to ? p.valid_to + " (first day no longer in force)" : "open")]);
      if (p.kind !== "route") rows.push(["Fate", p.fate ? p.fate + (p.fate_note ? ": " + p.fate_note : "") : "\u2014"]);
    }
    rows.push(["Agreement", p.agreement.date + " \u2014 " + p.agreement.title]);
    if (p.guarantors) rows.push(["Guarantors", p.guarantors.join(", ") || "\u2014"]);
    if (p.towns) rows.push(["Through", p.towns.join(" \u2013 ")]);
    rows.push(["Governorates", (p.governorates || []).join(", ") || "\u2014"]);
    if (p.area_km2 !== undefined) rows.push(["Area", p.area_km2.toLocaleString("en") + " km\u00b2"]);
    if (p.derived_from) rows.push(["Derived from", p.derived_from + ": " + p.derivation]);
    rows.push(["Boundary", p.precision + " \u2014 " + p.precision_meaning + (p.precision_note ? ". " + p.precision_note : "")]);
    return rows;
  }

  function zonePopup(p) {
    var dl = el("dl");
    describe(p).forEach(function (r) { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: r[1] })); });
    var box = el("div", { className: "popup" }, [el("h3", { text: p.name }), dl]);
    if (p.lifecycle && p.lifecycle.length) {
      box.appendChild(el("h4", { text: "Life of the zone" }));
      box.appendChild(listOf(p.lifecycle, function (e) {
        var li = el("span", { className: "stage-" + e.stage, text: e.date + " \u00b7 " + e.stage + (e.note ? ": " + e.note : "") });
        e.sources.forEach(function (s) { li.appendChild(document.createTextNode(" \u2014 ")); li.appendChild(sourceNode(s)); });
        return li;
      }));
    }
    if (p.obligations && p.obligations.length) {
      box.appendChild(el("h4", { text: "Obligations" }));
      box.appendChild(listOf(p.obligations, function (o) {
        var status = o.status_on_date || o.outcome_status;
        return el("span", { text: o.what + " \u2014 due " + o.due + ": " + status + (o.outcome ? " (" + o.outcome + ")" : "") });
      }));
    }
    if (p.population && p.population.length) {
      box.appendChild(el("h4", { text: "Reported figures" }));
      box.appendChild(listOf(p.population, function (f) {
        var li = el("span", { text: f.value.toLocaleString("en") + " " + f.of + (f.note ? " (" + f.note + ")" : "") + " \u2014 " });
        f.sources.forEach(function (s, i) { if (i) li.appendChild(document.createTextNode("; ")); li.appendChild(sourceNode(s)); });
        return li;
      }));
    }
    if (p.notes) box.appendChild(el("p", { className: "note", text: p.notes }));
    box.appendChild(el("h4", { text: "Sources" }));
    box.appendChild(listOf(p.sources, sourceNode));
    return box;
  }

  function zoneStyle(p) {
    var colour = KIND_COLOURS[p.kind] || "#555";
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
    L.geoJSON(decodeCollection(base.neighbours), {
      pane: "base", interactive: false,
      style: { color: "#b9b3a6", weight: 1, fillColor: "#ece8df", fillOpacity: 1, className: "neighbour" }
    }).addTo(map);
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
        var label = p.kind === "undof" ? "UNDOF area of separation (Golan)" : p.name + " (" + p.iso + ", " + p.ocha + ") " + p.name_ar;
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
          m.bindTooltip(el("span", { text: t[0] + (t[4] ? " \u00b7 " + t[4] : "") }));
          towns.addLayer(m);
        });
      };
      loadScript(scriptBase() + "data/towns.js");
    });
    return { governorates: govs, towns: towns };
  }

  function legend(container) {
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
    container.appendChild(kinds);
    container.appendChild(el("h3", { text: "Boundary precision" }));
    container.appendChild(precision);
  }

  function inForce(p, iso) {
    return p.valid_from <= iso && (!p.valid_to || iso < p.valid_to);
  }

  function newMap() {
    addHatches();
    var map = L.map("map", { zoomSnap: 0.25, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Boundaries: Natural Earth \u00b7 Towns: GeoNames (CC BY 4.0) \u00b7 Leaflet");
    L.control.scale({ metric: true, imperial: false, maxWidth: 140 }).addTo(map);
    var base = drawBase(map, window.ATLAS_BASE);
    map.fitBounds(base.governorates.getBounds(), { padding: [8, 8] });
    window.Atlas.map = map;
    return { map: map, base: base };
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
    return layer;
  }

  // The control layer: each side's territory on the page's date and the
  // settlements it is computed from, loaded when first switched on; a
  // settlement's history (dates, sides, sources) when its popup first opens.
  var SIDE_COLOURS = VOCABULARY.sides;
  var history = { list: null, waiting: [] };

  function historyPopup(i) {
    var h = history.list[i];
    var box = el("div", { className: "popup" }, [el("h3", { text: h.name }), el("p", { className: "meta", lang: "ar", dir: "rtl", text: h.name_ar })]);
    box.appendChild(listOf(h.history, function (spell) {
      var li = el("span", { text: "from " + spell.from + ": " + spell.side + (spell.note ? " \u2014 " + spell.note : "") + " \u2014 " });
      spell.sources.forEach(function (s, j) {
        if (j) li.appendChild(document.createTextNode("; "));
        li.appendChild(sourceNode({ kind: "cite", text: s.title + (s.publisher ? " (" + s.publisher + (s.date ? ", " + s.date : "") + ")" : ""), url: s.url }));
      });
      return li;
    }));
    box.appendChild(el("p", { className: "meta", text: "Position from: " + h.coordinates_from.title + " \u00b7 " + h.governorate + " \u00b7 front " + h.front }));
    return box;
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
            l.bindTooltip(el("span", { text: p.side + ": " + p.area_km2.toLocaleString("en") + " km\u00b2 around " + p.settlements + " settlements (computed; data to " + p.horizon + ")" }), { sticky: true });
          }
        }).addTo(layer);
        data.points.forEach(function (pt) {
          var m = L.circleMarker([pt[2], pt[1]], {
            pane: "settlements", radius: 3.5, weight: 1, color: "#fff", fillColor: SIDE_COLOURS[pt[3]] || "#777", fillOpacity: 1,
            className: "settlement side-" + pt[3]
          });
          m.bindTooltip(el("span", { text: pt[0] + " \u00b7 " + pt[3] }));
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
    data.zones.features.forEach(function (f) {
      var layer = featureLayer(f);
      layer.addTo(drawn);
      var box = el("input", { type: "checkbox", id: "toggle-" + f.properties.id, "data-zone": f.properties.id });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) drawn.addLayer(layer); else drawn.removeLayer(layer);
      });
      var colour = KIND_COLOURS[f.properties.kind] || "#555";
      var group = f.properties.kind === "observation-post" ? "post-list" : f.properties.kind === "route" ? "route-list" : "zone-list";
      // The name opens the feature's details, framed on it; the box toggles it.
      var name = el("button", { type: "button", className: "feature-name", "data-zone": f.properties.id, text: f.properties.name });
      name.addEventListener("click", function () {
        if (!drawn.hasLayer(layer)) { box.checked = true; drawn.addLayer(layer); }
        map.fitBounds(layer.getBounds(), { maxZoom: 10, padding: [20, 20] });
        layer.openPopup(layer.getBounds().getCenter());
      });
      document.getElementById(group).appendChild(el("li", {}, [
        el("label", { "for": box.id }, [box, el("span", { className: "swatch", style: "background:" + colour })]),
        name,
        el("span", { className: "meta", text: " " + f.properties.kind + " \u00b7 " + f.properties.precision + " \u00b7 since " + f.properties.valid_from })
      ]));
    });
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
    legend(document.getElementById("legend"));
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
    controlHistoryLoaded: function (list) {
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
    el: el, inForce: inForce, newMap: newMap, featureLayer: featureLayer, legend: legend,
    zonePopup: zonePopup, KIND_COLOURS: KIND_COLOURS
  };
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.body;
    if (root.getAttribute("data-page") === "date") datePage(root);
  });
})();

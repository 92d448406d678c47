/* The atlas's page script. Data arrive as JSON (never as HTML); every string
   from the zone files is put on the page with textContent, so none of it can
   run as markup or script. */
(function () {
  "use strict";

  var KIND_COLOURS = {
    "ceasefire": "#7b6fb0",
    "de-escalation-zone": "#e6550d",
    "demilitarized-zone": "#c51b1b",
    "operational-sub-zone": "#2b7bba"
  };
  var PRECISION_DASH = { exact: null, approximate: "7 5", schematic: "2 5" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
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
    var label = src.kind === "seed" ? "Seed article " + src.text : src.text;
    var url = safeUrl(src.url);
    if (url) return el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: label });
    return el("span", { text: label });
  }

  function listOf(items, make) {
    var ul = el("ul");
    items.forEach(function (it) { ul.appendChild(el("li", {}, [make(it)])); });
    return ul;
  }

  function zonePopup(p) {
    var rows = [
      ["Kind", p.kind],
      ["Agreement", p.agreement.date + " \u2014 " + p.agreement.title],
      ["In force", p.valid_from + " \u2192 " + (p.valid_to ? p.valid_to + " (first day no longer in force)" : "open")],
      ["Fate", p.fate ? p.fate + (p.fate_note ? ": " + p.fate_note : "") : "\u2014"],
      ["Guarantors", (p.guarantors || []).join(", ") || "\u2014"],
      ["Governorates", p.governorates.join(", ")],
      ["Area", p.area_km2 + " km\u00b2"],
      ["Boundary", p.precision + " \u2014 " + p.precision_meaning + (p.precision_note ? ". " + p.precision_note : "")]
    ];
    var dl = el("dl");
    rows.forEach(function (r) { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: r[1] })); });
    var box = el("div", { className: "popup" }, [el("h3", { text: p.name }), dl]);
    if (p.population && p.population.length) {
      box.appendChild(el("h4", { text: "Reported figures" }));
      box.appendChild(listOf(p.population, function (f) {
        var li = el("span", { text: f.value.toLocaleString("en") + " " + f.of + " \u2014 " });
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
    return {
      color: colour,
      weight: ceasefire ? 1.5 : 2.5,
      opacity: 0.95,
      fillColor: colour,
      fillOpacity: ceasefire ? 0.06 : (p.precision === "schematic" ? 0.18 : 0.32),
      dashArray: PRECISION_DASH[p.precision] || null,
      className: "zone zone-" + p.id + " precision-" + p.precision
    };
  }

  function drawBase(map, base) {
    var pane = map.createPane("base");
    pane.style.zIndex = 350;
    L.geoJSON(base.neighbours, {
      pane: "base", interactive: false,
      style: { color: "#b9b3a6", weight: 1, fillColor: "#ece8df", fillOpacity: 1, className: "neighbour" }
    }).addTo(map);
    var govs = L.geoJSON(base.governorates, {
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
    var towns = L.layerGroup();
    base.towns.forEach(function (t) {
      var m = L.circleMarker([t[2], t[1]], {
        radius: t[3] >= 100000 ? 3.5 : 2, weight: 1, color: "#333", fillColor: "#fff", fillOpacity: 1, className: "town"
      });
      m.bindTooltip(el("span", { text: t[0] + (t[4] ? " \u00b7 " + t[4] : "") }));
      towns.addLayer(m);
    });
    return { governorates: govs, towns: towns };
  }

  function legend(container) {
    var kinds = el("ul", { className: "legend" });
    Object.keys(KIND_COLOURS).forEach(function (k) {
      kinds.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + KIND_COLOURS[k] }), k]));
    });
    var precision = el("ul", { className: "legend" });
    [["exact", "solid line: follows Natural Earth administrative borders"],
     ["approximate", "dashed line: traced by the project from named towns or a drawn outline"],
     ["schematic", "dotted line, pale fill: indicative; the sources name the area, not its limits"]].forEach(function (r) {
      precision.appendChild(el("li", {}, [el("span", { className: "line line-" + r[0] }), r[0] + " \u2014 " + r[1]]));
    });
    container.appendChild(el("h2", { text: "Legend" }));
    container.appendChild(kinds);
    container.appendChild(el("h3", { text: "Boundary precision" }));
    container.appendChild(precision);
  }

  function datePage(root) {
    var data = JSON.parse(document.getElementById("atlas-data").textContent);
    var base = window.ATLAS_BASE;
    var map = L.map("map", { preferCanvas: false, zoomSnap: 0.25, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Boundaries: Natural Earth \u00b7 Towns: GeoNames (CC BY 4.0) \u00b7 Leaflet");
    var baseLayers = drawBase(map, base);
    var online = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      attribution: "\u00a9 OpenStreetMap contributors", maxZoom: 12, opacity: 0.5
    });
    var list = document.getElementById("zone-list");
    var drawn = L.featureGroup().addTo(map);
    data.zones.features.forEach(function (f) {
      var layer = L.geoJSON(f, { style: function (ft) { return zoneStyle(ft.properties); } });
      layer.bindPopup(function () { return zonePopup(f.properties); }, { maxWidth: 360 });
      layer.addTo(drawn);
      var box = el("input", { type: "checkbox", id: "toggle-" + f.properties.id, "data-zone": f.properties.id });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) drawn.addLayer(layer); else drawn.removeLayer(layer);
      });
      var colour = KIND_COLOURS[f.properties.kind] || "#555";
      list.appendChild(el("li", {}, [el("label", { "for": box.id }, [
        box, el("span", { className: "swatch", style: "background:" + colour }),
        el("strong", { text: f.properties.name }),
        el("span", { className: "meta", text: " " + f.properties.kind + " \u00b7 " + f.properties.precision + " \u00b7 since " + f.properties.valid_from })
      ])]));
    });
    if (!data.zones.features.length) list.appendChild(el("li", { text: "No zone in force on this date." }));
    var extras = document.getElementById("base-toggles");
    [["Towns (GeoNames)", baseLayers.towns, false], ["OpenStreetMap tiles (online only)", online, false]].forEach(function (row) {
      var box = el("input", { type: "checkbox" });
      box.checked = row[2];
      if (row[2]) row[1].addTo(map);
      box.addEventListener("change", function () { if (box.checked) row[1].addTo(map); else map.removeLayer(row[1]); });
      extras.appendChild(el("li", {}, [el("label", {}, [box, " " + row[0]])]));
    });
    legend(document.getElementById("legend"));
    map.fitBounds(baseLayers.governorates.getBounds(), { padding: [8, 8] });
    root.setAttribute("data-ready", String(data.zones.features.length));
  }

  window.Atlas = { datePage: datePage, zonePopup: zonePopup };
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.body;
    if (root.getAttribute("data-page") === "date") datePage(root);
  });
})();

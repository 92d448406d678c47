/* The compare page: two dates on one map with a swipe divider, or their
   difference. Each date's features live in their own Leaflet pane; the divider
   clips the panes with CSS (folium's SideBySideLayers clips tile layers only).
   Differences were computed by the build for every pair of states (stretches
   of days with the same zones) and are loaded on demand from data/diff/. */
(function () {
  "use strict";
  var A = window.Atlas, el = A.el, joined = A.joined;
  var DIFF_COLOURS = { added: "#2ca02c", removed: "#d62728", unchanged: "#999999" };
  var loaded = {}, waiting = {};

  // data/diff/I-J.js calls this when it has loaded.
  A.diffLoaded = function (pair, data) {
    data.geojson = A.decodeCollection(data.geojson);
    loaded[pair] = data;
    (waiting[pair] || []).forEach(function (fn) { fn(data); });
    delete waiting[pair];
  };

  function loadDiff(pair, fn) {
    if (loaded[pair]) { fn(loaded[pair]); return; }
    if (waiting[pair]) { waiting[pair].push(fn); return; }
    waiting[pair] = [fn];
    A.loadScript("data/diff/" + pair + ".js");
  }

  // The difference from state j to state i is the one from i to j, mirrored.
  function mirrored(d) {
    function row(r) { return { id: r.id, name: r.name, km2_a: r.km2_b, km2_b: r.km2_a, added: r.removed, removed: r.added }; }
    var swap = { added: "removed", removed: "added", unchanged: "unchanged" };
    return {
      zones: d.zones.map(row), governorates: d.governorates.map(row), total: row(d.total),
      towns_entered: d.towns_left, towns_left: d.towns_entered,
      geojson: { type: "FeatureCollection", features: d.geojson.features.map(function (f) {
        var p = {}; Object.keys(f.properties).forEach(function (k) { p[k] = f.properties[k]; });
        p.change = swap[p.change];
        return { type: "Feature", id: p.change, properties: p, geometry: f.geometry };
      }) }
    };
  }

  function start() {
    var data = window.ATLAS_ALL;
    data.features = A.decodeCollection(data.features);
    var made = A.newMap(), map = made.map;
    var panes = {};
    ["left", "right"].forEach(function (side, i) {
      panes[side] = map.createPane("side-" + side);
      panes[side].style.zIndex = String(410 + i);
    });
    map.createPane("difference").style.zIndex = "415";
    var groups = { left: L.featureGroup().addTo(map), right: L.featureGroup().addTo(map) };
    var diffLayer = L.featureGroup();
    var inputs = { left: document.getElementById("date-a"), right: document.getElementById("date-b") };
    inputs.left.min = inputs.right.min = data.period[0];
    inputs.left.max = inputs.right.max = data.period[1];
    var notice = document.getElementById("notice");
    var showDiff = document.getElementById("show-diff");
    var divider = document.getElementById("divider");
    var labels = { left: el("div", { className: "divider-label" }), right: el("div", { className: "divider-label" }) };
    map.getContainer().appendChild(labels.left);
    map.getContainer().appendChild(labels.right);
    A.legend(document.getElementById("legend"));
    var split = 0.5;  // divider position, share of the map's width
    var dates = { left: "2017-05-04", right: "2018-09-17" };

    function stateOf(iso) {
      for (var i = 0; i < data.states.length; i++) {
        if (data.states[i].start <= iso && iso <= data.states[i].end) return i;
      }
      return -1;
    }

    function draw(side) {
      var iso = dates[side], group = groups[side];
      group.clearLayers();
      data.features.features.forEach(function (f) {
        if (A.inForce(f.properties, iso)) group.addLayer(A.featureLayer(f, "side-" + side));
      });
    }

    function clip() {
      var size = map.getSize();
      var x = Math.round(size.x * split);
      var nw = map.containerPointToLayerPoint([0, 0]), se = map.containerPointToLayerPoint(size);
      var cut = map.containerPointToLayerPoint([x, 0]).x;
      panes.left.style.clip = "rect(" + nw.y + "px," + cut + "px," + se.y + "px," + nw.x + "px)";
      panes.right.style.clip = "rect(" + nw.y + "px," + se.x + "px," + se.y + "px," + cut + "px)";
      divider.style.left = x + "px";
      divider.setAttribute("aria-valuenow", String(Math.round(split * 100)));
      divider.setAttribute("aria-valuetext", Math.round(split * 100) + "% of the map shows " + dates.left);
      labels.left.style.left = Math.max(4, x - 110) + "px";
      labels.right.style.left = (x + 8) + "px";
    }

    function fmt(n) { return n.toLocaleString("en", { minimumFractionDigits: 1, maximumFractionDigits: 1 }); }
    // No "+0.0" or "\u22120.0" noise: what rounds to nothing is a dash.
    function signed(sign, n) { return Math.abs(n) < 0.05 ? "\u2013" : sign + fmt(n); }

    function table(d) {
      var box = document.getElementById("diff-table");
      box.textContent = "";
      [["Zones", d.zones, "Zone"], ["Governorates", d.governorates, "Governorate"]].forEach(function (part) {
        box.appendChild(el("h3", { text: part[0] }));
        var tbody = el("tbody");
        part[1].forEach(function (r) {
          tbody.appendChild(el("tr", { "data-id": r.id }, [
            el("td", { text: r.name }), el("td", { text: fmt(r.km2_a) }), el("td", { text: fmt(r.km2_b) }),
            el("td", { className: "added", text: signed("+", r.added) }), el("td", { className: "removed", text: signed("\u2212", r.removed) })
          ]));
        });
        if (!part[1].length) tbody.appendChild(el("tr", {}, [el("td", { colspan: "5", text: "No zones on either date." })]));
        box.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, [part[2], dates.left, dates.right, "added", "removed"].map(function (h) { return el("th", { text: h }); }))]), tbody]));
      });
      var t = d.total;
      box.appendChild(el("p", { id: "diff-total" }, [
        el("b", { text: "All zones: " }),
        el("span", { id: "total-added", className: "added", text: "+" + fmt(t.added) }), " km\u00b2 added, ",
        el("span", { id: "total-removed", className: "removed", text: "\u2212" + fmt(t.removed) }), " km\u00b2 removed (" + fmt(t.km2_a) + " \u2192 " + fmt(t.km2_b) + " km\u00b2)"
      ]));
      box.appendChild(el("h3", { text: "Towns (GeoNames) that entered the zones" }));
      box.appendChild(el("p", { id: "towns-entered", text: d.towns_entered.length ? joined(d.towns_entered, ", ") : "none" }));
      box.appendChild(el("h3", { text: "Towns that left the zones" }));
      box.appendChild(el("p", { id: "towns-left", text: d.towns_left.length ? joined(d.towns_left, ", ") : "none" }));
      var key = document.getElementById("diff-key");
      if (key && !key.children.length) {
        [["added", "added: in a zone on the right date only"], ["removed", "removed: in a zone on the left date only"], ["unchanged", "unchanged: in a zone on both dates"]].forEach(function (r) {
          key.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + DIFF_COLOURS[r[0]] }), r[1]]));
        });
      }
      diffLayer.clearLayers();
      L.geoJSON(d.geojson, {
        pane: "difference",
        style: function (f) {
          var c = DIFF_COLOURS[f.properties.change];
          return { color: c, weight: 1.5, fillColor: c, fillOpacity: 0.55, className: "diff diff-" + f.properties.change };
        },
        onEachFeature: function (f, layer) { layer.bindTooltip(el("span", { text: f.properties.change + ": " + fmt(f.properties.km2) + " km\u00b2" }), { sticky: true }); }
      }).addTo(diffLayer);
      document.getElementById("diff-caption").textContent = "From " + dates.left + " (left) to " + dates.right + " (right).";
      document.body.setAttribute("data-ready", dates.left + "/" + dates.right);
      window.Atlas.markReady();
    }

    function empty() {
      return { zones: [], governorates: [], total: { id: "total", name: "All zones", km2_a: 0, km2_b: 0, added: 0, removed: 0 }, towns_entered: [], towns_left: [], geojson: { type: "FeatureCollection", features: [] } };
    }

    function refreshDiff() {
      var i = stateOf(dates.left), j = stateOf(dates.right);
      document.body.removeAttribute("data-ready");
      if (i === j) {
        table(empty());
        document.getElementById("diff-caption").textContent = "Both dates fall between " + data.states[i].start + " and " + data.states[i].end + ", when the same zones were in force: nothing changed.";
        return;
      }
      var pair = Math.min(i, j) + "-" + Math.max(i, j);
      if (data.pairs.indexOf(pair) < 0) {
        table(empty());
        document.getElementById("diff-caption").textContent = "This atlas has " + data.states.length + " stretches of time, too many to precompute every pair: tables are built between agreement dates, the first days of months and neighbouring stretches, not for these two dates. Run: mapgen diff " + dates.left + " " + dates.right;
        return;
      }
      loadDiff(pair, function (d) { table(i < j ? d : mirrored(d)); });
    }

    function mode() {
      var diff = showDiff.checked;
      [groups.left, groups.right].forEach(function (g) { if (diff) map.removeLayer(g); else map.addLayer(g); });
      if (diff) map.addLayer(diffLayer); else map.removeLayer(diffLayer);
      divider.hidden = labels.left.hidden = labels.right.hidden = diff;
    }

    function readHash() {
      var params = A.hashParams();
      var messages = [];
      [["a", "left", "2017-05-04"], ["b", "right", "2018-09-17"]].forEach(function (r) {
        var v = params[r[0]];
        if (v === undefined) { dates[r[1]] = r[2]; return; }
        if (!A.validIso(v)) { dates[r[1]] = r[2]; messages.push("'" + v + "' is not a date (YYYY-MM-DD); showing " + r[2] + "."); return; }
        var clamped = v < data.period[0] ? data.period[0] : v > data.period[1] ? data.period[1] : v;
        if (clamped !== v) messages.push(v + " is outside the atlas's period (" + data.period[0] + " to " + data.period[1] + "); showing " + clamped + ".");
        dates[r[1]] = clamped;
      });
      showDiff.checked = params.view === "difference";
      notice.textContent = messages.join(" ");
      notice.hidden = !messages.length;
    }

    function writeHash() {
      var h = A.withView("a=" + dates.left + "&b=" + dates.right + (showDiff.checked ? "&view=difference" : ""));
      if (location.hash !== h) history.replaceState(null, "", h);
    }

    function apply() {
      inputs.left.value = dates.left;
      inputs.right.value = dates.right;
      labels.left.textContent = dates.left;
      labels.right.textContent = dates.right;
      draw("left");
      draw("right");
      mode();
      clip();
      refreshDiff();
      writeHash();
    }

    ["left", "right"].forEach(function (side) {
      inputs[side].addEventListener("change", function () {
        var v = inputs[side].value;
        if (!A.validIso(v)) return;
        dates[side] = v < data.period[0] ? data.period[0] : v > data.period[1] ? data.period[1] : v;
        notice.hidden = true;
        apply();
      });
    });
    showDiff.addEventListener("change", function () { mode(); writeHash(); });
    map.on("move zoom resize viewreset", clip);

    var dragging = false;
    function moveTo(clientX) {
      var rect = map.getContainer().getBoundingClientRect();
      split = Math.max(0, Math.min(1, (clientX - rect.left) / rect.width));
      clip();
    }
    divider.addEventListener("pointerdown", function (e) { dragging = true; divider.setPointerCapture(e.pointerId); e.preventDefault(); e.stopPropagation(); });
    divider.addEventListener("pointermove", function (e) { if (dragging) moveTo(e.clientX); });
    divider.addEventListener("pointerup", function () { dragging = false; });
    divider.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") { split = Math.max(0, split - 0.05); clip(); }
      if (e.key === "ArrowRight") { split = Math.min(1, split + 0.05); clip(); }
    });
    L.DomEvent.disableClickPropagation(divider);
    window.addEventListener("hashchange", function () { readHash(); apply(); });
    readHash();
    var restored = made.restoreView();
    apply();
    // Open framed on the zones of both dates (unless the address holds a view).
    if (!restored) {
      var both = L.featureGroup();
      data.features.features.forEach(function (f) {
        var p = f.properties;
        if (p.kind !== "ceasefire" && p.kind !== "route" && (A.inForce(p, dates.left) || A.inForce(p, dates.right))) both.addLayer(L.geoJSON(f));
      });
      if (both.getLayers().length) map.fitBounds(both.getBounds(), { padding: [20, 20], maxZoom: 9, animate: false });
    }
    window.Atlas.searchContext = function () {
      return { date: dates.right, zones: data.features.features.filter(function (f) { return A.inForce(f.properties, dates.right); }) };
    };
  }

  document.addEventListener("DOMContentLoaded", start);
})();

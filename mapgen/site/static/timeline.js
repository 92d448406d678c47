/* The timeline page: one map and a date slider over the whole period. Every
   feature gets one Leaflet layer, made once; moving the date only adds and
   removes layers, so a zone's versions replace each other and never pile up.
   The date and the visible kinds live in the URL hash (#date=…&layers=…). */
(function () {
  "use strict";
  var A = window.Atlas, el = A.el;
  var DAY = 86400000;
  var KINDS = window.ATLAS_VOCABULARY.kinds;

  function toDays(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY); }
  function toIso(days) { return new Date(days * DAY).toISOString().slice(0, 10); }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function readable(iso) { return +iso.slice(8, 10) + " " + MONTHS[+iso.slice(5, 7) - 1] + " " + iso.slice(0, 4); }

  function start() {
    var data = window.ATLAS_ALL;
    data.features = A.decodeCollection(data.features);
    var first = toDays(data.period[0]), last = toDays(data.period[1]);
    var agreementDays = [];
    data.agreements.forEach(function (a) {
      var d = toDays(a.date);
      if (agreementDays.indexOf(d) < 0) agreementDays.push(d);
    });
    agreementDays.sort(function (x, y) { return x - y; });

    var made = A.newMap(), map = made.map;
    var shown = L.featureGroup().addTo(map);
    var items = data.features.features.map(function (f) {
      return { f: f, layer: A.featureLayer(f), on: false };
    });
    var enabled = {};
    KINDS.forEach(function (k) { enabled[k] = true; });

    var slider = document.getElementById("slider");
    slider.min = String(first);
    slider.max = String(last);
    var ticks = document.getElementById("agreement-ticks"), labels = document.getElementById("tick-labels");
    agreementDays.forEach(function (d, n) {
      ticks.appendChild(el("option", { value: String(d) }));
      var pct = (100 * (d - first) / (last - first)).toFixed(2);
      var titles = data.agreements.filter(function (a) { return toDays(a.date) === d; }).map(function (a) { return a.title; });
      var tick = el("button", { type: "button", className: "tick", style: "left:" + pct + "%;top:" + (n % 2 ? 14 : 0) + "px", title: toIso(d) + ": " + titles.join("; "), "aria-label": readable(toIso(d)) + ": " + titles.join("; "), "data-date": toIso(d) }, [readable(toIso(d))]);
      tick.addEventListener("click", function () { setDate(d, true); });
      labels.appendChild(tick);
    });

    // Tick labels that would touch a neighbour on their row show only their
    // mark (their date stays in the title and the accessible name).
    function declutterTicks() {
      var rows = [[], []], box = labels.getBoundingClientRect();
      Array.prototype.forEach.call(labels.children, function (t, n) {
        t.classList.remove("bare");
        var r = t.getBoundingClientRect(), row = rows[n % 2];
        var last = row[row.length - 1];
        if ((last && r.left < last.right + 4) || r.left < box.left - 1 || r.right > box.right + 1) t.classList.add("bare");
        else row.push(r);
      });
    }
    declutterTicks();
    window.addEventListener("resize", declutterTicks);

    var toggles = document.getElementById("kind-toggles");
    KINDS.forEach(function (k) {
      var box = el("input", { type: "checkbox", "data-kind": k });
      box.checked = true;
      box.addEventListener("change", function () { enabled[k] = box.checked; redraw(); writeHash(); });
      toggles.appendChild(el("li", {}, [el("label", {}, [box, el("span", { className: "swatch", style: "background:" + A.KIND_COLOURS[k] }), k])]));
    });
    A.legend(document.getElementById("legend"));

    // Who held the ground on the day shown: off until asked for (one file of
    // every place's cell and history, then any day is a restyle).
    var groundBox = el("input", { type: "checkbox", id: "ground-toggle" });
    var ground = null;
    groundBox.addEventListener("change", function () {
      if (!groundBox.checked) { if (ground) map.removeLayer(ground); document.getElementById("ground-key").textContent = ""; return; }
      document.getElementById("ground-key").textContent = "Loading who held the ground\u2026";
      A.loadGround(function (data) {
        if (!ground) ground = A.groundLayer(map, data);
        A.groundKey(document.getElementById("ground-key"), data);
        ground.setDay(current);
        if (groundBox.checked) ground.addTo(map);
      });
    });
    toggles.appendChild(el("li", {}, [el("label", {}, [groundBox, "Who held the ground (computed)"])]));

    var current = first;
    var notice = document.getElementById("notice");

    function redraw() {
      var iso = toIso(current);
      var list = document.getElementById("in-force");
      list.textContent = "";
      var count = 0;
      items.forEach(function (it) {
        var p = it.f.properties;
        var want = enabled[p.kind] !== false && A.inForce(p, iso);
        if (want && !it.on) shown.addLayer(it.layer);
        if (!want && it.on) shown.removeLayer(it.layer);
        it.on = want;
        if (want) {
          count += 1;
          if (p.kind !== "observation-post") list.appendChild(el("li", {}, [el("span", { className: "swatch", style: "background:" + A.zoneColour(p) }), p.name]));
        }
      });
      var drawnNow = items.filter(function (it) { return it.on; }).map(function (it) { return it.f; });
      made.base.labels.zones(drawnNow);
      window.Atlas.searchContext = function () { return { date: iso, zones: drawnNow }; };
      var posts = items.filter(function (it) { return it.on && it.f.properties.kind === "observation-post"; }).length;
      if (posts) list.appendChild(el("li", { className: "meta", text: posts + " Turkish observation post(s)" }));
      document.getElementById("date-label").textContent = iso;
      document.getElementById("aside-date").textContent = iso;
      document.body.setAttribute("data-date", iso);
      document.body.setAttribute("data-ready", String(count));
      window.Atlas.markReady();
    }

    function setDate(days, hash) {
      current = Math.max(first, Math.min(last, days));
      slider.value = String(current);
      redraw();
      if (ground && groundBox.checked) ground.setDay(current);
      if (hash) writeHash();
    }

    function writeHash() {
      var kinds = KINDS.filter(function (k) { return enabled[k]; });
      var h = A.withView("date=" + toIso(current) + "&layers=" + kinds.join(","));
      if (location.hash !== h) history.replaceState(null, "", h);
    }

    function readHash() {
      var params = A.hashParams();
      if (params.layers !== undefined) {
        var wanted = params.layers.split(",");
        KINDS.forEach(function (k) {
          enabled[k] = wanted.indexOf(k) >= 0;
          var box = toggles.querySelector("input[data-kind='" + k + "']");
          box.checked = enabled[k];
        });
      }
      notice.hidden = true;
      if (params.date === undefined) return first;
      var d = params.date;
      if (!A.validIso(d)) {
        var guess = /^(\d{4})/.exec(d);
        var fallback = guess ? Math.max(first, Math.min(last, toDays(guess[1] + "-01-01"))) : first;
        showNotice("'" + d + "' is not a date (YYYY-MM-DD); showing the nearest valid date, " + toIso(fallback) + ".");
        return fallback;
      }
      var days = toDays(d);
      if (days < first || days > last) {
        var clamped = Math.max(first, Math.min(last, days));
        showNotice(d + " is outside the atlas's period (" + data.period[0] + " to " + data.period[1] + "); showing " + toIso(clamped) + ".");
        return clamped;
      }
      return days;
    }

    function showNotice(text) { notice.textContent = text; notice.hidden = false; }

    function step(dir) {
      var target = null;
      agreementDays.forEach(function (d) {
        if (dir > 0 && d > current && target === null) target = d;
        if (dir < 0 && d < current) target = d;
      });
      if (target !== null) setDate(target, true);
    }

    var timer = null;
    var play = document.getElementById("play");
    function togglePlay() {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25b6 Play"; return; }
      if (current >= last) setDate(first, true);
      play.textContent = "\u23f8 Pause";
      timer = setInterval(function () {
        if (current >= last) { togglePlay(); return; }
        setDate(current + 7, true);
      }, 150);
    }

    slider.addEventListener("input", function () { setDate(parseInt(slider.value, 10), true); });
    document.getElementById("prev").addEventListener("click", function () { step(-1); });
    document.getElementById("next").addEventListener("click", function () { step(1); });
    play.addEventListener("click", togglePlay);
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (tag === "INPUT" && e.target !== slider) return;
      if (e.key === "PageUp") { step(-1); e.preventDefault(); }
      else if (e.key === "PageDown") { step(1); e.preventDefault(); }
      else if (e.target === slider) return;  // the slider moves itself by a day
      else if (e.key === "ArrowLeft") { setDate(current - 1, true); e.preventDefault(); }
      else if (e.key === "ArrowRight") { setDate(current + 1, true); e.preventDefault(); }
      else if (e.key === " " && tag !== "BUTTON") { togglePlay(); e.preventDefault(); }
    });
    window.addEventListener("hashchange", function () { setDate(readHash(), false); });
    setDate(readHash(), false);
    made.restoreView();
    writeHash();
  }

  document.addEventListener("DOMContentLoaded", start);
})();

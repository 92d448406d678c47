/* Helpers shared by the timeline and compare pages (not the date maps):
   dates and the permalink in the URL hash. */
(function () {
  "use strict";

  // A date written YYYY-MM-DD that exists in the calendar.
  function validIso(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return false;
    var t = Date.parse(text + "T00:00:00Z");
    return !isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
  }

  // A malformed escape ("%zz", a lone "%") is kept as written: it then fails
  // validation and falls back with the page's notice, instead of throwing.
  function decode(text) {
    try { return decodeURIComponent(text); } catch (e) { return text; }
  }

  // The permalink's parameters: "#date=2017-09-15&layers=a,b" -> {date: ..., layers: ...}
  function hashParams() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) params[decode(kv.slice(0, i))] = decode(kv.slice(i + 1));
    });
    return params;
  }

  window.Atlas.validIso = validIso;
  window.Atlas.hashParams = hashParams;
})();

(function () {
  "use strict";
  var table = document.getElementById("open-list");
  if (!table) { return; }
  var selects = document.querySelectorAll("select[data-filter]");
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("shown-count");
  function apply() {
    var wanted = {};
    selects.forEach(function (s) { wanted[s.getAttribute("data-filter")] = s.value; });
    var text = search ? search.value.trim().toLowerCase() : "";
    var count = 0;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var ok = Object.keys(wanted).every(function (key) {
        return !wanted[key] || tr.getAttribute("data-" + key) === wanted[key];
      });
      if (ok && text) { ok = tr.textContent.toLowerCase().indexOf(text) !== -1; }
      tr.hidden = !ok;
      if (ok) { count += 1; }
    });
    if (shown) { shown.textContent = String(count); }
  }
  // A link like report.html#severity=critical&check=broken_link opens a filtered view.
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var kv = pair.split("=");
    selects.forEach(function (s) {
      if (s.getAttribute("data-filter") === kv[0]) { s.value = decodeURIComponent(kv[1] || ""); }
    });
  });
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  if (search) { search.addEventListener("input", apply); }
  apply();
  document.body.setAttribute("data-filters", "ready");
})();

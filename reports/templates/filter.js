(function () {
  "use strict";
  // Sorting: every table.sortable sorts by a header click (again: reversed). A cell's
  // data-value (序号, 严重程度 as 0-2) sorts as a number, other cells as text in Chinese order.
  var collator = window.Intl && Intl.Collator ? new Intl.Collator("zh-CN", { numeric: true }) : null;
  function compareText(a, b) { return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0); }
  function sortKey(tr, index) {
    var cell = tr.children[index];
    if (!cell) { return ""; }
    var value = cell.getAttribute("data-value");
    return value !== null ? Number(value) : cell.textContent.trim();
  }
  function sortBy(table, th) {
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var index = headers.indexOf(th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, index), y = sortKey(b, index);
      var order = typeof x === "number" && typeof y === "number" ? x - y : compareText(String(x), String(y));
      if (order === 0) { order = sortKey(a, 0) - sortKey(b, 0); } // stable: by 序号
      return ascending ? order : -order;
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th button").forEach(function (button) {
      button.addEventListener("click", function () { sortBy(table, button.parentNode); });
    });
  });

  // Filters: every select and the search box at once (AND); the count says how many rows show.
  var table = document.getElementById("open-list");
  if (!table) { document.body.setAttribute("data-filters", "ready"); return; }
  var selects = document.querySelectorAll("select[data-filter]");
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("shown-count");
  var reset = document.getElementById("filter-reset");
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
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      if (search) { search.value = ""; }
      apply();
    });
  }
  apply();
  document.body.setAttribute("data-filters", "ready");
})();

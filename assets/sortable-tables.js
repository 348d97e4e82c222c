/* Sort a table's rows by the column whose header button is pressed (layouts/tables.py
   sort_header): numbers as numbers (the page's own format: "1 234,5" in kk and ru,
   "1,234.5" in en, "12,5 %"), text in the page's language, empty cells ("—") last in
   either direction. Pressing again reverses; the header says which way (aria-sort). */
(function () {
  "use strict";
  var SPACES = /[\s\u00a0\u202f]/g;
  var NUMBER = /^[+\-\u2212]?\d+(?:\.\d+)?/;

  function numberOf(text, lang) {
    var plain = text.replace(SPACES, "").replace("\u2212", "-");
    plain = lang === "en" ? plain.replace(/,/g, "") : plain.replace(/,/g, ".");
    var found = plain.match(NUMBER);
    return found ? parseFloat(found[0]) : null;
  }

  function keyOf(row, index, lang) {
    var cell = row.cells[index];
    var text = cell ? cell.innerText.trim() : "";
    if (text === "" || text === "\u2014") {
      return { empty: true };
    }
    var value = numberOf(text, lang);
    return value === null ? { text: text } : { number: value, text: text };
  }

  function compare(a, b, lang) {
    if (a.number !== undefined && b.number !== undefined) {
      return a.number - b.number;
    }
    return a.text.localeCompare(b.text, lang, { numeric: true });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("thead .th-sort");
    if (!button) {
      return;
    }
    var th = button.closest("th");
    var table = th.closest("table");
    var body = table && table.tBodies[0];
    if (!body) {
      return;
    }
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var index = headers.indexOf(th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var lang = document.documentElement.lang || "kk";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, at) {
      return { row: row, key: keyOf(row, index, lang), at: at };
    });
    rows.sort(function (a, b) {
      if (a.key.empty || b.key.empty) {
        return (a.key.empty ? 1 : 0) - (b.key.empty ? 1 : 0) || a.at - b.at;
      }
      var order = compare(a.key, b.key, lang);
      return (ascending ? order : -order) || a.at - b.at;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  });
}());

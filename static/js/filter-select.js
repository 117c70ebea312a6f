/* A search box above a long select (the 104 communes and wards): typing "pho hien" or "Phố
   Hiến" keeps the matching options, accents and case ignored, as the server folds them
   (registry/services/text.py: NFD, marks dropped, đ → d). Without this script the select
   works as it is. The select carries the box's label and the count message:
   data-filterable, data-filter-label, data-filter-count ("{count} matching"). */
(function () {
  "use strict";

  function fold(text) {
    return text.replace(/[đĐð]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "filter-select-box";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "filter-select-label";
    label.textContent = select.getAttribute("data-filter-label") || "";
    var status = document.createElement("span");
    status.className = "filter-select-status muted";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select);

    box.addEventListener("input", function () {
      var terms = fold(box.value).split(" ").filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { return; }
        var text = option.getAttribute("data-search") || fold(option.textContent);
        var match = terms.every(function (term) { return text.indexOf(term) !== -1; });
        option.hidden = !match && !option.selected;
        if (match) { shown += 1; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      status.textContent = terms.length
        ? (select.getAttribute("data-filter-count") || "{count}").replace("{count}", String(shown)) : "";
      var first = Array.prototype.find.call(select.options, function (o) { return o.value && !o.hidden; });
      if (shown === 1 && first && !select.value) { select.value = first.value; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filterable]"), enhance);
  });
})();

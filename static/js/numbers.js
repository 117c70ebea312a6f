/* Number fields: while a number is typed, say what it will be read as ("Understood as
   2.500.000.000 ₫") or how to write it, in the page's language. The rules are those of
   registry/numbers.py, which stays the judge when the form is sent; each field's
   <output data-number=…> carries the separators, the units and the translated messages. */
(function () {
  "use strict";

  var DELAY = 300; // ms without typing before the text changes, so screen readers are not flooded

  function escapeForRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\\-]/g, "\\$&");
  }

  function groupThousands(digits, group) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function withoutUnit(text, units) {
    var sorted = units.slice().sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < sorted.length; i++) {
      var unit = sorted[i];
      if (text.length > unit.length && text.slice(-unit.length).toLowerCase() === unit) {
        return text.slice(0, -unit.length).trim();
      }
    }
    return text;
  }

  /* The number `body` means, written back in the page's style ("2.500.000,5"), or null when it
     is not a well-formed number: digits grouped in threes, at most one decimal separator. */
  function normalised(body, o) {
    var negative = body.charAt(0) === "-";
    var unsigned = negative ? body.slice(1) : body;
    var parts = unsigned.split(o.decimal);
    if (parts.length > 2 || !/[0-9]/.test(unsigned)) { return null; }
    var integer = parts[0];
    var fraction = parts.length === 2 ? parts[1] : null;
    if (fraction !== null && !/^[0-9]*$/.test(fraction)) { return null; }
    if (integer.indexOf(o.group) !== -1) {
      var grouped = new RegExp("^[1-9][0-9]{0,2}(" + escapeForRegExp(o.group) + "[0-9]{3})+$");
      if (!grouped.test(integer)) { return null; }
      integer = integer.split(o.group).join("");
    } else if (!/^[0-9]*$/.test(integer)) {
      return null;
    }
    integer = integer.replace(/^0+(?=[0-9])/, "") || "0";
    var digits = fraction === null ? "" : fraction.replace(/0+$/, "");
    var zero = integer === "0" && digits === "";
    return {
      text: (negative && !zero ? "-" : "") + groupThousands(integer, o.group) +
        (digits ? o.decimal + digits : ""),
      hasDecimal: fraction !== null
    };
  }

  function explain(body, o) {
    var pieces = body.split(o.group);
    if (pieces.length === 2 && body.indexOf(o.decimal) === -1 &&
        /^-?[0-9]+$/.test(pieces[0]) && /^[0-9]+$/.test(pieces[1])) {
      var sign = pieces[0].charAt(0) === "-" ? "-" : "";
      var head = pieces[0].replace("-", "").replace(/^0+(?=[0-9])/, "");
      var tail = pieces[1];
      var padded = (head + (tail + "000").slice(0, Math.max(3, tail.length))).replace(/^0+(?=[0-9])/, "");
      return fill(o.ambiguous, {
        decimal: sign + groupThousands(head, o.group) + o.decimal + tail,
        thousands: sign + groupThousands(padded, o.group)
      });
    }
    var swapped = body.split("").map(function (c) {
      return c === o.group ? o.decimal : (c === o.decimal ? o.group : c);
    }).join("");
    var meant = normalised(swapped, o);
    return meant ? fill(o.suggest, {suggestion: meant.text}) : o.malformed;
  }

  /* What to show for the text of a field: "" when blank. */
  function feedback(text, o) {
    var body = withoutUnit(text.trim(), o.units).replace(/[\u2212\u2013]/g, "-");
    if (!body) { return ""; }
    var allowed = new RegExp("^-?[0-9" + escapeForRegExp(o.group + o.decimal) + "]+$");
    if (!allowed.test(body)) { return o.malformed; }
    var integerDigits = body.split(o.decimal)[0].replace(/^[^1-9]*/, "").replace(/[^0-9]/g, "");
    if (integerDigits.length > o.maxDigits || body.replace(/[^0-9]/g, "").length > 2 * o.maxDigits) {
      return o.tooLong;
    }
    var number = normalised(body, o);
    if (!number) { return explain(body, o); }
    if (o.whole && number.hasDecimal) { return o.notWhole; }
    return fill(o.understood, {value: number.text + (o.currency ? " " + o.currency : "")});
  }

  function watch(output) {
    var input = document.getElementById(output.getAttribute("for"));
    if (!input) { return; }
    var data = output.dataset;
    var options = {
      whole: data.number === "whole",
      group: data.group,
      decimal: data.decimal,
      units: data.units ? data.units.split(" ") : [],
      currency: data.currency,
      understood: data.understood,
      ambiguous: data.ambiguous,
      suggest: data.suggest,
      malformed: data.malformed,
      notWhole: data.notWhole,
      maxDigits: parseInt(data.maxDigits, 10),
      tooLong: data.tooLong
    };
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        output.textContent = feedback(input.value, options);
      }, DELAY);
    });
  }

  var outputs = document.querySelectorAll("output[data-number]");
  for (var i = 0; i < outputs.length; i++) { watch(outputs[i]); }
}());

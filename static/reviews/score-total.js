/* The scoring page's live weighted total: Σ(score × weight), as the reviewer types.
 *
 * The weights come from each input's data-weight; the server computes the same figure
 * (reviews.domain.score_sheet_total) and shows it again on the confirmation page before
 * the sheet locks. Arithmetic is in whole hundredths so the browser never rounds
 * differently from Python's Decimal; the result is written the way the server writes it
 * (reviews.domain.scoring.plain: no trailing zeros). Without JavaScript the server's
 * figure for the saved values stays in place.
 */
(function () {
  "use strict";
  var HUNDREDTHS = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/;

  function hundredths(text) {
    var match = HUNDREDTHS.exec(text || "");
    if (!match) { return null; }
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }

  function plain(tenThousandths) {
    var whole = Math.floor(tenThousandths / 10000);
    var fraction = String(tenThousandths % 10000);
    while (fraction.length < 4) { fraction = "0" + fraction; }
    fraction = fraction.replace(/0+$/, "");
    return fraction ? whole + "." + fraction : String(whole);
  }

  function update(form, output) {
    var total = 0;
    form.querySelectorAll("input[data-weight]").forEach(function (input) {
      var value = hundredths(input.value);
      var weight = hundredths(input.getAttribute("data-weight"));
      if (value !== null && weight !== null) { total += value * weight; }
    });
    output.textContent = plain(total);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var output = document.querySelector("[data-score-total]");
    var form = output && output.closest("form");
    if (!form) { return; }
    form.addEventListener("input", function () { update(form, output); });
    update(form, output);
  });
})();

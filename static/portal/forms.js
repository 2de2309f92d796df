/* The error summary at the top of a form (templates/portal/forms/error_summary.html) takes the
   focus when the page loads, so a screen reader reads it and a phone scrolls to it. Without
   JavaScript it is still the first thing in the form. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();

/* Progress and dashboard charts (Chart.js, vendored). The tables above are the source of truth. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#b3261e", "#0b57d0", "#1b5e20", "#8e24aa", "#ef6c00"];
  // The progress page: one chart per period type (monthly targets on a monthly axis, quarterly
  // on a quarterly one). A period still to come has no figure (null): no bar, not a 0.
  var narrow = window.matchMedia("(max-width: 480px)").matches;
  document.querySelectorAll("canvas[data-progress-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-progress-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var datasets = [];
    data.datasets.forEach(function (d, i) {
      var colour = palette[i % palette.length];
      datasets.push({ type: "bar", label: d.label, data: d.actual, backgroundColor: colour + "99" });
      datasets.push({ type: "line", label: d.label + " · 目标", data: d.target, borderColor: colour,
        borderDash: [6, 4], pointRadius: 0, fill: false });
    });
    new Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, font: { size: narrow ? 12 : 13 } } } },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: narrow ? 60 : 0, font: { size: narrow ? 11 : 12 } } },
          y: { beginAtZero: true, ticks: { font: { size: narrow ? 11 : 12 } } }
        }
      }
    });
  });
  var dashData = document.getElementById("dashboard-data");
  if (dashData) {
    var d = JSON.parse(dashData.textContent);
    new Chart(document.getElementById("dashboard-chart"), {
      data: { labels: d.labels, datasets: [
        { type: "bar", label: "服务时数", data: d.hours, backgroundColor: "#b3261e99", yAxisID: "y" },
        { type: "line", label: "服务人次", data: d.residents, borderColor: "#0b57d0", yAxisID: "y1" }
      ] },
      options: { responsive: true, maintainAspectRatio: false, scales: {
        x: { title: { display: true, text: d.x_title } },
        y: { beginAtZero: true, position: "left", title: { display: true, text: d.hours_title } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
              title: { display: true, text: d.residents_title } } } }
    });
  }
})();

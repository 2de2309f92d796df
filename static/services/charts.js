/* Progress and dashboard charts (Chart.js, vendored). The tables above are the source of truth. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#b3261e", "#0b57d0", "#1b5e20", "#8e24aa", "#ef6c00"];
  var progressData = document.getElementById("progress-data");
  if (progressData) {
    var data = JSON.parse(progressData.textContent);
    var datasets = [];
    data.datasets.forEach(function (d, i) {
      var colour = palette[i % palette.length];
      datasets.push({ type: "bar", label: d.label, data: d.actual, backgroundColor: colour + "99" });
      datasets.push({ type: "line", label: d.label + " · 目标", data: d.target, borderColor: colour,
        borderDash: [6, 4], pointRadius: 0, fill: false });
    });
    new Chart(document.getElementById("progress-chart"), {
      data: { labels: data.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
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

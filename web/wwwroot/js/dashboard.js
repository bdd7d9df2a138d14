// Draws every <canvas data-chart> with Chart.js. The data comes from the page itself (the same figures the tables
// print), so the charts never disagree with the numbers. window.dashboardCharts tells tests how many were drawn.
(function () {
  "use strict";
  var palette = ["#1f5fbf", "#d9822b", "#2e9e6b", "#b8336a", "#7a5cc2", "#5a6b7b"];
  var drawn = 0;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var pie = spec.type === "doughnut";
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return {
            label: s.label,
            data: s.data,
            backgroundColor: pie ? palette : palette[i % palette.length],
            borderColor: pie ? "#fff" : palette[i % palette.length],
            tension: 0.25
          };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        plugins: { legend: { display: pie || spec.series.length > 1 } },
        scales: pie ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    drawn++;
  });
  window.dashboardCharts = drawn;
})();

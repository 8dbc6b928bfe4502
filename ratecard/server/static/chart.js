// Step charts of a model's prices over time, drawn by the vendored uPlot.
// The data is a JSON block rendered by the server (never script); values arrive as decimal
// strings and become numbers only here, to be plotted. The exact values are in the table below.
(function () {
  "use strict";
  var COLORS = ["#2457a6", "#c0392b", "#1b7a3b", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b",
                "#2c3e50", "#e84393", "#0984e3", "#6c5ce7"];

  function usd(u, values) {
    return values.map(function (v) { return v == null ? "" : "$" + v; });
  }

  function draw(el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute("data-chart")).textContent);
    var series = [{ label: "day" }];
    var data = [spec.x];
    spec.series.forEach(function (s, i) {
      series.push({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: true, size: 5 },
        value: function (u, v) { return v == null ? "–" : "$" + v; },
      });
      data.push(s.values.map(function (v) { return v === null ? null : Number(v); }));
    });
    var opts = {
      width: Math.max(320, el.clientWidth || 800),
      height: 320,
      series: series,
      scales: { x: { time: true } },
      axes: [{}, { values: usd, size: 70 }],
    };
    var chart = new uPlot(opts, data, el);
    el.setAttribute("data-series", String(chart.series.length - 1));
    el.setAttribute("data-drawn", "true");
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

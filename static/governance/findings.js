// The findings board's age chart, drawn from the counts the page already shows as a table.
(function () {
  "use strict";
  const element = document.getElementById("finding-age-chart");
  const source = document.getElementById("finding-summary-data");
  if (!element || !source || typeof Plotly === "undefined") { return; }
  const summary = JSON.parse(source.textContent);
  Plotly.newPlot(element, [{
    type: "bar",
    x: summary.ages.map(function (age) { return age.label; }),
    y: summary.ages.map(function (age) { return age.count; }),
    marker: { color: ["#0d6efd", "#6f42c1", "#fd7e14", "#b02a37"] },
    hovertemplate: "%{y} finding(s) open %{x}<extra></extra>"
  }], {
    margin: { l: 40, r: 10, t: 10, b: 30 },
    yaxis: { rangemode: "tozero", fixedrange: true },
    xaxis: { fixedrange: true }
  }, { displayModeBar: false, responsive: true }).then(function () {
    element.setAttribute("data-ready", "true");
  });
})();

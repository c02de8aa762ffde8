// Draws the monitoring charts from JSON embedded in the page (json_script): line charts of
// daily series with optional horizontal reference lines, grouped bars per period, and
// stacked bars of score parts.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var layoutBase = {margin: {t: 36, r: 16, b: 48, l: 56}, height: 320,
                    legend: {orientation: "h", y: -0.25}, font: {size: 12}};
  // No toolbar: it covered the titles; dragging still zooms and a double click resets.
  var config = {displaylogo: false, responsive: true, displayModeBar: false};

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function lineChart(target, chart) {
    var traces = chart.traces.map(function (t) {
      return {type: "scatter", mode: "lines+markers", name: t.name, x: t.x, y: t.y};
    });
    var shapes = (chart.lines || []).map(function (line) {
      return {type: "line", xref: "paper", x0: 0, x1: 1, y0: line.y, y1: line.y,
              line: {dash: "dash", width: 2, color: line.color || "#b02a37"}};
    });
    var annotations = (chart.lines || []).map(function (line) {
      return {xref: "paper", x: 1, y: line.y, xanchor: "right", yanchor: "bottom",
              text: line.name + " " + Number(line.y.toPrecision(4)), showarrow: false,
              font: {size: 11}};
    });
    Plotly.newPlot(target, traces, Object.assign({}, layoutBase, {
      title: {text: chart.title, font: {size: 14}}, shapes: shapes, annotations: annotations,
      xaxis: {type: "date"}}), config);
  }

  function stackedBars(target, chart) {
    var traces = chart.parts.map(function (part) {
      return {type: "bar", orientation: "h", name: part.name, y: chart.models, x: part.values};
    });
    Plotly.newPlot(target, traces, Object.assign({}, layoutBase, {
      barmode: "stack", height: Math.max(220, 40 + 28 * chart.models.length),
      margin: {t: 16, r: 16, b: 48, l: 180}, yaxis: {autorange: "reversed"},
      xaxis: {title: {text: "score (0–100)"}, range: [0, 100]}}), config);
  }

  // Grouped bars over named periods (e.g. months), a bar per trace in each period.
  function groupedBars(target, chart) {
    var traces = chart.traces.map(function (t) {
      return {type: "bar", name: t.name, x: t.x, y: t.y};
    });
    Plotly.newPlot(target, traces, Object.assign({}, layoutBase, {
      title: {text: chart.title, font: {size: 14}}, barmode: "group",
      xaxis: {type: "category"}}), config);
  }

  document.querySelectorAll("[data-bar-chart]").forEach(function (target) {
    var chart = read(target.getAttribute("data-bar-chart"));
    if (chart && chart.traces.length) { groupedBars(target, chart); }
  });
  document.querySelectorAll("[data-line-chart]").forEach(function (target) {
    var chart = read(target.getAttribute("data-line-chart"));
    if (chart) { lineChart(target, chart); }
  });
  document.querySelectorAll("[data-stacked-chart]").forEach(function (target) {
    var chart = read(target.getAttribute("data-stacked-chart"));
    if (chart && chart.models.length) { stackedBars(target, chart); }
  });
}());

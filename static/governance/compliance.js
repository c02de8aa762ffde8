/* Compliance overview: stacked bars per framework (met, gaps, not applicable) drawn with
 * Plotly from the page's data (json_script "compliance-data"); clicking a bar opens the
 * list of those models. The same numbers are in the table under the chart. */
(function () {
  "use strict";

  const container = document.getElementById("compliance-chart");
  const source = document.getElementById("compliance-data");
  if (!container || !source || typeof Plotly === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const series = [
    {key: "met", name: "Met", color: "#1e7b34"},
    {key: "gap", name: "With gaps", color: "#b02a37"},
    {key: "not_applicable", name: "Not applicable", color: "#adb5bd"},
  ];
  const traces = series.map((s) => ({
    type: "bar", orientation: "h", name: s.name, y: data.frameworks, x: data[s.key],
    marker: {color: s.color}, customdata: data.codes.map((code) => [code, s.key]),
    hovertemplate: "%{y}: %{x} models " + s.name.toLowerCase() + "<extra></extra>",
  }));
  const height = Math.max(220, 48 * data.frameworks.length + 90);
  Plotly.newPlot(container, traces, {
    barmode: "stack", height: height, margin: {l: 110, r: 20, t: 10, b: 40},
    legend: {orientation: "h", y: -0.15}, xaxis: {title: {text: "Models"}, rangemode: "tozero"},
    yaxis: {autorange: "reversed"},
  }, {displayModeBar: false, responsive: true}).then(() => {
    container.dataset.ready = "true";
  });
  container.on("plotly_click", (event) => {
    const [code, status] = event.points[0].customdata;
    window.location.href = data.status_url + "?framework=" + encodeURIComponent(code) +
      "&status=" + encodeURIComponent(status);
  });
})();

/* Lineage graph: draws the nodes and links of the page (json_script "lineage-data") with
 * Plotly (shipped by the plotly wheel, served from this host), lays them out left to right
 * in the way data flows, and lets the reader zoom, pan, select a node, open its record,
 * centre on it, or expand its neighbours (fetched from GET /api/v1/lineage). */
(function () {
  "use strict";

  const container = document.getElementById("lineage-graph");
  const source = document.getElementById("lineage-data");
  if (!container || !source || typeof Plotly === "undefined") {
    return;
  }
  const COLOURS = {DATASET: "#1f6fb2", JOB: "#6c757d", RUN: "#7b3fb0", MODEL: "#1e7b34",
                   EXTERNAL: "#c25e00", HIDDEN: "#c8c8c8"};
  const LABELS = {DATASET: "Datasets", JOB: "Jobs", RUN: "Runs", MODEL: "Model versions",
                  EXTERNAL: "External services", HIDDEN: "Not visible to you"};
  const data = JSON.parse(source.textContent);
  const nodes = new Map(data.nodes.map((node) => [node.id, node]));
  const edges = new Map(data.edges.map((edge) => [edge.join("|"), edge]));
  const start = container.dataset.start;
  const panel = document.getElementById("lineage-selection");
  let selected = start;

  function ranks() {
    // Breadth-first from the start node: a link's target sits one column right of its source.
    const rank = new Map([[start, 0]]);
    const queue = [start];
    while (queue.length) {
      const current = queue.shift();
      for (const [from, to] of edges.values()) {
        if (from === current && !rank.has(to)) {
          rank.set(to, rank.get(current) + 1);
          queue.push(to);
        } else if (to === current && !rank.has(from)) {
          rank.set(from, rank.get(current) - 1);
          queue.push(from);
        }
      }
    }
    for (const id of nodes.keys()) {
      if (!rank.has(id)) rank.set(id, 0);
    }
    return rank;
  }

  function layout() {
    const rank = ranks();
    const columns = new Map();
    for (const [id, node] of nodes) {
      const column = rank.get(id);
      if (!columns.has(column)) columns.set(column, []);
      columns.get(column).push(node);
    }
    const position = new Map();
    for (const [column, members] of columns) {
      members.sort((a, b) => a.data.label.localeCompare(b.data.label));
      members.forEach((node, index) => {
        position.set(node.id, [column, index - (members.length - 1) / 2]);
      });
    }
    return position;
  }

  function xRange(position) {
    const xs = [...position.values()].map(([x]) => x);
    return [Math.min(...xs) - 0.6, Math.max(...xs) + 0.6];
  }

  function kind(node) {
    return node.data.hidden ? "HIDDEN" : node.type;
  }

  function draw() {
    const position = layout();
    const lineX = [];
    const lineY = [];
    const arrows = [];
    for (const [from, to] of edges.values()) {
      if (!position.has(from) || !position.has(to)) continue;
      const [x0, y0] = position.get(from);
      const [x1, y1] = position.get(to);
      lineX.push(x0, x1, null);
      lineY.push(y0, y1, null);
      if (edges.size <= 400) {
        arrows.push({x: x1, y: y1, ax: x0, ay: y0, xref: "x", yref: "y", axref: "x", ayref: "y",
                     showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1,
                     arrowcolor: "#8a8a8a", standoff: 12, text: ""});
      }
    }
    const traces = [{x: lineX, y: lineY, mode: "lines", type: "scatter", hoverinfo: "skip",
                     line: {color: "#b5b5b5", width: 1}, showlegend: false}];
    for (const type of Object.keys(COLOURS)) {
      const members = [...nodes.values()].filter((node) => kind(node) === type);
      if (!members.length) continue;
      traces.push({
        type: "scatter", mode: "markers+text", name: LABELS[type],
        x: members.map((node) => position.get(node.id)[0]),
        y: members.map((node) => position.get(node.id)[1]),
        text: members.map((node) => node.data.label),
        customdata: members.map((node) => node.id),
        textposition: "bottom center", hovertemplate: "%{text}<br>%{customdata}<extra></extra>",
        marker: {size: members.map((node) => (node.id === selected ? 22 : 15)),
                 color: COLOURS[type], line: {width: members.map((node) => (node.id === start ? 3 : 1)),
                                              color: "#212529"}},
      });
    }
    Plotly.react(container, traces, {
      margin: {l: 20, r: 20, t: 10, b: 20}, dragmode: "pan", hovermode: "closest",
      // Room on both sides for the labels under the outermost nodes.
      xaxis: {visible: false, zeroline: false, range: xRange(position)},
      yaxis: {visible: false, zeroline: false},
      legend: {orientation: "h"}, annotations: arrows, height: 520,
    }, {responsive: true, scrollZoom: true, displaylogo: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d"]});
  }

  function field(name) {
    return panel.querySelector(`[data-field="${name}"]`);
  }

  function select(id) {
    selected = id;
    const node = nodes.get(id);
    field("label").textContent = node.data.label;
    field("id").textContent = node.id;
    const open = panel.querySelector('[data-action="open"]');
    open.classList.toggle("d-none", !node.data.url);
    open.href = node.data.url || "#";
    const centre = panel.querySelector('[data-action="centre"]');
    centre.href = `${container.dataset.base}?node=${encodeURIComponent(node.id)}`;
    field("error").classList.add("d-none");
    draw();
  }

  async function expand() {
    const url = `${container.dataset.api}?nodeId=${encodeURIComponent(selected)}&depth=1`;
    const button = panel.querySelector('[data-action="expand"]');
    button.disabled = true;
    try {
      const answer = await fetch(url, {credentials: "same-origin",
                                       headers: {Accept: "application/json"}});
      if (!answer.ok) throw new Error(`the server answered ${answer.status}`);
      const graph = (await answer.json()).graph;
      for (const node of graph) {
        if (!nodes.has(node.id)) nodes.set(node.id, {id: node.id, type: node.type, data: node.data});
        for (const edge of [...node.inEdges, ...node.outEdges]) {
          edges.set(`${edge.origin}|${edge.destination}|${edge.kind}`,
                    [edge.origin, edge.destination, edge.kind]);
        }
      }
      container.dataset.expanded = String(Number(container.dataset.expanded || 0) + 1);
      draw();
    } catch (error) {
      field("error").textContent = `Could not expand this node: ${error.message}.`;
      field("error").classList.remove("d-none");
    } finally {
      button.disabled = false;
    }
  }

  draw();
  container.on("plotly_click", (event) => {
    const point = event.points.find((p) => p.customdata);
    if (point) select(point.customdata);
  });
  panel.querySelector('[data-action="expand"]').addEventListener("click", expand);
  container.dataset.ready = "true";
})();

// The lineage page's search box: htmx leaves 4xx answers unswapped by default, but the
// search answers a too-short or too-long query with a 400 whose body says why; show it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target && target.id === "lineage-search-results" && event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

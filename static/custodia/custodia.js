// Small behaviours that must work without inline scripts (the CSP forbids them).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) {
    target.form.requestSubmit();
  }
});

// Detail pages with tabs: open the tab named in the address (#history), and keep the
// address in step with the open tab so that it can be shared or bookmarked.
document.addEventListener("DOMContentLoaded", () => {
  const tabs = document.querySelectorAll('[data-bs-toggle="tab"][data-bs-target^="#"]');
  if (!tabs.length || !window.bootstrap) {
    return;
  }
  // The hash may name a tab (#history) or something inside one (#v3, a model version).
  const showFromHash = () => {
    let wanted = "";
    try {
      const target = window.location.hash ? document.querySelector(window.location.hash) : null;
      const pane = target ? target.closest(".tab-pane") : null;
      wanted = pane ? `#${pane.id}` : "";
    } catch (error) {
      wanted = "";  // not a valid selector: ignore
    }
    tabs.forEach((tab) => {
      if (wanted && tab.dataset.bsTarget === wanted) {
        window.bootstrap.Tab.getOrCreateInstance(tab).show();
      }
    });
  };
  tabs.forEach((tab) => {
    tab.addEventListener("shown.bs.tab", () => {
      window.history.replaceState(null, "", tab.dataset.bsTarget);
    });
  });
  showFromHash();
  window.addEventListener("hashchange", showFromHash);
});

// The drawer of phones: the panel beside the map (search, filters, list) slides over the map.
import { app } from "./map-app.js";

export function drawerHidden() {
  return app.narrow.matches && !app.layout.classList.contains("drawer-open");
}

export function setDrawer(open, { returnFocus = true } = {}) {
  const { drawerToggle, narrow, layout } = app;
  if (!drawerToggle || (!narrow.matches && open)) return;
  layout.classList.toggle("drawer-open", open);
  drawerToggle.setAttribute("aria-expanded", String(open));
  if (open) document.getElementById("map-panel-title").focus();
  else if (returnFocus && narrow.matches) drawerToggle.focus();
  app.map.invalidateSize();
}

export function setUpDrawer() {
  const { panel, drawerToggle, layout, narrow } = app;
  if (panel && drawerToggle) {
    document.getElementById("map-panel-title").tabIndex = -1;
    drawerToggle.addEventListener("click", () => setDrawer(!layout.classList.contains("drawer-open")));
    panel.querySelector("[data-drawer-close]").addEventListener("click", () => setDrawer(false));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && layout.classList.contains("drawer-open")) setDrawer(false);
    });
  }
  narrow.addEventListener("change", () => {
    if (!narrow.matches) setDrawer(false, { returnFocus: false });
    app.map.invalidateSize();
  });
}

// The reader's state in the address: one history entry per step (Back undoes it), the view kept in
// the current entry; what the map shows told to the page's other scripts, and their commands obeyed.
import { actions, app } from "./map-app.js";
import { parseState, pushState, replaceState } from "./map-state.js";

// Every entry records the view it was left at, so that Back returns to it.
export function currentView() {
  if (!app.ready) return app.state.view;
  const center = app.map.getCenter();
  return { lat: center.lat, lng: center.lng, zoom: app.map.getZoom() };
}

// What the address keeps: a tile basemap that is failing to load is left out of it.
function addressState(state) {
  return app.basemapFailed && state.basemap === app.basemapFailed ? { ...state, basemap: "" } : state;
}

// A visitor's step: a history entry of its own (in an embed, the address only follows it).
// The map's own address names its edition (an embed keeps the address the portal chose).
export function recordStep(next) {
  if (app.embed) replaceState(addressState(next), app.embed.keep);
  else pushState(addressState(next), [], app.config.editionPath);
  announce();
}

export function recordView(next) {
  if (app.embed) replaceState(addressState(next), app.embed.keep);
  else replaceState(addressState(next), [], app.config.editionPath);
}

// Tells the page's other scripts (static/layout/embed-bridge.js) what the map shows now.
function announce() {
  app.container.dispatchEvent(new CustomEvent("layout:statechange", { detail: currentMapState() }));
}

export function currentMapState() {
  const { state } = app;
  return { ...state, compare: [...state.compare], view: state.view ? { ...state.view } : null };
}

export function commit(next, { openSelection = true, force = false } = {}) {
  app.state = { ...next, view: currentView() };
  if (force && !app.embed) window.history.pushState(null, "", window.location.href);
  recordStep(app.state);
  applyState(app.state, { restoring: false, openSelection });
}

export function applyState(next, { restoring, openSelection = true }) {
  app.applying = true;
  app.state = next;
  actions.showBasemap();
  actions.showFilter();
  actions.showCompare();
  actions.closeClusterPopups(openSelection ? app.state.cluster : "");
  if (app.state.cluster && openSelection) {
    const entry = app.overlay.entries.get(app.state.cluster);
    if (entry && !entry.layer.isPopupOpen()) {
      actions.openPopupOf(app.state.cluster, { autoPan: !restoring && !app.state.view });
    }
  }
  actions.markSelected();
  if (restoring) actions.setViewFor(app.state, false);
  app.applying = false;
  if (app.ready) announce();
}

export function setUpHistory() {
  const { map, container, known } = app;
  map.on("moveend", () => {
    if (!app.ready) return;
    app.state = { ...app.state, view: currentView() };
    recordView(app.state);
  });
  // Commands from the page's other scripts (the embed bridge passes on a host page's messages). Values
  // the map does not know are ignored, as in an address; the focus stays where the reader has it.
  container.addEventListener("layout:select-cluster", (event) => {
    const slug = event.detail && event.detail.slug;
    if (!slug) {
      if (app.state.cluster) commit({ ...app.state, cluster: "" });
    } else if (known.cluster.has(slug)) {
      actions.chooseCluster(slug, null, { focus: false });
    }
  });
  container.addEventListener("layout:set-filter", (event) => {
    const filters = {};
    for (const name of ["chain", "category", "district"]) {
      const value = event.detail ? event.detail[name] : undefined;
      if (value === undefined) continue;
      const wanted = value === null ? "" : String(value);
      if (wanted && !known[name].has(wanted)) return;
      filters[name] = wanted;
    }
    actions.setFilter(filters);
  });
  window.addEventListener("popstate", () => {
    app.returnFocusTo = null;
    applyState(parseState(window.location.search, known), { restoring: true });
  });
}

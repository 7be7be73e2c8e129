// The Leaflet map, its buttons and corners, and where it looks: all of Shanghai, a set of clusters,
// the view in the address.
import { actions, app, shows } from "./map-app.js";
import { LayersControl, escapeHtml } from "./basemaps.js";
import { ButtonBar, ElementControl, approvalControl, fullscreenToggle, messageLine } from "./map-controls.js";
import { locate } from "./map-locate.js";
import { isFiltered } from "./map-filters.js";

const L = window.L;

export function createMap() {
  const { config, text, container } = app;
  const map = L.map(container, {
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    zoomSnap: 0.25,
    maxBounds: L.latLngBounds(config.bounds).pad(0.5),
    zoomControl: false,
  });
  // Browser tests turn a place into the pixel a user would click.
  container.layoutMap = map;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(escapeHtml(text.attribution));
  app.map = map;
  app.say = messageLine(app.mapArea);
  addControls();
  // Marked while the map moves, so that tests (and styles) can wait for it to settle.
  map.on("movestart", () => { container.dataset.moving = "true"; });
  map.on("moveend", () => { delete container.dataset.moving; });
  return map;
}

function addControls() {
  const { map, text, config, legend, drawerToggle } = app;
  // On a phone an open popup spans the map's top: the buttons keep to the bottom left, out of its way.
  const buttonCorner = app.narrow.matches ? "bottomleft" : "topleft";
  if (drawerToggle) new ElementControl({ position: "topleft", element: drawerToggle }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  if (shows("zoom")) {
    L.control.zoom({ position: buttonCorner, zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  }
  const barButtons = [
    { control: "home", className: "map-home", label: text.home, icon: "home", onClick: () => fitShanghai(true) },
    { control: "locate", className: "map-locate", label: text.locate, icon: "locate", onClick: locate },
    { control: "fullscreen", className: "map-fullscreen", label: text.fullscreen, icon: "fullscreen",
      onClick: () => app.toggleFullscreen() },
  ].filter((button) => shows(button.control));
  const buttons = barButtons.length ? new ButtonBar({ position: buttonCorner, buttons: barButtons }).addTo(map) : null;
  if (shows("fullscreen")) {
    app.toggleFullscreen = fullscreenToggle(app.layout, map, text, buttons.buttons["map-fullscreen"]);
  }
  app.layersControl = shows("layers") ? new LayersControl({
    text,
    basemaps: config.basemaps,
    onBasemap: (id) => actions.commit({ ...app.state, basemap: id }),
    onProjects: (on) => actions.commit({ ...app.state, projects: on }),
  }).addTo(map) : null;
  map.on("click", () => app.layersControl && app.layersControl.close());
  if (config.approvalNumber) approvalControl(config.approvalNumber, text).addTo(map);
  if (legend) {
    // Open where the map has room beside it; a button to open it elsewhere.
    if (app.container.clientWidth < 760) legend.open = false;
    new ElementControl({ position: "bottomright", element: legend }).addTo(map);
  }
}

// Room for what covers the map's edges: the drawer button and the buttons on a phone, the open legend elsewhere.
export function fitPadding() {
  if (app.narrow.matches) return { paddingTopLeft: [46, 52], paddingBottomRight: [8, 20] };
  const legendWidth = app.legend && app.legend.open ? app.legend.offsetWidth + 12 : 12;
  return { paddingTopLeft: [48, 12], paddingBottomRight: [legendWidth, 20] };
}

export function fitShanghai(animate = false) {
  const bounds = app.overlay ? app.overlay.districtLayer.getBounds() : L.latLngBounds(app.config.bounds);
  app.map.fitBounds(bounds, { ...fitPadding(), animate });
}

function boundsOf(entries) {
  let bounds = null;
  for (const entry of entries) {
    const b = entry.layer.getBounds();
    if (!b.isValid()) continue;
    bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  }
  return bounds;
}

export function fitEntries(entries, animate, maxZoom = 11.5) {
  const bounds = boundsOf(entries);
  if (bounds) app.map.fitBounds(bounds, { ...fitPadding(), maxZoom, animate });
  return Boolean(bounds);
}

export function fitDistrict(adcode, animate) {
  const bounds = app.overlay.districtBounds.get(adcode);
  if (bounds) app.map.fitBounds(bounds, { ...fitPadding(), maxZoom: 13, animate });
  return Boolean(bounds);
}

export function setViewFor(currentState, animate) {
  const { map, overlay } = app;
  if (currentState.view) {
    map.setView([currentState.view.lat, currentState.view.lng], currentState.view.zoom, { animate });
  } else if (currentState.cluster && overlay.entries.has(currentState.cluster)) {
    fitEntries([overlay.entries.get(currentState.cluster)], animate);
  } else if (!isFiltered(currentState) || !fitEntries(actions.visibleEntries(), animate)) {
    fitShanghai(animate);
  }
}

// Runs `then` once the map has stopped moving (or at once when it had nowhere to go).
export function afterMove(then) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    app.map.off("moveend", run);
    then();
  };
  app.map.on("moveend", run);
  setTimeout(run, 900);
}

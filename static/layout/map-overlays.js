// The clusters, districts and district names drawn over the basemap, in the basemap's datum; how a
// cluster looks when hovered or selected; popups that fit inside the map.
import { actions, app } from "./map-app.js";
import {
  HIGHLIGHT, clusterColour, clusterName, clusterPopup, clusterStyle, districtStyle, element, tagPaths, unlocatedStyle,
} from "./map-shared.js";
import { fittedTooltip } from "./map-controls.js";

const L = window.L;
const SELECTED = { weight: 4.5, color: "#102a43", opacity: 1 };

// Never wider or taller than the map (the content scrolls inside); on a phone it spans the map.
export function popupOptions() {
  const { container } = app;
  const small = container.clientWidth < 500;
  const top = small ? 56 : 12;
  // On a phone the buttons keep to the bottom left: a popup spanning the map stays above them.
  const corner = app.narrow.matches ? container.querySelector(".leaflet-bottom.leaflet-left") : null;
  const bottom = corner ? corner.offsetHeight + 8 : 24;
  return {
    maxWidth: small ? container.clientWidth - 70 : 300,
    minWidth: Math.min(220, container.clientWidth - 70),
    // The tip, the close button and the padding of both edges take about 60 px.
    maxHeight: Math.max(120, container.clientHeight - top - bottom - 60),
    autoPanPaddingTopLeft: L.point(small ? 8 : 52, top),
    autoPanPaddingBottomRight: L.point(8, bottom),
  };
}

// Sizes follow the map: a popup opened after the window changed size gets the new limits.
export function fitPopupToMap(popup) {
  L.setOptions(popup, popupOptions());
  if (popup.isOpen && popup.isOpen()) popup.update();
}

export function buildOverlay(datumName) {
  const { config, text, facets, featureBySlug } = app;
  const set = app.datums[datumName];
  const districtGeometry = new Map(set.districts.features.map((f) => [f.properties.adcode, f.geometry]));
  const clusterGeometry = new Map(set.clusters.features.map((f) => [f.properties.slug, f.geometry]));
  const districtLayer = L.geoJSON(set.districts, {
    style: () => districtStyle(Boolean(app.basemapLayer)), interactive: false,
  });
  const districtBounds = new Map();
  districtLayer.eachLayer((layer) => districtBounds.set(layer.feature.properties.adcode, layer.getBounds()));

  const entries = new Map();
  for (const [slug, base] of featureBySlug) {
    const feature = { ...base, geometry: clusterGeometry.get(slug) ?? null };
    const colour = clusterColour(feature, config.unclassifiedColour);
    const located = Boolean(feature.geometry);
    let layer;
    let style;
    if (located) {
      style = clusterStyle(feature, colour);
      layer = L.geoJSON(feature, { style });
    } else {
      // Location not published: the whole district, hatched in the chain colour.
      const geometry = districtGeometry.get(base.properties.district.adcode);
      if (!geometry) continue;
      style = unlocatedStyle(colour);
      layer = L.geoJSON(geometry, { style });
    }
    const point = facets[slug] && facets[slug].point ? facets[slug].point[datumName] : null;
    const entry = { slug, feature, colour, located, layer, style, point, hovered: false };
    layer.bindPopup(() => clusterPopup(feature, text, colour, config.language), popupOptions());
    layer.bindTooltip(fittedTooltip(clusterName(feature, "span", config.language)));
    layer.on("mouseover", () => hover(slug, true));
    layer.on("mouseout", () => hover(slug, false));
    layer.on("popupopen", (event) => actions.popupOpened(slug, event.popup));
    layer.on("popupclose", () => actions.popupClosed(slug));
    layer.on("add", () => tagPaths(layer, slug, shapeName(feature)));
    entries.set(slug, entry);
  }

  // District names, at the point inside each district where they read best.
  const labels = config.districtLabels.map((label) => ({
    tooltip: L.tooltip({ permanent: true, direction: "center", className: "district-label", interactive: false })
      .setLatLng(datumName === "gcj02" ? label.latlngGcj02 : label.latlng)
      .setContent(element("span", null, label.name)),
    bounds: districtBounds.get(label.adcode),
  }));
  return { datum: datumName, districtLayer, districtBounds, entries, labels, projects: L.layerGroup() };
}

// What a screen reader says for a cluster's shape: its name and what the shape is.
function shapeName(feature) {
  const { text } = app;
  const props = feature.properties;
  const kind = !feature.geometry ? text.shapeUnlocated
    : props.boundary_status === "official" ? text.shapeOfficial : text.shapeIndicative;
  return `${props.name} (${kind})`;
}

export function attachOverlay(next) {
  const { map } = app;
  const previous = app.overlay;
  if (previous) {
    const wasApplying = app.applying;
    app.applying = true;
    map.closePopup();
    app.applying = wasApplying;
    previous.districtLayer.remove();
    for (const entry of previous.entries.values()) entry.layer.remove();
    for (const label of previous.labels) label.tooltip.remove();
    previous.projects.remove();
  }
  app.overlay = next;
  app.datum = next.datum;
  next.districtLayer.addTo(map);
  for (const label of next.labels) label.tooltip.addTo(map);
  app.container.dataset.datum = app.datum;
}

export function restack() {
  // A cluster whose location is not published covers its district: it stays under the located ones.
  for (const entry of app.overlay.entries.values()) {
    if (!entry.located && app.map.hasLayer(entry.layer)) entry.layer.bringToBack();
  }
  app.overlay.districtLayer.bringToBack();
}

export function restyle(entry) {
  const selected = entry.slug === app.state.cluster;
  entry.layer.setStyle({ ...entry.style, ...(selected ? SELECTED : {}), ...(entry.hovered ? HIGHLIGHT : {}) });
}

export function hover(slug, on) {
  const entry = app.overlay.entries.get(slug);
  if (!entry) return;
  entry.hovered = on;
  restyle(entry);
  if (on && entry.located && app.map.hasLayer(entry.layer)) entry.layer.bringToFront();
  const item = app.listItems.get(slug);
  if (item) item.classList.toggle("is-hovered", on);
}

export function fitLabels() {
  const { map } = app;
  for (const { tooltip, bounds } of app.overlay.labels) {
    const node = tooltip.getElement();
    if (!node || !bounds) continue;
    const topLeft = map.latLngToContainerPoint(bounds.getNorthWest());
    const bottomRight = map.latLngToContainerPoint(bounds.getSouthEast());
    const fits = node.offsetWidth < (bottomRight.x - topLeft.x) * 0.9 && node.offsetHeight < bottomRight.y - topLeft.y;
    node.classList.toggle("district-label-hidden", !fits);
  }
}

// The overlays again, in another datum (a GCJ-02 basemap, or back to WGS-84).
export function redraw(datumName) {
  attachOverlay(buildOverlay(datumName));
  const wasApplying = app.applying;
  app.applying = true;
  actions.showFilter();
  if (app.state.cluster) actions.openPopupOf(app.state.cluster, { autoPan: false });
  actions.markSelected();
  app.applying = wasApplying;
  fitLabels();
}

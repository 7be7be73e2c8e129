// The map of `/`: districts drawn from our own data as the basemap, clusters coloured by chain.
import {
  HIGHLIGHT, addTileLayer, clusterColour, clusterName, clusterPopup, clusterStyle, districtStyle,
  element, readJson, tagPaths, unlocatedStyle,
} from "./map-shared.js";

const L = window.L;
const config = readJson("map-config");
const text = config.text;
const clusters = readJson("cluster-features");
const districts = readJson("district-features");
const container = document.getElementById("cluster-map");
const panel = document.querySelector(".map-panel");

const map = L.map(container, {
  minZoom: config.minZoom,
  maxZoom: config.maxZoom,
  zoomSnap: 0.25,
  maxBounds: L.latLngBounds(config.bounds).pad(0.5),
  zoomControl: false,
});
// On a phone an open popup spans the map's top: the zoom buttons move out of its way.
L.control.zoom({ position: container.clientWidth < 500 ? "bottomleft" : "topleft" }).addTo(map);
// Browser tests turn a place into the pixel a user would click.
container.layoutMap = map;
map.attributionControl.addAttribution(text.attribution);

const withTiles = addTileLayer(map, config.tileLayer);
const districtLayer = L.geoJSON(districts, { style: () => districtStyle(withTiles), interactive: false });
// The view is set before any layer is added: Leaflet queues layers added to a map without a
// view, and a path can then run before its renderer is ready.
fitShanghai();
districtLayer.addTo(map);
const districtByAdcode = new Map(districts.features.map((feature) => [feature.properties.adcode, feature]));

function popupOptions() {
  // On a phone the popup spans the map; on wider screens it keeps clear of the zoom buttons.
  const narrow = container.clientWidth < 500;
  return {
    maxWidth: narrow ? container.clientWidth - 70 : 300,
    minWidth: Math.min(220, container.clientWidth - 70),
    autoPanPaddingTopLeft: L.point(narrow ? 8 : 52, 12),
    autoPanPaddingBottomRight: L.point(8, 24),
  };
}

function bindCluster(layer, feature, colour, baseStyle, located) {
  layer.bindPopup(() => clusterPopup(feature, text, colour), popupOptions());
  layer.bindTooltip(clusterName(feature), { sticky: true, className: "cluster-tooltip" });
  layer.on("mouseover", () => {
    layer.setStyle(HIGHLIGHT);
    // An unlocated cluster covers its whole district: raising it would hide located ones.
    if (located) layer.bringToFront();
  });
  layer.on("mouseout", () => layer.setStyle(baseStyle));
}

// Clusters whose location is not published: their whole district, hatched in the chain colour.
for (const feature of clusters.features.filter((f) => !f.geometry)) {
  const district = districtByAdcode.get(feature.properties.district.adcode);
  if (!district || !district.geometry) continue;
  const colour = clusterColour(feature, config.unclassifiedColour);
  const style = unlocatedStyle(colour);
  const layer = L.geoJSON(district.geometry, { style }).addTo(map);
  bindCluster(layer, feature, colour, style, false);
  tagPaths(layer, feature.properties.slug);
}

L.geoJSON({ type: "FeatureCollection", features: clusters.features.filter((f) => f.geometry) }, {
  style: (feature) => clusterStyle(feature, clusterColour(feature, config.unclassifiedColour)),
  onEachFeature: (feature, layer) => {
    const colour = clusterColour(feature, config.unclassifiedColour);
    bindCluster(layer, feature, colour, clusterStyle(feature, colour), true);
    layer.on("add", () => tagPaths(layer, feature.properties.slug));
  },
}).addTo(map);

// District names, at the point inside each district where they read best; hidden while the
// district is drawn smaller than its name.
const labels = config.districtLabels.map((label) => {
  const tooltip = L.tooltip({ permanent: true, direction: "center", className: "district-label", interactive: false })
    .setLatLng(label.latlng)
    .setContent(element("span", null, label.name))
    .addTo(map);
  const district = districtByAdcode.get(label.adcode);
  const bounds = district && district.geometry ? L.geoJSON(district.geometry).getBounds() : null;
  return { tooltip, bounds };
});

function fitLabels() {
  for (const { tooltip, bounds } of labels) {
    const node = tooltip.getElement();
    if (!node || !bounds) continue;
    const topLeft = map.latLngToContainerPoint(bounds.getNorthWest());
    const bottomRight = map.latLngToContainerPoint(bounds.getSouthEast());
    const fits = node.offsetWidth < (bottomRight.x - topLeft.x) * 0.9 && node.offsetHeight < bottomRight.y - topLeft.y;
    node.classList.toggle("district-label-hidden", !fits);
  }
}

function fitShanghai() {
  // On wide screens the panel floats over the map's right side: keep Shanghai clear of it.
  const overlaid = panel && getComputedStyle(panel).position === "absolute";
  const right = overlaid ? panel.offsetWidth + 24 : 12;
  map.fitBounds(districtLayer.getBounds(), { paddingTopLeft: [12, 12], paddingBottomRight: [right, 20] });
}

map.on("zoomend", fitLabels);
// The name tooltip would only repeat the open popup's title.
map.on("popupopen", () => container.classList.add("popup-open"));
map.on("popupclose", () => container.classList.remove("popup-open"));
fitLabels();
container.dataset.ready = "true";

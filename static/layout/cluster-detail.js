// The small map of a cluster's page: the cluster within its district.
import {
  addTileLayer, clusterColour, clusterName, clusterStyle, districtStyle, element, readJson, tagPaths,
  unlocatedStyle,
} from "./map-shared.js";

const L = window.L;
const config = readJson("map-config");
const text = config.text;
const feature = readJson("cluster-feature");
const district = readJson("district-feature");
const container = document.getElementById("cluster-detail-map");

const map = L.map(container, { minZoom: config.minZoom, maxZoom: config.maxZoom, zoomSnap: 0.25 });
container.layoutMap = map;
map.attributionControl.addAttribution(text.attribution);

const withTiles = addTileLayer(map, config.tileLayer);
const colour = clusterColour(feature, config.unclassifiedColour);
const located = Boolean(feature.geometry);
// Without a published location the district itself is the cluster's place, hatched.
const districtLayer = L.geoJSON(district, {
  style: located ? { ...districtStyle(withTiles), weight: 2, color: "#52606d" } : unlocatedStyle(colour),
  interactive: !located,
});
// The view is set before any layer is added: Leaflet queues layers added to a map without a
// view, and a path can then run before its renderer is ready.
map.fitBounds(districtLayer.getBounds(), { padding: [12, 12] });
districtLayer.addTo(map);

if (located) {
  // Thicker than on the city map: the cluster is small within its district.
  const clusterLayer = L.geoJSON(feature, { style: { ...clusterStyle(feature, colour), weight: 3, fillOpacity: 0.6 } }).addTo(map);
  clusterLayer.bindTooltip(clusterName(feature), { sticky: true, className: "cluster-tooltip" });
  tagPaths(clusterLayer, feature.properties.slug);
} else {
  districtLayer.bindTooltip(element("span", null, text.locationNotPublished), { sticky: true });
  tagPaths(districtLayer, feature.properties.slug);
}

const anchor = feature.properties.anchor;
if (anchor && anchor.type === "Point") {
  const [lon, lat] = anchor.coordinates;
  L.circleMarker([lat, lon], { radius: 5, color: "#1f2933", weight: 2, fillColor: "#ffffff", fillOpacity: 1 })
    .bindTooltip(element("span", null, text.anchor))
    .addTo(map);
}

// On paper the map is smaller: fit the district again when printing starts and when it ends.
const refit = () => {
  map.invalidateSize({ animate: false });
  map.fitBounds(districtLayer.getBounds(), { padding: [6, 6], animate: false });
};
window.matchMedia("print").addEventListener("change", refit);
window.addEventListener("beforeprint", refit);
window.addEventListener("afterprint", refit);

container.dataset.ready = "true";

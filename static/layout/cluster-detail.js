// The small map of a cluster's page: the cluster within its district, on the basemaps of the city map
// (the district basemap, always there, and the tile layers of settings), the choice kept in ?basemap=.
import {
  clusterColour, clusterName, clusterStyle, districtStyle, element, readJson, tagPaths, unlocatedStyle,
} from "./map-shared.js";
import { LayersControl, escapeHtml, tileFailureNotice, tileLayerFor, watchTiles, withBasemap } from "./basemaps.js";
import { approvalControl, fittedTooltip } from "./map-controls.js";
import { BASEMAP_PARAMETER } from "./map-parameters.js";

const L = window.L;
const config = readJson("map-config");
const text = config.text;
const container = document.getElementById("cluster-detail-map");
// The shapes in WGS-84, and shifted to GCJ-02 when a GCJ-02 basemap (AMap) is offered (null otherwise).
const datums = {
  wgs84: { cluster: readJson("cluster-feature"), district: readJson("district-feature") },
  gcj02: readJson("gcj02-features"),
};
// A GCJ-02 basemap without the shifted shapes would misplace them: not offered.
const basemaps = config.basemaps.filter((basemap) => basemap.datum !== "gcj02" || datums.gcj02);

const map = L.map(container, { minZoom: config.minZoom, maxZoom: config.maxZoom, zoomSnap: 0.25, zoomControl: false });
container.layoutMap = map;
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution(escapeHtml(text.attribution));
L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
const layersControl = basemaps.length ? new LayersControl({ text, basemaps, onBasemap: chooseBasemap }).addTo(map) : null;
map.on("click", () => layersControl && layersControl.close());
if (config.approvalNumber) approvalControl(config.approvalNumber, text).addTo(map);

// The view is set before any layer is added: Leaflet queues layers added to a map without a
// view, and a path can then run before its renderer is ready. (GCJ-02 moves the district by
// half a kilometre: the same view frames it.)
map.fitBounds(L.geoJSON(datums.wgs84.district).getBounds(), { padding: [12, 12] });

let basemap = null;
let basemapLayer = null;
let overlay = null;

// Around a located cluster its district is drawn as on the city map, a little bolder; over tiles, see-through.
function surroundingDistrictStyle() {
  return { ...districtStyle(Boolean(basemapLayer)), weight: 2, color: "#52606d" };
}

// The cluster (or, without a published location, its district hatched), its district and its anchor.
function buildOverlay(datum) {
  const { cluster: feature, district } = datums[datum];
  const colour = clusterColour(feature, config.unclassifiedColour);
  const located = Boolean(feature.geometry);
  const districtLayer = L.geoJSON(district, {
    style: located ? surroundingDistrictStyle() : unlocatedStyle(colour),
    interactive: !located,
  });
  const layers = [districtLayer];
  let tagged = districtLayer;
  if (located) {
    // Thicker than on the city map: the cluster is small within its district.
    const clusterLayer = L.geoJSON(feature, { style: { ...clusterStyle(feature, colour), weight: 3, fillOpacity: 0.6 } });
    clusterLayer.bindTooltip(fittedTooltip(clusterName(feature, "span", config.language)));
    layers.push(clusterLayer);
    tagged = clusterLayer;
  } else {
    districtLayer.bindTooltip(element("span", null, text.locationNotPublished), { sticky: true });
  }
  const anchor = feature.properties.anchor;
  if (anchor && anchor.type === "Point") {
    const [lon, lat] = anchor.coordinates;
    layers.push(L.circleMarker([lat, lon], { radius: 5, color: "#1f2933", weight: 2, fillColor: "#ffffff", fillOpacity: 1 })
      .bindTooltip(element("span", null, text.anchor)));
  }
  const group = L.layerGroup(layers);
  group.on("add", () => tagPaths(tagged, feature.properties.slug));
  return { datum, group, districtLayer, located };
}

function showOverlay(datum) {
  if (overlay && overlay.datum === datum) {
    if (overlay.located) overlay.districtLayer.setStyle(surroundingDistrictStyle());
    return;
  }
  if (overlay) overlay.group.remove();
  overlay = buildOverlay(datum);
  overlay.group.addTo(map);
  container.dataset.datum = datum;
}

// A tile basemap that does not load says so, offers ours, and leaves the address meanwhile.
const tilesNotice = tileFailureNotice(container, text, () => chooseBasemap(""));

function watchFailure(layer, shown) {
  const address = (id) => window.history.replaceState(null, "", withBasemap(window.location.href, id));
  return watchTiles(layer, {
    onFail: () => {
      if (basemap !== shown) return;
      tilesNotice.show(shown);
      address("");
    },
    onRecover: () => {
      if (basemap !== shown) return;
      tilesNotice.hide();
      address(shown.id);
    },
  });
}

function showBasemap(id) {
  basemap = basemaps.find((b) => b.id === id) || null;
  if (basemapLayer) basemapLayer.remove();
  tilesNotice.hide();
  basemapLayer = basemap ? watchFailure(tileLayerFor(basemap), basemap).addTo(map) : null;
  showOverlay(basemap && basemap.datum === "gcj02" ? "gcj02" : "wgs84");
  if (layersControl) layersControl.show(basemap ? basemap.id : "");
  // The links back to the map keep the basemap, as the address does.
  for (const link of document.querySelectorAll("a[data-keeps-basemap]")) {
    link.setAttribute("href", withBasemap(link.getAttribute("href"), basemap ? basemap.id : ""));
  }
}

// Replaced, not pushed: a basemap is a way of looking at this page, and Back should leave it.
function chooseBasemap(id) {
  showBasemap(id);
  window.history.replaceState(null, "", withBasemap(window.location.href, basemap ? basemap.id : ""));
}

const requested = new URLSearchParams(window.location.search).get(BASEMAP_PARAMETER) || "";
showBasemap(requested);
// A basemap this site does not offer (any more) is dropped from the address, not obeyed.
if (requested && !basemap) window.history.replaceState(null, "", withBasemap(window.location.href, ""));

// On paper the map is smaller: fit the district again when printing starts and when it ends.
const refit = () => {
  map.invalidateSize({ animate: false });
  map.fitBounds(overlay.districtLayer.getBounds(), { padding: [6, 6], animate: false });
};
window.matchMedia("print").addEventListener("change", refit);
window.addEventListener("beforeprint", refit);
window.addEventListener("afterprint", refit);

container.dataset.ready = "true";

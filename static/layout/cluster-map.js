// The map of the home page: districts drawn from our own data as the basemap, clusters coloured by
// chain, with filters, search, the list beside the map, projects, basemaps and the state in the address.
import {
  HIGHLIGHT, bilingualName, clusterColour, clusterName, clusterPopup, clusterStyle, districtStyle, element, readJson,
  tagPaths, unlocatedStyle,
} from "./map-shared.js";
import { fill } from "./map-format.js";
import { parseState, pushState, replaceState } from "./map-state.js";
import { clusterMatches, isFiltered, projectMatches, summary } from "./map-filters.js";
import { setUpSearch } from "./map-search.js";
import { LayersControl, datumLoader, escapeHtml, tileLayerFor, wgs84ToGcj02, withBasemap } from "./basemaps.js";
import { ButtonBar, ElementControl, approvalControl, fullscreenToggle, messageLine } from "./map-controls.js";

const L = window.L;
const config = readJson("map-config");
const text = config.text;
const data = readJson("map-data");
// The clusters and the districts are answers of their own (cached, compressed; the districts a static
// file), not inside the page: the addresses come with the page's config.
async function fetchGeoJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
let clusters;
let districts;
try {
  [clusters, districts] = await Promise.all([fetchGeoJson(config.clustersUrl), fetchGeoJson(config.districtsUrl)]);
} catch (error) {
  document.getElementById("cluster-map").textContent = text.dataFailed;
  throw error;
}
// The embed bridge names clusters from the same features.
export const clusterFeatures = clusters;
const container = document.getElementById("cluster-map");
const layout = document.querySelector(".map-layout");
const mapArea = container.parentElement;
const panel = document.getElementById("map-panel");
const narrow = window.matchMedia("(max-width: 760px)");
const SELECTED = { weight: 4.5, color: "#102a43", opacity: 1 };
// Embedded in another site's page (/embed/, layout/embed.py): only the controls asked for, links to the
// full site in a new tab, and the address replaced, never pushed: an iframe's history entries would
// become the host page's Back button.
const embed = config.embed || null;
const shows = (control) => !embed || embed.controls.includes(control);

const featureBySlug = new Map(clusters.features.map((feature) => [feature.properties.slug, feature]));
const slugs = [...featureBySlug.keys()];
const facets = data.clusters;
const listItems = new Map([...document.querySelectorAll(".cluster-item")].map((li) => [li.dataset.slug, li]));
const known = {
  chain: new Set(data.filters.chains.map((choice) => choice.value)),
  category: new Set(data.filters.categories.map((choice) => choice.value)),
  district: new Set(data.filters.districts.map((choice) => choice.value)),
  cluster: new Set(slugs),
  basemap: new Set(config.basemaps.map((basemap) => basemap.id)),
  bounds: config.bounds,
  compareMax: config.compareMax,
};

let state = parseState(window.location.search, known);
// /embed/clusters/<slug>/ opens its cluster.
if (embed && embed.cluster && !state.cluster && known.cluster.has(embed.cluster)) {
  state = { ...state, cluster: embed.cluster };
}
// True while the page itself changes the map to show a state: nothing it does is a visitor's step.
let applying = false;
let ready = false;
let returnFocusTo = null;

// ---- The map and its controls ----

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
const say = messageLine(mapArea);

const drawerToggle = document.querySelector(".drawer-toggle");
const legend = document.querySelector(".map-legend");
// On a phone an open popup spans the map's top: the buttons keep to the bottom left, out of its way.
const buttonCorner = narrow.matches ? "bottomleft" : "topleft";
if (drawerToggle) new ElementControl({ position: "topleft", element: drawerToggle }).addTo(map);
L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
if (shows("zoom")) {
  L.control.zoom({ position: buttonCorner, zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
}
const barButtons = [
  { control: "home", className: "map-home", label: text.home, icon: "home", onClick: () => fitShanghai(true) },
  { control: "locate", className: "map-locate", label: text.locate, icon: "locate", onClick: locate },
  { control: "fullscreen", className: "map-fullscreen", label: text.fullscreen, icon: "fullscreen", onClick: () => toggleFullscreen() },
].filter((button) => shows(button.control));
const buttons = barButtons.length ? new ButtonBar({ position: buttonCorner, buttons: barButtons }).addTo(map) : null;
const toggleFullscreen = shows("fullscreen")
  ? fullscreenToggle(layout, map, text, buttons.buttons["map-fullscreen"]) : () => {};
const layersControl = shows("layers") ? new LayersControl({
  text,
  basemaps: config.basemaps,
  onBasemap: (id) => commit({ ...state, basemap: id }),
  onProjects: (on) => commit({ ...state, projects: on }),
}).addTo(map) : null;
map.on("click", () => layersControl && layersControl.close());
if (config.approvalNumber) approvalControl(config.approvalNumber, text).addTo(map);
if (legend) {
  // Open where the map has room beside it; a button to open it elsewhere.
  if (container.clientWidth < 760) legend.open = false;
  new ElementControl({ position: "bottomright", element: legend }).addTo(map);
}

// ---- Overlays, drawn in the basemap's datum ----

// WGS-84 comes with the page; GCJ-02 is fetched from the API the first time a GCJ-02 basemap is chosen.
const datums = { wgs84: { districts, clusters } };
const loadGcj02 = datumLoader(config.gcj02);
let datum = "wgs84";
let overlay = null;
let basemapId = "";
let basemapLayer = null;

function popupOptions() {
  // On a phone the popup spans the map; on wider screens it keeps clear of the buttons.
  const small = container.clientWidth < 500;
  return {
    maxWidth: small ? container.clientWidth - 70 : 300,
    minWidth: Math.min(220, container.clientWidth - 70),
    autoPanPaddingTopLeft: L.point(small ? 8 : 52, small ? 56 : 12),
    autoPanPaddingBottomRight: L.point(8, 24),
  };
}

function buildOverlay(datumName) {
  const set = datums[datumName];
  const districtGeometry = new Map(set.districts.features.map((f) => [f.properties.adcode, f.geometry]));
  const clusterGeometry = new Map(set.clusters.features.map((f) => [f.properties.slug, f.geometry]));
  const districtLayer = L.geoJSON(set.districts, { style: () => districtStyle(Boolean(basemapLayer)), interactive: false });
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
    layer.bindPopup(() => clusterPopup(feature, text, colour), popupOptions());
    layer.bindTooltip(clusterName(feature), { sticky: true, className: "cluster-tooltip" });
    layer.on("mouseover", () => hover(slug, true));
    layer.on("mouseout", () => hover(slug, false));
    layer.on("popupopen", (event) => popupOpened(slug, event.popup));
    layer.on("popupclose", () => popupClosed(slug));
    layer.on("add", () => tagPaths(layer, slug));
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

function attachOverlay(next) {
  if (overlay) {
    const wasApplying = applying;
    applying = true;
    map.closePopup();
    applying = wasApplying;
    overlay.districtLayer.remove();
    for (const entry of overlay.entries.values()) entry.layer.remove();
    for (const label of overlay.labels) label.tooltip.remove();
    overlay.projects.remove();
  }
  overlay = next;
  datum = next.datum;
  overlay.districtLayer.addTo(map);
  for (const label of overlay.labels) label.tooltip.addTo(map);
  container.dataset.datum = datum;
}

function restack() {
  // A cluster whose location is not published covers its district: it stays under the located ones.
  for (const entry of overlay.entries.values()) {
    if (!entry.located && map.hasLayer(entry.layer)) entry.layer.bringToBack();
  }
  overlay.districtLayer.bringToBack();
}

function restyle(entry) {
  const selected = entry.slug === state.cluster;
  entry.layer.setStyle({ ...entry.style, ...(selected ? SELECTED : {}), ...(entry.hovered ? HIGHLIGHT : {}) });
}

function hover(slug, on) {
  const entry = overlay.entries.get(slug);
  if (!entry) return;
  entry.hovered = on;
  restyle(entry);
  if (on && entry.located && map.hasLayer(entry.layer)) entry.layer.bringToFront();
  const item = listItems.get(slug);
  if (item) item.classList.toggle("is-hovered", on);
}

function fitLabels() {
  for (const { tooltip, bounds } of overlay.labels) {
    const node = tooltip.getElement();
    if (!node || !bounds) continue;
    const topLeft = map.latLngToContainerPoint(bounds.getNorthWest());
    const bottomRight = map.latLngToContainerPoint(bounds.getSouthEast());
    const fits = node.offsetWidth < (bottomRight.x - topLeft.x) * 0.9 && node.offsetHeight < bottomRight.y - topLeft.y;
    node.classList.toggle("district-label-hidden", !fits);
  }
}

// ---- Views ----

// Room for what covers the map's edges: the drawer button and the buttons on a phone, the open legend elsewhere.
function fitPadding() {
  if (narrow.matches) return { paddingTopLeft: [46, 52], paddingBottomRight: [8, 20] };
  const legendWidth = legend && legend.open ? legend.offsetWidth + 12 : 12;
  return { paddingTopLeft: [48, 12], paddingBottomRight: [legendWidth, 20] };
}

function fitShanghai(animate = false) {
  map.fitBounds(overlay ? overlay.districtLayer.getBounds() : L.latLngBounds(config.bounds),
    { ...fitPadding(), animate });
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

function fitEntries(entries, animate, maxZoom = 11.5) {
  const bounds = boundsOf(entries);
  if (bounds) map.fitBounds(bounds, { ...fitPadding(), maxZoom, animate });
  return Boolean(bounds);
}

function setViewFor(currentState, animate) {
  if (currentState.view) {
    map.setView([currentState.view.lat, currentState.view.lng], currentState.view.zoom, { animate });
  } else if (currentState.cluster && overlay.entries.has(currentState.cluster)) {
    fitEntries([overlay.entries.get(currentState.cluster)], animate);
  } else if (!isFiltered(currentState) || !fitEntries(visibleEntries(), animate)) {
    fitShanghai(animate);
  }
}

// Runs `then` once the map has stopped moving (or at once when it had nowhere to go).
function afterMove(then) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    map.off("moveend", run);
    then();
  };
  map.on("moveend", run);
  setTimeout(run, 900);
}

// ---- Filters: map, list, legend and totals follow them ----

function visibleSlugs(currentState = state) {
  return new Set(slugs.filter((slug) => clusterMatches(facets[slug], currentState)));
}

function visibleEntries() {
  const visible = visibleSlugs();
  return [...overlay.entries.values()].filter((entry) => visible.has(entry.slug));
}

const form = document.getElementById("map-filter-form");
const noMatch = document.querySelector(".cluster-list .no-match");
const drawerCount = document.querySelector(".drawer-toggle-count");

function showFilter() {
  const visible = visibleSlugs();
  for (const entry of overlay.entries.values()) {
    const on = visible.has(entry.slug);
    if (on && !map.hasLayer(entry.layer)) entry.layer.addTo(map);
    else if (!on && map.hasLayer(entry.layer)) entry.layer.remove();
  }
  restack();
  for (const [slug, item] of listItems) item.hidden = !visible.has(slug);
  if (noMatch) noMatch.hidden = visible.size > 0;
  if (drawerCount) drawerCount.textContent = `(${visible.size})`;
  const shownFeatures = slugs.filter((slug) => visible.has(slug)).map((slug) => featureBySlug.get(slug));
  if (form) {
    for (const name of ["chain", "category", "district"]) form.elements[name].value = state[name];
    const totals = summary(shownFeatures, slugs.length, text, config.language);
    document.querySelector(".summary-shown").textContent = visible.size ? totals.shown : text.noMatch;
    for (const name of ["space", "investment", "scenarios"]) {
      const row = document.querySelector(`.summary-${name}`);
      row.hidden = !visible.size;
      row.querySelector("dd").textContent = totals[name];
    }
  }
  const projectPlaces = showProjects();
  showLegend(shownFeatures, state.projects && projectPlaces > 0);
}

function showLegend(shownFeatures, projectsShown) {
  const props = shownFeatures.map((f) => f.properties);
  const present = new Set();
  for (const [index, p] of props.entries()) {
    present.add(p.primary_chain ? `chain:${p.primary_chain.slug}` : "unclassified");
    const geometry = shownFeatures[index].geometry;
    if (!geometry) present.add("unlocated");
    else present.add(p.boundary_status === "official" ? "official" : "indicative");
  }
  if (projectsShown) present.add("projects");
  for (const item of document.querySelectorAll(".legend-items [data-legend]")) {
    item.hidden = !present.has(item.dataset.legend);
  }
}

function setFilter(filters) {
  const next = { ...state, ...filters };
  if (next.cluster && !clusterMatches(facets[next.cluster], next)) next.cluster = "";
  commit(next);
  if (!fitEntries(visibleEntries(), true)) fitShanghai(true);
}

if (form) {
  form.addEventListener("change", (event) => {
    const { name, value } = event.target;
    if (!["chain", "category", "district"].includes(name)) return;
    setFilter({ [name]: value });
  });
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    commit({ ...state, chain: "", category: "", district: "" });
    fitShanghai(true);
  });
}

// ---- Selection: the list and the map highlight the same cluster ----

function markSelected() {
  for (const [slug, item] of listItems) {
    const selected = slug === state.cluster;
    item.classList.toggle("is-selected", selected);
    const button = item.querySelector(".cluster-select");
    if (selected) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
    if (selected && !drawerHidden()) item.scrollIntoView({ block: "nearest" });
  }
  for (const entry of overlay.entries.values()) restyle(entry);
  const selected = overlay.entries.get(state.cluster);
  if (selected && selected.located && map.hasLayer(selected.layer)) selected.layer.bringToFront();
}

function closeClusterPopups(except) {
  for (const entry of overlay.entries.values()) {
    if (entry.slug !== except && entry.layer.isPopupOpen()) entry.layer.closePopup();
  }
}

function openPopupOf(slug, { autoPan }) {
  const entry = overlay.entries.get(slug);
  if (!entry || !map.hasLayer(entry.layer)) return null;
  const popup = entry.layer.getPopup();
  popup.options.autoPan = autoPan;
  entry.layer.openPopup(entry.point ? L.latLng(entry.point) : entry.layer.getBounds().getCenter());
  popup.options.autoPan = true;
  return popup;
}

function popupOpened(slug, popup) {
  const root = popup.getElement();
  const close = root && root.querySelector(".leaflet-popup-close-button");
  if (close) {
    close.setAttribute("aria-label", text.closePopup);
    close.title = text.closePopup;
  }
  const content = root && root.querySelector(".cluster-popup");
  if (content) {
    content.tabIndex = -1;
    content.setAttribute("role", "group");
    const heading = content.querySelector("h3");
    heading.id = `popup-title-${slug}`;
    content.setAttribute("aria-labelledby", heading.id);
  }
  if (root) linkDetailPages(root);
  if (embed && root) {
    for (const link of root.querySelectorAll("a[href]")) {
      link.target = "_blank";
      link.rel = "noopener";
    }
  }
  container.classList.add("popup-open");
  if (applying || state.cluster === slug) {
    markSelected();
    return;
  }
  state = { ...state, cluster: slug, view: currentView() };
  recordStep(state);
  markSelected();
}

function popupClosed(slug) {
  container.classList.remove("popup-open");
  if (applying) return;
  // Opening another cluster's popup closes this one first: wait to see whether that is what happened.
  queueMicrotask(() => {
    const entry = overlay.entries.get(slug);
    if (state.cluster !== slug || (entry && entry.layer.isPopupOpen())) return;
    state = { ...state, cluster: "", view: currentView() };
    recordStep(state);
    markSelected();
    restoreFocus();
  });
}

function restoreFocus() {
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  if (returnFocusTo && document.contains(returnFocusTo) && returnFocusTo.offsetParent !== null) returnFocusTo.focus();
  returnFocusTo = null;
}

container.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && event.target.closest && event.target.closest(".leaflet-popup")) {
    event.stopPropagation();
    const back = returnFocusTo;
    map.closePopup();
    if (back && document.contains(back) && back.offsetParent !== null) back.focus();
    else container.focus();
  }
});

// A cluster chosen in the list or the search: shown (filters that hide it are lifted), flown to, opened.
function chooseCluster(slug, invoker, { focus = true } = {}) {
  let next = { ...state, cluster: slug };
  if (!clusterMatches(facets[slug], next)) next = { ...next, chain: "", category: "", district: "" };
  returnFocusTo = invoker || null;
  commit(next, { openSelection: false });
  setDrawer(false, { returnFocus: false });
  const entry = overlay.entries.get(slug);
  if (!entry) return;
  fitEntries([entry], true);
  afterMove(() => {
    if (state.cluster !== slug) return;
    const popup = openPopupOf(slug, { autoPan: true });
    const content = popup && popup.getElement() && popup.getElement().querySelector(".cluster-popup");
    if (content && focus) content.focus({ preventScroll: true });
  });
}

for (const [slug, item] of listItems) {
  const button = item.querySelector(".cluster-select");
  button.addEventListener("click", () => chooseCluster(slug, button));
  item.addEventListener("mouseenter", () => hover(slug, true));
  item.addEventListener("mouseleave", () => hover(slug, false));
  button.addEventListener("focus", () => hover(slug, true));
  button.addEventListener("blur", () => hover(slug, false));
}

// ---- Comparison: a checkbox per cluster, a link to the compare page ----

const compareChecks = [...document.querySelectorAll(".compare-check")];
const compareHint = document.querySelector(".compare-hint");
const compareLink = document.querySelector(".compare-link");

function showCompare() {
  const full = state.compare.length >= config.compareMax;
  for (const check of compareChecks) {
    check.checked = state.compare.includes(check.value);
    check.disabled = full && !check.checked;
  }
  if (!compareLink) return;
  const enough = state.compare.length >= config.compareMin;
  compareLink.hidden = !enough;
  compareLink.parentElement.classList.toggle("is-ready", enough);
  if (enough) {
    compareLink.href = `${config.compareUrl}?clusters=${state.compare.join(",")}`;
    compareLink.textContent = `${fill(text.compareLink, { count: state.compare.length })} →`;
  }
  compareHint.textContent = full
    ? fill(text.compareFull, { max: config.compareMax })
    : fill(text.compareHint, { min: config.compareMin, max: config.compareMax });
  compareHint.hidden = enough && !full;
}

for (const check of compareChecks) {
  check.addEventListener("change", () => {
    const others = state.compare.filter((slug) => slug !== check.value);
    commit({ ...state, compare: check.checked ? [...others, check.value] : others });
  });
}

// ---- Projects layer: a marker where projects are placed (their cluster, else their district) ----

function projectPopup(projects) {
  const root = element("div", "project-popup");
  root.append(element("h3", null, fill(text.projectsMarker, { count: projects.length })));
  for (const project of projects) {
    const item = element("section", "project-popup-item");
    const name = bilingualName(project.name_zh, project.name_en, "h4");
    item.append(name, element("p", "project-place", project.placeText));
    const facts = element("dl", "popup-facts");
    for (const [label, value, className] of [
      [text.company, project.company || text.notPublished, "fact-company"],
      [text.sector, project.sectorText, "fact-sector"],
      [text.investment, project.investmentText, "fact-investment"],
      [text.figures, project.figures || text.notPublished, "fact-figures"],
      [text.source, project.source || text.notPublished, "fact-source"],
    ]) {
      const row = element("div", className);
      row.append(element("dt", null, label), element("dd", null, value));
      facts.append(row);
    }
    item.append(facts);
    root.append(item);
  }
  return root;
}

function showProjects() {
  const group = overlay.projects;
  group.clearLayers();
  const places = new Map();
  for (const project of data.projects) {
    if (!project.point || !project.place || !projectMatches(project, facets, state)) continue;
    if (!places.has(project.place)) places.set(project.place, []);
    places.get(project.place).push(project);
  }
  for (const projects of places.values()) {
    const html = element("span", "project-marker-body");
    html.append(element("span", "project-marker-count", projects.length));
    html.append(element("span", "visually-hidden", fill(text.projectsMarker, { count: projects.length })));
    const marker = L.marker(projects[0].point[overlay.datum], {
      icon: L.divIcon({ className: "project-marker", html, iconSize: [26, 26], iconAnchor: [13, -6] }),
      keyboard: true,
      riseOnHover: true,
    });
    marker.bindPopup(() => projectPopup(projects), { ...popupOptions(), offset: L.point(0, 6) });
    marker.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", text.closePopup);
    });
    group.addLayer(marker);
  }
  if (state.projects && !map.hasLayer(group)) group.addTo(map);
  if (!state.projects && map.hasLayer(group)) group.remove();
  container.dataset.projects = String(state.projects ? places.size : 0);
  return places.size;
}

// ---- Basemaps: a GCJ-02 basemap (AMap) gets every overlay shifted to GCJ-02 ----

function showBasemap() {
  const basemap = config.basemaps.find((b) => b.id === state.basemap) || null;
  const wanted = basemap ? basemap.id : "";
  if (wanted !== basemapId) {
    if (basemapLayer) basemapLayer.remove();
    basemapLayer = basemap ? tileLayerFor(basemap).addTo(map) : null;
    basemapId = wanted;
    overlay.districtLayer.setStyle(districtStyle(Boolean(basemapLayer)));
  }
  if (layersControl) layersControl.show(state.basemap, state.projects);
  linkDetailPages(document);
  const wantedDatum = basemap && basemap.datum === "gcj02" ? "gcj02" : "wgs84";
  if (wantedDatum === datum) return;
  if (datums[wantedDatum]) {
    redraw(wantedDatum);
    return;
  }
  container.dataset.datum = `${wantedDatum}-loading`;
  loadGcj02().then((sets) => {
    datums.gcj02 = sets;
    const stillWanted = (config.basemaps.find((b) => b.id === state.basemap) || {}).datum === "gcj02";
    if (stillWanted && datum !== "gcj02") redraw("gcj02");
    else container.dataset.datum = datum;
  }).catch(() => {
    // Misplaced overlays would mislead: back to the district basemap, which needs no shift.
    say(text.datumFailed);
    state = { ...state, basemap: "" };
    recordView(state);
    applyState(state, { restoring: false });
  });
}

// Links to a cluster's page carry the basemap, so that its small map opens on the same one.
function linkDetailPages(scope) {
  for (const link of scope.querySelectorAll("a.popup-link, a.cluster-link")) {
    link.setAttribute("href", withBasemap(link.getAttribute("href"), basemapId));
  }
}

function redraw(datumName) {
  const next = buildOverlay(datumName);
  attachOverlay(next);
  const wasApplying = applying;
  applying = true;
  showFilter();
  if (state.cluster) openPopupOf(state.cluster, { autoPan: false });
  markSelected();
  applying = wasApplying;
  fitLabels();
}

// ---- Locate me ----

let located = null;

function locate() {
  say("");
  map.locate({ setView: false, enableHighAccuracy: true, timeout: 15000 });
}

map.on("locationfound", (event) => {
  if (located) located.remove();
  if (!L.latLngBounds(config.bounds).contains(event.latlng)) {
    say(text.locateOutside);
    return;
  }
  // The browser gives WGS-84: on a GCJ-02 basemap the dot is shifted like every other overlay.
  const latlng = datum === "gcj02" ? L.latLng(wgs84ToGcj02(event.latlng.lat, event.latlng.lng)) : event.latlng;
  located = L.layerGroup([
    L.circle(latlng, { radius: event.accuracy, weight: 1, color: "#1d4e89", fillOpacity: 0.1, interactive: false }),
    L.circleMarker(latlng, { radius: 6, weight: 2, color: "#fff", fillColor: "#1d4e89", fillOpacity: 1, interactive: false }),
  ]).addTo(map);
  map.setView(latlng, Math.max(map.getZoom(), 13));
  say(fill(text.youAreHere, { metres: Math.round(event.accuracy) }));
});
map.on("locationerror", (event) => say(fill(text.locateFailed, { reason: event.message })));

// ---- The drawer (phones): the panel slides over the map ----

function drawerHidden() {
  return narrow.matches && !layout.classList.contains("drawer-open");
}

function setDrawer(open, { returnFocus = true } = {}) {
  if (!drawerToggle || (!narrow.matches && open)) return;
  layout.classList.toggle("drawer-open", open);
  drawerToggle.setAttribute("aria-expanded", String(open));
  if (open) document.getElementById("map-panel-title").focus();
  else if (returnFocus && narrow.matches) drawerToggle.focus();
  map.invalidateSize();
}

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
  map.invalidateSize();
});

// ---- Search ----

if (document.getElementById("map-search-input")) setUpSearch({
  input: document.getElementById("map-search-input"),
  status: document.getElementById("map-search-status"),
  results: document.getElementById("map-search-results"),
  index: data.search,
  text,
  onChoose: (entry) => {
    const target = entry.target;
    if (target.cluster) {
      chooseCluster(target.cluster, document.getElementById("map-search-input"));
    } else if (target.chain) {
      commit({ ...state, chain: target.chain, category: "", district: "", cluster: "" });
      setDrawer(false, { returnFocus: false });
      if (!fitEntries(visibleEntries(), true)) fitShanghai(true);
    } else if (target.district) {
      // A step of its own, so Back returns to where the map was.
      const next = { ...state };
      if (next.cluster && facets[next.cluster].district !== target.district) next.cluster = "";
      commit(next, { force: true });
      setDrawer(false, { returnFocus: false });
      const bounds = overlay.districtBounds.get(target.district);
      if (bounds) map.fitBounds(bounds, { ...fitPadding(), maxZoom: 13, animate: true });
      flashDistrict(target.district);
    }
  },
});

function flashDistrict(adcode) {
  overlay.districtLayer.eachLayer((layer) => {
    if (layer.feature.properties.adcode !== adcode) return;
    layer.setStyle({ weight: 4, color: "#102a43" });
    setTimeout(() => overlay.districtLayer.resetStyle(layer), 2500);
  });
}

// ---- State: one history entry per step, the view kept in the current entry ----

// Every entry records the view it was left at, so that Back returns to it.
function currentView() {
  if (!ready) return state.view;
  const center = map.getCenter();
  return { lat: center.lat, lng: center.lng, zoom: map.getZoom() };
}

// A visitor's step: a history entry of its own (in an embed, the address only follows it).
function recordStep(next) {
  if (embed) replaceState(next, embed.keep);
  else pushState(next);
  announce();
}

function recordView(next) {
  replaceState(next, embed ? embed.keep : []);
}

// Tells the page's other scripts (static/layout/embed-bridge.js) what the map shows now.
function announce() {
  container.dispatchEvent(new CustomEvent("layout:statechange", { detail: currentMapState() }));
}

export function currentMapState() {
  return { ...state, compare: [...state.compare], view: state.view ? { ...state.view } : null };
}

function commit(next, { openSelection = true, force = false } = {}) {
  state = { ...next, view: currentView() };
  if (force && !embed) window.history.pushState(null, "", window.location.href);
  recordStep(state);
  applyState(state, { restoring: false, openSelection });
}

function applyState(next, { restoring, openSelection = true }) {
  applying = true;
  state = next;
  showBasemap();
  showFilter();
  showCompare();
  closeClusterPopups(openSelection ? state.cluster : "");
  if (state.cluster && openSelection) {
    const entry = overlay.entries.get(state.cluster);
    if (entry && !entry.layer.isPopupOpen()) openPopupOf(state.cluster, { autoPan: !restoring && !state.view });
  }
  markSelected();
  if (restoring) setViewFor(state, false);
  applying = false;
  if (ready) announce();
}

// Marked while the map moves, so that tests (and styles) can wait for it to settle.
map.on("movestart", () => { container.dataset.moving = "true"; });
map.on("moveend", () => {
  delete container.dataset.moving;
  if (!ready) return;
  state = { ...state, view: currentView() };
  recordView(state);
});
map.on("zoomend", () => overlay && fitLabels());

// Commands from the page's other scripts (the embed bridge passes on a host page's messages). Values
// the map does not know are ignored, as in an address; the focus stays where the reader has it.
container.addEventListener("layout:select-cluster", (event) => {
  const slug = event.detail && event.detail.slug;
  if (!slug) {
    if (state.cluster) commit({ ...state, cluster: "" });
  } else if (known.cluster.has(slug)) {
    chooseCluster(slug, null, { focus: false });
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
  setFilter(filters);
});

window.addEventListener("popstate", () => {
  returnFocusTo = null;
  applyState(parseState(window.location.search, known), { restoring: true });
});

// ---- Start: the view is set before any layer is added (Leaflet queues layers added to a map
// without a view, and a path can then run before its renderer is ready). ----

overlay = buildOverlay("wgs84");
setViewFor(state, false);
attachOverlay(overlay);
applyState(state, { restoring: false });
if (state.view) setViewFor(state, false);
fitLabels();
ready = true;
container.dataset.ready = "true";

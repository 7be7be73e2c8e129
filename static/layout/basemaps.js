// Basemaps: our district basemap (no server, always there) and the tile layers of settings.LAYOUT_BASEMAPS,
// in a control of our own (built with textContent: names come from settings), with the projects layer on
// the city map; used by the map page and by the small map of a cluster's page.
import { element } from "./map-shared.js";
import { BASEMAP_PARAMETER } from "./map-parameters.js";

const L = window.L;

// Leaflet writes attributions as HTML: ours (from settings and translations) are text, escaped here.
export function escapeHtml(text) {
  const node = document.createElement("span");
  node.textContent = text || "";
  return node.innerHTML;
}

export function tileLayerFor(basemap) {
  const options = {
    attribution: escapeHtml(basemap.attribution),
    maxZoom: basemap.maxZoom ?? 18,
    subdomains: basemap.subdomains || "abc",
  };
  const tiles = L.tileLayer(basemap.url, options);
  if (!basemap.labelsUrl) return tiles;
  return L.layerGroup([tiles, L.tileLayer(basemap.labelsUrl, options)]);
}

// Tiles that failed with none loaded: the server is out of reach (often, in mainland China and on
// intranets), not a single missing tile.
const FAILED_TILES = 2;

// Calls onFail once a tile basemap's server proves unreachable, and onRecover should a tile load after that.
export function watchTiles(layer, { onFail, onRecover }) {
  let loaded = 0;
  let failed = 0;
  let failing = false;
  for (const tiles of layer.getLayers ? layer.getLayers() : [layer]) {
    tiles.on("tileload", () => {
      loaded += 1;
      if (failing) {
        failing = false;
        onRecover();
      }
    });
    tiles.on("tileerror", () => {
      failed += 1;
      if (loaded || failing || failed < FAILED_TILES) return;
      failing = true;
      onFail();
    });
  }
  return layer;
}

// The notice over a map whose tile basemap does not load, with the way back to the district basemap.
export function tileFailureNotice(parent, text, onSwitch) {
  const notice = element("div", "map-tile-failure");
  notice.setAttribute("role", "alert");
  notice.hidden = true;
  const message = element("p", "map-tile-failure-text");
  const button = element("button", "map-tile-failure-switch", text.tilesFailedSwitch);
  button.type = "button";
  button.addEventListener("click", onSwitch);
  notice.append(message, button);
  // Over the map itself, its clicks kept from the map.
  L.DomEvent.disableClickPropagation(notice);
  parent.append(notice);
  return {
    show(basemap) {
      message.textContent = text.tilesFailed.replace("%(basemap)s", basemap.name);
      notice.hidden = false;
    },
    hide() {
      notice.hidden = true;
    },
  };
}

// The basemap travels in the address (?basemap=amap) from the map to a cluster's page and back;
// the district basemap, the default, leaves no trace. Returns the address relative to this site.
export function withBasemap(address, basemapId) {
  const url = new URL(address, window.location.href);
  if (basemapId) url.searchParams.set(BASEMAP_PARAMETER, basemapId);
  else url.searchParams.delete(BASEMAP_PARAMETER);
  return `${url.pathname}${url.search}${url.hash}`;
}

// GCJ-02 geometries from the API, fetched once when a GCJ-02 basemap is first chosen.
export function datumLoader(urls) {
  let loading = null;
  return () => {
    if (!loading) {
      loading = Promise.all([urls.districts, urls.clusters].map((url) => fetch(url, {
        headers: { Accept: "application/geo+json" },
      }).then((response) => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return response.json();
      }))).then(([districts, clusters]) => ({ districts, clusters }));
      loading.catch(() => { loading = null; });
    }
    return loading;
  };
}

let controlNumber = 0;

// A button that opens a small form: the basemap (radio buttons) and the projects layer (a checkbox).
export const LayersControl = L.Control.extend({
  options: { position: "topright" },

  initialize(options) {
    L.setOptions(this, options);
  },

  onAdd() {
    const { text, basemaps, onBasemap, onProjects } = this.options;
    controlNumber += 1;
    const id = `map-layers-${controlNumber}`;
    const container = element("div", "leaflet-control leaflet-bar map-layers-control");
    const toggle = element("button", "map-layers-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id);
    toggle.setAttribute("aria-label", text.layers);
    toggle.title = text.layers;
    toggle.append(layersIcon());
    const form = element("form", "map-layers-form");
    form.id = id;
    form.hidden = true;

    const basemapSet = element("fieldset");
    basemapSet.append(element("legend", null, text.basemap));
    this._radios = new Map();
    for (const basemap of [{ id: "", name: text.offlineBasemap }, ...basemaps]) {
      const label = element("label");
      const radio = element("input");
      radio.type = "radio";
      radio.name = `${id}-basemap`;
      radio.value = basemap.id;
      radio.addEventListener("change", () => radio.checked && onBasemap(basemap.id));
      label.append(radio, ` ${basemap.name}`);
      basemapSet.append(label);
      this._radios.set(basemap.id, radio);
    }
    form.append(basemapSet);
    // The projects layer is the city map's; a cluster's page offers basemaps only.
    if (onProjects) {
      const overlaySet = element("fieldset");
      overlaySet.append(element("legend", null, text.onTheMap));
      const projectsLabel = element("label");
      this._projects = element("input");
      this._projects.type = "checkbox";
      this._projects.name = "projects";
      this._projects.addEventListener("change", () => onProjects(this._projects.checked));
      projectsLabel.append(this._projects, ` ${text.projectsLayer}`);
      overlaySet.append(projectsLabel);
      form.append(overlaySet);
    }
    form.addEventListener("submit", (event) => event.preventDefault());

    const setOpen = (open) => {
      form.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      container.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", () => setOpen(form.hidden));
    container.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !form.hidden) {
        setOpen(false);
        toggle.focus();
      }
    });
    container.addEventListener("focusout", (event) => {
      if (!container.contains(event.relatedTarget) && event.relatedTarget) setOpen(false);
    });
    container.append(toggle, form);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    this._setOpen = setOpen;
    return container;
  },

  close() {
    if (this._setOpen) this._setOpen(false);
  },

  show(basemapId, projects = false) {
    const radio = this._radios.get(basemapId) || this._radios.get("");
    radio.checked = true;
    if (this._projects) this._projects.checked = projects;
  },
});

function layersIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of ["M12 3 2 8.5 12 14l10-5.5z", "M2 12.5 12 18l10-5.5", "M2 16.5 12 22l10-5.5"]) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

// WGS-84 → GCJ-02 for a point the browser finds itself (locate me); shapes come shifted from the API.
// The published algorithm (as prcoords' wgs_gcj), outside China no shift.
const GCJ_A = 6378245.0;
const GCJ_EE = 0.006693421622965943; // 0.00669342162296594323 as a double

function shiftLat(x, y) {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function shiftLng(x, y) {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

export function wgs84ToGcj02(lat, lng) {
  if (lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271) return [lat, lng];
  const radLat = (lat / 180.0) * Math.PI;
  const magic = 1 - GCJ_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (shiftLat(lng - 105.0, lat - 35.0) * 180.0) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (shiftLng(lng - 105.0, lat - 35.0) * 180.0) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lat + dLat, lng + dLng];
}

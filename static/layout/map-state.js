// The map's state in its address, so that a reload or a shared link opens the same view and Back
// undoes the last step: ?chain=&category=&district=&cluster=&compare=a,b&projects=1&basemap=&view=lat,lon,zoom
// (the language is the path's /zh-hans/ or /en/).
import {
  BASEMAP_PARAMETER, CLUSTER_PARAMETER, COMPARE_PARAMETER, FILTER_PARAMETERS as FILTERS, PROJECTS_PARAMETER,
  VIEW_PARAMETER,
} from "./map-parameters.js";

export const EMPTY_STATE = Object.freeze({
  chain: "",
  category: "",
  district: "",
  cluster: "",
  compare: [],
  projects: false,
  basemap: "",
  view: null,
});

function parseView(value, bounds) {
  const parts = (value || "").split(",").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [lat, lng, zoom] = parts;
  const [[south, west], [north, east]] = bounds;
  // A view far outside Shanghai is a mistyped link, not a view of this map.
  if (lat < south - 1 || lat > north + 1 || lng < west - 1 || lng > east + 1) return null;
  return { lat, lng, zoom };
}

// Values the page does not know (a renamed chain, a draft cluster) are dropped, not obeyed.
export function parseState(search, known) {
  const query = new URLSearchParams(search);
  const state = { ...EMPTY_STATE };
  for (const name of FILTERS) {
    const value = query.get(name) || "";
    state[name] = known[name].has(value) ? value : "";
  }
  const cluster = query.get(CLUSTER_PARAMETER) || "";
  state.cluster = known.cluster.has(cluster) ? cluster : "";
  const compare = (query.get(COMPARE_PARAMETER) || "").split(",").filter((slug) => known.cluster.has(slug));
  state.compare = [...new Set(compare)].slice(0, known.compareMax);
  state.projects = query.get(PROJECTS_PARAMETER) === "1";
  const basemap = query.get(BASEMAP_PARAMETER) || "";
  state.basemap = known.basemap.has(basemap) ? basemap : "";
  state.view = parseView(query.get(VIEW_PARAMETER), known.bounds);
  return state;
}

// keep: names of other parameters of the current address that stay in it (an embed's ?lang=&controls=…).
export function stateQuery(state, keep = []) {
  const current = new URLSearchParams(window.location.search);
  const query = new URLSearchParams();
  for (const name of keep) if (current.has(name)) query.set(name, current.get(name));
  for (const name of FILTERS) if (state[name]) query.set(name, state[name]);
  if (state.cluster) query.set(CLUSTER_PARAMETER, state.cluster);
  if (state.compare.length) query.set(COMPARE_PARAMETER, state.compare.join(","));
  if (state.projects) query.set(PROJECTS_PARAMETER, "1");
  if (state.basemap) query.set(BASEMAP_PARAMETER, state.basemap);
  if (state.view) {
    const { lat, lng, zoom } = state.view;
    query.set(VIEW_PARAMETER, `${lat.toFixed(5)},${lng.toFixed(5)},${Number(zoom.toFixed(2))}`);
  }
  // Commas stay readable in a shared link.
  const text = query.toString().replace(/%2C/g, ",");
  return text ? `?${text}` : "";
}

// path: the page's address in the edition it shows (/en/2025/), so that a shared link keeps showing it.
function addressOf(state, keep, path) {
  return `${path || window.location.pathname}${stateQuery(state, keep)}${window.location.hash}`;
}

// One history entry per step a visitor takes; moving the map only updates the current entry, so
// each entry remembers the view last seen in it and Back returns there.
export function pushState(state, keep = [], path = null) {
  const address = addressOf(state, keep, path);
  if (address !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.pushState(null, "", address);
  }
}

export function replaceState(state, keep = [], path = null) {
  window.history.replaceState(null, "", addressOf(state, keep, path));
}

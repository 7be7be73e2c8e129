// The embedded map (/embed/) and the page that frames it, talking by postMessage: the map tells its
// host what the reader does and obeys the host's documented messages (README, "Embedding").
// Only the page that frames the map, and only when its origin is allowed
// (settings.LAYOUT_EMBED_ALLOWED_ORIGINS, or any origin with "*"), is heard or told anything.
import { currentMapState } from "./cluster-map.js";
import { app } from "./map-app.js";
import { readJson } from "./map-shared.js";
import { FILTER_PARAMETERS as FILTERS } from "./map-parameters.js";

const config = readJson("map-config");
const embed = config.embed;
// The features the map drew (cluster-map.js has read them before this module runs).
const clusters = app.clusters;
const container = document.getElementById("cluster-map");

const featureBySlug = new Map(clusters.features.map((feature) => [feature.properties.slug, feature]));

// As layout/embed.py origin_allowed: "*", an origin, or https://*.example.org for its subdomains;
// our own pages (the embed dialog's preview) always.
export function originAllowed(origin, allowed) {
  if (!origin || origin === "null") return false;
  if (allowed.includes("*") || origin === window.location.origin) return true;
  return allowed.some((pattern) => {
    const wildcard = pattern.indexOf("://*.");
    if (wildcard < 0) return pattern === origin;
    const scheme = pattern.slice(0, wildcard);
    const suffix = pattern.slice(wildcard + "://*".length);
    return origin.startsWith(`${scheme}://`) && origin.endsWith(suffix) && origin.length > `${scheme}://`.length + suffix.length;
  });
}

function originOf(address) {
  try {
    return new URL(address).origin;
  } catch {
    return null;
  }
}

// The framing page's origin: the browser's own record where it keeps one (Chrome, Safari), else
// ?parentOrigin= from the snippet, else the page that loaded the frame (document.referrer).
function findHost() {
  if (window.parent === window) return null;
  const ancestors = window.location.ancestorOrigins;
  const origin = ancestors && ancestors.length ? ancestors[0] : embed.parentOrigin || originOf(document.referrer);
  return originAllowed(origin, embed.allowedOrigins) ? origin : null;
}

const host = findHost();
container.dataset.embedHost = host || "";

function post(message) {
  // Addressed to the host's origin: should the frame have been navigated elsewhere, nothing is delivered.
  if (host) window.parent.postMessage(message, host);
}

function clusterSelected(slug) {
  const feature = featureBySlug.get(slug);
  return {
    type: "layout:cluster-selected",
    slug: feature ? slug : null,
    name: feature ? feature.properties.name : null,
    url: feature ? new URL(feature.properties.url, window.location.href).href : null,
  };
}

function filters(state) {
  return Object.fromEntries(FILTERS.map((name) => [name, state[name]]));
}

let last = currentMapState();

container.addEventListener("layout:statechange", (event) => {
  const state = event.detail;
  if (state.cluster !== last.cluster) post(clusterSelected(state.cluster));
  if (FILTERS.some((name) => state[name] !== last[name])) post({ type: "layout:filter-changed", ...filters(state) });
  last = state;
});

function command(name, detail) {
  container.dispatchEvent(new CustomEvent(name, { detail }));
}

// Reloads the frame in another language, keeping what it shows (the address holds the state) and
// who its host is (after a reload the referrer is the frame itself).
function setLanguage(language) {
  if (!embed.languages.includes(language) || language === embed.language) return;
  const address = new URL(window.location.href);
  address.searchParams.set("lang", language);
  if (host) address.searchParams.set("parentOrigin", host);
  window.location.replace(address.href);
}

function ignore(event, why) {
  console.warn(`layout embed: ignored a message from ${event.origin}: ${why}`);
}

window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || typeof message !== "object" || typeof message.type !== "string" || !message.type.startsWith("layout:")) {
    return;
  }
  if (!host || event.source !== window.parent || event.origin !== host) {
    ignore(event, "only the page that frames the map, from an allowed origin, may drive it");
    return;
  }
  switch (message.type) {
    case "layout:select-cluster":
      command("layout:select-cluster", { slug: typeof message.slug === "string" ? message.slug : null });
      break;
    case "layout:set-filter":
      command("layout:set-filter", Object.fromEntries(FILTERS.filter((name) => name in message)
        .map((name) => [name, message[name] === null ? "" : String(message[name])])));
      break;
    case "layout:set-language":
      setLanguage(String(message.lang || "").toLowerCase());
      break;
    default:
      ignore(event, `unknown type ${message.type}`);
  }
});

post({ type: "layout:ready", lang: embed.language, cluster: last.cluster || null, ...filters(last) });

// The one state object of the map page: what the page was given, what is drawn, and what the
// reader has chosen. Every module of the map reads and writes it here, and nowhere else.

// What the behaviour modules (history, selection, overlays, filters, view, basemap, projects, compare,
// search) do, by name: they call each other through here, not by importing each other, so the modules'
// imports form no cycle (a cycle cannot be given content-hashed names). cluster-map.js fills it.
export const actions = {};

export const app = {
  // Given by the page (static/layout/map-sources.js), set once by initApp.
  config: null,
  text: null,
  data: null,
  clusters: null,
  districts: null,
  embed: null,
  featureBySlug: null,
  slugs: [],
  facets: null,
  known: null,
  // The page around the map.
  container: null,
  layout: null,
  mapArea: null,
  panel: null,
  legend: null,
  drawerToggle: null,
  listItems: new Map(),
  narrow: null,
  // The Leaflet map and its controls.
  map: null,
  layersControl: null,
  say: () => {},
  toggleFullscreen: () => {},
  // What is drawn: the overlays in one datum, the basemap, the reader's position.
  datums: {},
  datum: "wgs84",
  overlay: null,
  basemapId: "",
  basemapLayer: null,
  basemapFailed: "",
  locatedLayer: null,
  // The reader's state (static/layout/map-state.js), and how the page is changing it.
  state: null,
  // True while the page itself changes the map to show a state: nothing it does is a visitor's step.
  applying: false,
  ready: false,
  returnFocusTo: null,
};

export function initApp({ config, data, clusters, districts }) {
  app.config = config;
  app.text = config.text;
  app.data = data;
  app.clusters = clusters;
  app.districts = districts;
  // Embedded in another site's page (/embed/, layout/embed.py): only the controls asked for, links to
  // the full site in a new tab, and the address replaced, never pushed.
  app.embed = config.embed || null;
  app.featureBySlug = new Map(clusters.features.map((feature) => [feature.properties.slug, feature]));
  app.slugs = [...app.featureBySlug.keys()];
  app.facets = data.clusters;
  app.known = {
    chain: new Set(data.filters.chains.map((choice) => choice.value)),
    category: new Set(data.filters.categories.map((choice) => choice.value)),
    district: new Set(data.filters.districts.map((choice) => choice.value)),
    cluster: new Set(app.slugs),
    basemap: new Set(config.basemaps.map((basemap) => basemap.id)),
    bounds: config.bounds,
    compareMax: config.compareMax,
  };
  app.container = document.getElementById("cluster-map");
  app.layout = document.querySelector(".map-layout");
  app.mapArea = app.container.parentElement;
  app.panel = document.getElementById("map-panel");
  app.legend = document.querySelector(".map-legend");
  app.drawerToggle = document.querySelector(".drawer-toggle");
  app.listItems = new Map([...document.querySelectorAll(".cluster-item")].map((li) => [li.dataset.slug, li]));
  app.narrow = window.matchMedia("(max-width: 760px)");
  app.datums = { wgs84: { districts, clusters } };
  return app;
}

export function shows(control) {
  return !app.embed || app.embed.controls.includes(control);
}

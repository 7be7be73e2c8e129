// The map of the home page: districts drawn from our own data as the basemap, clusters coloured by
// chain, with filters, search, the list beside the map, projects, basemaps and the state in the address.
// This module only starts the page; each behaviour has its own module around the one state object
// of static/layout/map-app.js.
import { actions, app, initApp } from "./map-app.js";
import { loadMapSources } from "./map-sources.js";
import { parseState } from "./map-state.js";
import * as basemap from "./map-basemap.js";
import * as compare from "./map-compare.js";
import * as filterForm from "./map-filter-form.js";
import * as find from "./map-find.js";
import * as history from "./map-history.js";
import * as overlays from "./map-overlays.js";
import * as projects from "./map-projects.js";
import * as selection from "./map-selection.js";
import * as view from "./map-view.js";
import { setUpLocate } from "./map-locate.js";
import { setUpDrawer } from "./map-drawer.js";

Object.assign(actions, basemap, compare, filterForm, find, history, overlays, projects, selection, view);
const { applyState, currentMapState, setUpHistory } = history;
const { attachOverlay, buildOverlay, fitLabels } = overlays;
const { setUpFilterForm } = filterForm;
const { setUpSelection } = selection;
const { setUpCompare } = compare;
const { setUpMapSearch } = find;
const { createMap, setViewFor } = view;

export { currentMapState };

initApp(await loadMapSources());
app.state = parseState(window.location.search, app.known);
// /embed/clusters/<slug>/ opens its cluster.
if (app.embed && app.embed.cluster && !app.state.cluster && app.known.cluster.has(app.embed.cluster)) {
  app.state = { ...app.state, cluster: app.embed.cluster };
}

const map = createMap();
setUpFilterForm();
setUpSelection();
setUpCompare();
setUpLocate();
setUpDrawer();
setUpMapSearch();
setUpHistory();
map.on("zoomend", () => app.overlay && fitLabels());

// The view is set before any layer is added (Leaflet queues layers added to a map without a view, and
// a path can then run before its renderer is ready).
const overlay = buildOverlay("wgs84");
app.overlay = overlay;
setViewFor(app.state, false);
app.overlay = null;
attachOverlay(overlay);
applyState(app.state, { restoring: false });
if (app.state.view) setViewFor(app.state, false);
fitLabels();
app.ready = true;
app.container.dataset.ready = "true";

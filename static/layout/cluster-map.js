// The map of the home page: districts drawn from our own data as the basemap, clusters coloured by
// chain, with filters, search, the list beside the map, projects, basemaps and the state in the address.
// This module only starts the page; each behaviour has its own module around the one state object
// of static/layout/map-app.js.
import { app, initApp } from "./map-app.js";
import { loadMapSources } from "./map-sources.js";
import { parseState } from "./map-state.js";
import { applyState, currentMapState, setUpHistory } from "./map-history.js";
import { attachOverlay, buildOverlay, fitLabels } from "./map-overlays.js";
import { setUpFilterForm } from "./map-filter-form.js";
import { setUpSelection } from "./map-selection.js";
import { setUpCompare } from "./map-compare.js";
import { setUpLocate } from "./map-locate.js";
import { setUpDrawer } from "./map-drawer.js";
import { setUpMapSearch } from "./map-find.js";
import { createMap, setViewFor } from "./map-view.js";

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

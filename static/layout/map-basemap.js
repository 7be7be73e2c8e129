// The basemap: our district basemap (no server) or a tile basemap of settings; a GCJ-02 basemap (AMap)
// gets every overlay shifted to GCJ-02; a tile basemap that does not load says so and offers ours.
import { app } from "./map-app.js";
import { datumLoader, tileLayerFor, withBasemap } from "./basemaps.js";
import { districtStyle, element } from "./map-shared.js";
import { fill } from "./map-format.js";
import { applyState, commit, recordView } from "./map-history.js";
import { redraw } from "./map-overlays.js";

// Tiles that failed, with none loaded: the server is out of reach (often, in mainland China and on
// intranets), not a single missing tile.
const FAILED_TILES = 2;
let loadGcj02 = null;
let notice = null;

export function showBasemap() {
  const { config, state, map } = app;
  const basemap = config.basemaps.find((b) => b.id === state.basemap) || null;
  const wanted = basemap ? basemap.id : "";
  if (wanted !== app.basemapId) {
    if (app.basemapLayer) app.basemapLayer.remove();
    app.basemapLayer = basemap ? watchTiles(tileLayerFor(basemap), basemap).addTo(map) : null;
    app.basemapId = wanted;
    app.basemapFailed = "";
    showTileFailure(null);
    app.overlay.districtLayer.setStyle(districtStyle(Boolean(app.basemapLayer)));
  }
  if (app.layersControl) app.layersControl.show(state.basemap, state.projects);
  linkDetailPages(document);
  const wantedDatum = basemap && basemap.datum === "gcj02" ? "gcj02" : "wgs84";
  if (wantedDatum === app.datum) return;
  if (app.datums[wantedDatum]) {
    redraw(wantedDatum);
    return;
  }
  app.container.dataset.datum = `${wantedDatum}-loading`;
  if (!loadGcj02) loadGcj02 = datumLoader(config.gcj02);
  loadGcj02().then((sets) => {
    app.datums.gcj02 = sets;
    const stillWanted = (config.basemaps.find((b) => b.id === app.state.basemap) || {}).datum === "gcj02";
    if (stillWanted && app.datum !== "gcj02") redraw("gcj02");
    else app.container.dataset.datum = app.datum;
  }).catch(() => {
    // Misplaced overlays would mislead: back to the district basemap, which needs no shift.
    app.say(app.text.datumFailed);
    app.state = { ...app.state, basemap: "" };
    recordView(app.state);
    applyState(app.state, { restoring: false });
  });
}

function tileLayersOf(layer) {
  return layer.eachLayer ? layer.getLayers() : [layer];
}

function watchTiles(layer, basemap) {
  let loaded = 0;
  let failed = 0;
  for (const tiles of tileLayersOf(layer)) {
    tiles.on("tileload", () => {
      loaded += 1;
      if (app.basemapFailed === basemap.id) {
        // The server answers again: the choice is worth keeping in the address after all.
        app.basemapFailed = "";
        showTileFailure(null);
        recordView(app.state);
      }
    });
    tiles.on("tileerror", () => {
      failed += 1;
      if (loaded || failed < FAILED_TILES || app.basemapFailed === basemap.id || app.basemapId !== basemap.id) return;
      app.basemapFailed = basemap.id;
      showTileFailure(basemap);
      // A shared link or a reload must not open on a basemap that does not load.
      recordView(app.state);
    });
  }
  return layer;
}

function showTileFailure(basemap) {
  if (!basemap) {
    if (notice) notice.hidden = true;
    app.container.dataset.tilesFailed = "";
    return;
  }
  if (!notice) {
    notice = element("div", "map-tile-failure");
    notice.setAttribute("role", "alert");
    const message = element("p", "map-tile-failure-text");
    const button = element("button", "map-tile-failure-switch", app.text.tilesFailedSwitch);
    button.type = "button";
    button.addEventListener("click", () => commit({ ...app.state, basemap: "" }));
    notice.append(message, button);
    app.mapArea.append(notice);
  }
  notice.querySelector(".map-tile-failure-text").textContent = fill(app.text.tilesFailed, { basemap: basemap.name });
  notice.hidden = false;
  app.container.dataset.tilesFailed = basemap.id;
}

// Links to a cluster's page carry the basemap, so that its small map opens on the same one.
export function linkDetailPages(scope) {
  const id = app.basemapFailed === app.basemapId ? "" : app.basemapId;
  for (const link of scope.querySelectorAll("a.popup-link, a.cluster-link")) {
    link.setAttribute("href", withBasemap(link.getAttribute("href"), id));
  }
}

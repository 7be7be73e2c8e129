// The basemap: our district basemap (no server) or a tile basemap of settings; a GCJ-02 basemap (AMap)
// gets every overlay shifted to GCJ-02; a tile basemap that does not load says so and offers ours.
import { actions, app } from "./map-app.js";
import { datumLoader, tileFailureNotice, tileLayerFor, watchTiles, withBasemap } from "./basemaps.js";
import { districtStyle } from "./map-shared.js";

let loadGcj02 = null;
let notice = null;

export function showBasemap() {
  const { config, state, map } = app;
  const basemap = config.basemaps.find((b) => b.id === state.basemap) || null;
  const wanted = basemap ? basemap.id : "";
  if (wanted !== app.basemapId) {
    if (app.basemapLayer) app.basemapLayer.remove();
    app.basemapLayer = basemap ? watchFailure(tileLayerFor(basemap), basemap).addTo(map) : null;
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
    actions.redraw(wantedDatum);
    return;
  }
  app.container.dataset.datum = `${wantedDatum}-loading`;
  if (!loadGcj02) loadGcj02 = datumLoader(config.gcj02);
  loadGcj02().then((sets) => {
    app.datums.gcj02 = sets;
    const stillWanted = (config.basemaps.find((b) => b.id === app.state.basemap) || {}).datum === "gcj02";
    if (stillWanted && app.datum !== "gcj02") actions.redraw("gcj02");
    else app.container.dataset.datum = app.datum;
  }).catch(() => {
    // Misplaced overlays would mislead: back to the district basemap, which needs no shift.
    app.say(app.text.datumFailed);
    app.state = { ...app.state, basemap: "" };
    actions.recordView(app.state);
    actions.applyState(app.state, { restoring: false });
  });
}

function watchFailure(layer, basemap) {
  return watchTiles(layer, {
    onFail: () => {
      if (app.basemapId !== basemap.id) return;
      app.basemapFailed = basemap.id;
      showTileFailure(basemap);
      // A shared link or a reload must not open on a basemap that does not load.
      actions.recordView(app.state);
    },
    onRecover: () => {
      if (app.basemapFailed !== basemap.id) return;
      // The server answers again: the choice is worth keeping in the address after all.
      app.basemapFailed = "";
      showTileFailure(null);
      actions.recordView(app.state);
    },
  });
}

function showTileFailure(basemap) {
  if (!notice) notice = tileFailureNotice(app.mapArea, app.text, () => actions.commit({ ...app.state, basemap: "" }));
  if (basemap) notice.show(basemap);
  else notice.hide();
  app.container.dataset.tilesFailed = basemap ? basemap.id : "";
}

// Links to a cluster's page carry the basemap, so that its small map opens on the same one.
export function linkDetailPages(scope) {
  const id = app.basemapFailed === app.basemapId ? "" : app.basemapId;
  for (const link of scope.querySelectorAll("a.popup-link, a.cluster-link")) {
    link.setAttribute("href", withBasemap(link.getAttribute("href"), id));
  }
}

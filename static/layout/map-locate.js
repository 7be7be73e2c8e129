// "Show where I am": the reader's position on the map, shifted like every overlay on a GCJ-02 basemap.
import { app } from "./map-app.js";
import { fill } from "./map-format.js";
import { wgs84ToGcj02 } from "./basemaps.js";

const L = window.L;

export function locate() {
  app.say("");
  app.map.locate({ setView: false, enableHighAccuracy: true, timeout: 15000 });
}

export function setUpLocate() {
  const { map, text, config } = app;
  map.on("locationfound", (event) => {
    if (app.locatedLayer) app.locatedLayer.remove();
    if (!L.latLngBounds(config.bounds).contains(event.latlng)) {
      app.say(text.locateOutside);
      return;
    }
    // The browser gives WGS-84: on a GCJ-02 basemap the dot is shifted like every other overlay.
    const latlng = app.datum === "gcj02" ? L.latLng(wgs84ToGcj02(event.latlng.lat, event.latlng.lng)) : event.latlng;
    app.locatedLayer = L.layerGroup([
      L.circle(latlng, { radius: event.accuracy, weight: 1, color: "#1d4e89", fillOpacity: 0.1, interactive: false }),
      L.circleMarker(latlng, {
        radius: 6, weight: 2, color: "#fff", fillColor: "#1d4e89", fillOpacity: 1, interactive: false,
      }),
    ]).addTo(map);
    map.setView(latlng, Math.max(map.getZoom(), 13));
    app.say(fill(text.youAreHere, { metres: Math.round(event.accuracy) }));
  });
  map.on("locationerror", (event) => app.say(fill(text.locateFailed, { reason: event.message })));
}

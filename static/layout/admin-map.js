// Admin geometry maps: district outlines as the reference layer (no tile server), the record's own district
// highlighted, the drawn shape's area, and a GeoJSON paste box.
const config = JSON.parse(document.getElementById("layout-admin-map").textContent);

const DISTRICT_STYLE = {
  color: "#6b7280",
  weight: 1,
  fillColor: "#e5e7eb",
  fillOpacity: 0.4,
};
const OWN_DISTRICT_STYLE = {
  color: "#1d4ed8",
  weight: 3,
  fillColor: "#dbeafe",
  fillOpacity: 0.5,
};

const districtLayers = [];

// Leaflet reads a string given to a tooltip as HTML: names and messages from the database go in as text.
function textTooltip(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span;
}

// The district being edited, or the one the record lies in (follows the district field as it changes).
function ownAdcode() {
  const select = document.getElementById("id_district");
  if (select && select.value) return config.districtAdcodes[select.value] || null;
  return config.ownAdcode;
}

function highlightOwnDistrict() {
  const adcode = ownAdcode();
  for (const layer of districtLayers) {
    layer.eachLayer((districtLayer) => {
      const own = districtLayer.feature.properties.adcode === adcode;
      districtLayer.setStyle(own ? OWN_DISTRICT_STYLE : DISTRICT_STYLE);
      districtLayer.getElement()?.setAttribute("data-own-district", String(own));
    });
  }
}

function ownDistrictBounds(layer) {
  const adcode = ownAdcode();
  let bounds = null;
  layer.eachLayer((districtLayer) => {
    if (districtLayer.feature.properties.adcode === adcode) bounds = districtLayer.getBounds();
  });
  return bounds;
}

function addDistricts(map) {
  const pane = map.createPane("layout-districts");
  // Under the overlay pane, where leaflet.draw puts the editable shape, and never catching clicks.
  pane.style.zIndex = 350;
  pane.style.pointerEvents = "none";
  const layer = L.geoJSON(config.districts, {
    pane: "layout-districts",
    interactive: false,
    style: DISTRICT_STYLE,
    onEachFeature: (feature, districtLayer) => {
      districtLayer.bindTooltip(textTooltip(feature.properties.name), {
        permanent: true,
        direction: "center",
        className: "layout-district-label",
        pane: "layout-districts",
      });
    },
  }).addTo(map);
  districtLayers.push(layer);
  return layer;
}

// Area on the ellipsoid, as leaflet.draw measures while drawing: outer rings less their holes.
function ringsArea(rings) {
  const [outer, ...holes] = rings;
  return L.GeometryUtil.geodesicArea(outer) - holes.reduce((sum, hole) => sum + L.GeometryUtil.geodesicArea(hole), 0);
}

function shapeArea(field) {
  let area = 0;
  field.drawnItems.eachLayer((layer) => {
    if (!(layer instanceof L.Polygon)) return;
    const latlngs = layer.getLatLngs();
    // A Polygon gives [ring, …]; a multi-part one [[ring, …], …].
    const parts = Array.isArray(latlngs[0]) && Array.isArray(latlngs[0][0]) ? latlngs : [latlngs];
    for (const rings of parts) area += ringsArea(rings);
  });
  return area;
}

function formatArea(m2) {
  const km2 = m2 / 1e6;
  const locale = document.documentElement.lang || undefined;
  const digits = km2 < 10 ? 3 : 1;
  return `${km2.toLocaleString(locale, { maximumFractionDigits: digits })} km² · ${(m2 / 1e4).toLocaleString(locale, { maximumFractionDigits: 1 })} 万平方米`;
}

function addAreaReadout(field) {
  if (!field.options.is_polygon) return null;
  const container = field._map.getContainer();
  const readout = document.createElement("p");
  readout.className = "layout-area";
  readout.setAttribute("aria-live", "polite");
  container.after(readout);
  const update = () => {
    const area = shapeArea(field);
    readout.textContent = `${config.labels.area}: ${area > 0 ? formatArea(area) : config.labels.noShape}`;
    readout.dataset.areaM2 = String(Math.round(area));
  };
  // After leaflet.forms has updated its layers and the textarea.
  field._map.on("draw:created draw:edited draw:deleted draw:editvertex", () => setTimeout(update, 0));
  update();
  return update;
}

function redraw(field, updateArea) {
  try {
    JSON.parse(field.store.formfield.value);
  } catch {
    return; // not JSON: the server says what is wrong on save
  }
  field.drawnItems.clearLayers();
  try {
    field.load();
  } catch {
    // Text Leaflet cannot draw (a FeatureCollection, say): saving reports what to fix.
  }
  updateArea?.();
}

// layout.geometry's errors say where the problem is, in one of these two forms.
const ERROR_PLACE = [/lon, lat = (-?[\d.]+), (-?[\d.]+)/, /at lon (-?[\d.]+), lat (-?[\d.]+)/];

function markErrorPlace(field, map) {
  const errors = field.store.formfield.closest(".form-row")?.querySelector(".errorlist");
  if (!errors) return;
  for (const pattern of ERROR_PLACE) {
    const match = errors.textContent.match(pattern);
    if (match) {
      L.circleMarker([Number(match[2]), Number(match[1])], { radius: 9, color: "#ba2121", weight: 3, fill: false })
        .bindTooltip(textTooltip(errors.textContent.trim()))
        .addTo(map);
      return;
    }
  }
}

function addPasteToggle(field, updateArea) {
  const textarea = field.store.formfield;
  if (!textarea || textarea.dataset.pasteToggle) return;
  textarea.dataset.pasteToggle = "on";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "button layout-paste-toggle";
  toggle.textContent = config.labels.paste;
  toggle.setAttribute("aria-controls", textarea.id);
  const show = (visible) => {
    textarea.hidden = !visible;
    toggle.setAttribute("aria-expanded", String(visible));
  };
  toggle.addEventListener("click", () => show(textarea.hidden));
  textarea.addEventListener("change", () => redraw(field, updateArea));
  textarea.before(toggle);
  // After a refused save, the official sees the text that was refused next to the error.
  show(Boolean(textarea.closest(".errors")));
}

/** Leaflet titles its zoom buttons in English: the official's language instead (title and accessible name). */
function nameZoomButtons(map) {
  for (const [selector, label] of [
    [".leaflet-control-zoom-in", config.labels.zoomIn],
    [".leaflet-control-zoom-out", config.labels.zoomOut],
  ]) {
    const button = map.getContainer().querySelector(selector);
    if (button && label) {
      button.title = label;
      button.setAttribute("aria-label", label);
    }
  }
}

window.addEventListener("map:init", (event) => {
  const map = event.detail.map;
  // Tests and scripts find the map from its container, as on the public pages.
  map.getContainer().layoutMap = map;
  const districts = addDistricts(map);
  highlightOwnDistrict();
  nameZoomButtons(map);
  map.on("map:loadfield", (e) => {
    const updateArea = addAreaReadout(e.field);
    addPasteToggle(e.field, updateArea);
    markErrorPlace(e.field, map);
    if (e.field.drawnItems.getLayers().length === 0) {
      const bounds = ownDistrictBounds(districts);
      if (bounds) map.fitBounds(bounds);
    }
    map.getContainer().dataset.ready = "true";
  });
});

document.getElementById("id_district")?.addEventListener("change", highlightOwnDistrict);

// Admin geometry maps: district outlines as the reference layer (no tile server) and a GeoJSON paste box.
const config = JSON.parse(document.getElementById("layout-admin-map").textContent);

const DISTRICT_STYLE = {
  color: "#6b7280",
  weight: 1,
  fillColor: "#e5e7eb",
  fillOpacity: 0.4,
};

function addDistricts(map) {
  const pane = map.createPane("layout-districts");
  // Under the overlay pane, where leaflet.draw puts the editable shape, and never catching clicks.
  pane.style.zIndex = 350;
  pane.style.pointerEvents = "none";
  L.geoJSON(config.districts, {
    pane: "layout-districts",
    interactive: false,
    style: DISTRICT_STYLE,
    onEachFeature: (feature, layer) => {
      layer.bindTooltip(feature.properties.name, {
        permanent: true,
        direction: "center",
        className: "layout-district-label",
        pane: "layout-districts",
      });
    },
  }).addTo(map);
}

function redraw(field) {
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
        .bindTooltip(errors.textContent.trim())
        .addTo(map);
      return;
    }
  }
}

function addPasteToggle(field) {
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
  textarea.addEventListener("change", () => redraw(field));
  textarea.before(toggle);
  // After a refused save, the official sees the text that was refused next to the error.
  show(Boolean(textarea.closest(".errors")));
}

window.addEventListener("map:init", (event) => {
  const map = event.detail.map;
  addDistricts(map);
  map.on("map:loadfield", (e) => {
    addPasteToggle(e.field);
    markErrorPlace(e.field, map);
  });
});

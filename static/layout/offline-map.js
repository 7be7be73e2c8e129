// The offline map file's behaviour, inlined into it by layout/offline_map.py: popups on the
// clusters folium drew, and the list of all clusters (those without a published location
// included) that opens them. Officials type these names and figures: textContent only.

const L = window.L;
const config = JSON.parse(document.getElementById("offline-map-config").textContent);
const map = window[config.map];
const clusterLayer = window[config.clusters];
const text = config.text;

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined && content !== null) node.textContent = String(content);
  return node;
}

function boundaryText(feature) {
  if (!feature.geometry) return text.locationNotPublished;
  return feature.properties.boundary_status === "official" ? text.official : text.indicative;
}

function popupContent(feature) {
  const props = feature.properties;
  const box = element("div", "offline-popup");
  box.dataset.slug = props.slug;
  box.append(element("h3", null, props.name));
  const facts = element("dl");
  // A figure the sources do not give is named on one line below, not shown as a row of its own.
  const figures = [
    [text.space, text.figureSpace, props.space_text, props.space_m2],
    [text.investment, text.figureInvestment, props.investment_text, props.investment_cny],
    [text.scenarios, text.figureScenarios, props.scenarios_text,
      props.published_scenario_count ?? (props.named_scenario_count || null)],
  ];
  const rows = [
    [text.district, props.district.name],
    [text.chain, props.primary_chain ? props.primary_chain.name : text.notClassified],
    ...figures.filter(([, , , known]) => known !== null && known !== undefined).map(([label, , value]) => [label, value]),
    [text.boundary, boundaryText(feature)],
  ];
  for (const [label, value] of rows) facts.append(element("dt", null, label), element("dd", null, value));
  box.append(facts);
  const unknown = figures.filter(([, , , known]) => known === null || known === undefined).map(([, name]) => name);
  if (unknown.length) {
    box.append(element("p", "not-yet-published",
      text.notYetPublished.replace("%(figures)s", unknown.join(text.listSeparator))));
  }
  return box;
}

const drawn = new Map();
clusterLayer.eachLayer((layer) => {
  layer.bindPopup(() => popupContent(layer.feature));
  layer.bindTooltip(element("span", null, layer.feature.properties.name), { sticky: true });
  drawn.set(layer.feature.properties.slug, layer);
});

const features = new Map(config.features.map((feature) => [feature.properties.slug, feature]));

function open(slug) {
  const layer = drawn.get(slug);
  if (layer) {
    map.fitBounds(layer.getBounds(), { maxZoom: 13 });
    layer.openPopup();
  } else if (config.popupPlaces[slug]) {
    map.setView(config.popupPlaces[slug], 11);
    L.popup().setLatLng(config.popupPlaces[slug]).setContent(popupContent(features.get(slug))).openOn(map);
  }
  for (const button of document.querySelectorAll(".offline-cluster")) {
    button.setAttribute("aria-pressed", String(button.dataset.slug === slug));
  }
}

for (const button of document.querySelectorAll(".offline-cluster")) {
  button.addEventListener("click", () => open(button.dataset.slug));
}
document.body.dataset.ready = "true";

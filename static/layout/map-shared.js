// Shared by the map and detail pages: reading page data, styles, hatches and cluster popups.
// Officials type the names and figures shown here, so every value reaches the page through
// textContent on nodes we create, never through an HTML string.

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const SVG_NS = "http://www.w3.org/2000/svg";

export function readJson(id) {
  const script = document.getElementById(id);
  return script ? JSON.parse(script.textContent) : null;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function clusterColour(feature, fallback) {
  const chain = feature.properties.primary_chain;
  const colour = chain && chain.colour;
  return HEX_COLOUR.test(colour || "") ? colour : fallback;
}

export function isIndicative(feature) {
  return feature.properties.boundary_status !== "official";
}

export function districtStyle(withTiles) {
  return {
    color: "#7b8794",
    weight: 1,
    fillColor: "#f4f1ea",
    fillOpacity: withTiles ? 0.15 : 1,
    interactive: false,
  };
}

export function clusterStyle(feature, colour) {
  return {
    color: colour,
    weight: 2,
    opacity: 1,
    fillColor: colour,
    fillOpacity: 0.45,
    dashArray: isIndicative(feature) ? "6 4" : null,
    className: "cluster-shape",
  };
}

export function unlocatedStyle(colour) {
  return {
    color: colour,
    weight: 2.5,
    opacity: 1,
    dashArray: "2 5",
    fillColor: `url(#${hatchPattern(colour)})`,
    fillOpacity: 1,
    className: "cluster-unlocated",
  };
}

export const HIGHLIGHT = { weight: 4, fillOpacity: 0.75 };

// A hatch per colour, in one invisible SVG of the page: fill="url(#id)" finds it from
// Leaflet's own SVG because ids are shared by the whole document.
function hatchPattern(colour) {
  const id = `hatch-${colour.slice(1).toLowerCase()}`;
  if (document.getElementById(id)) return id;
  let defs = document.getElementById("layout-patterns");
  if (!defs) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.style.position = "absolute";
    defs = document.createElementNS(SVG_NS, "defs");
    defs.id = "layout-patterns";
    svg.append(defs);
    document.body.append(svg);
  }
  const pattern = document.createElementNS(SVG_NS, "pattern");
  pattern.id = id;
  pattern.setAttribute("patternUnits", "userSpaceOnUse");
  pattern.setAttribute("width", "8");
  pattern.setAttribute("height", "8");
  pattern.setAttribute("patternTransform", "rotate(45)");
  const wash = document.createElementNS(SVG_NS, "rect");
  wash.setAttribute("width", "8");
  wash.setAttribute("height", "8");
  wash.setAttribute("fill", colour);
  wash.setAttribute("fill-opacity", "0.12");
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("x1", "0");
  line.setAttribute("y1", "0");
  line.setAttribute("x2", "0");
  line.setAttribute("y2", "8");
  line.setAttribute("stroke", colour);
  line.setAttribute("stroke-width", "3");
  line.setAttribute("stroke-opacity", "0.55");
  pattern.append(wash, line);
  defs.append(pattern);
  return id;
}

export function boundaryText(feature, text) {
  if (!feature.geometry) return text.locationNotPublished;
  return isIndicative(feature) ? text.indicative : text.official;
}

// A name as the pages show it: in the reader's language ("zh" or "en"), then the other language's
// name, smaller, as a secondary name only (a name missing in the reader's language falls back to the other).
export function bilingualName(nameZh, nameEn, tag = "span", className = null, language = "zh") {
  const name = element(tag, className);
  const chineseFirst = language !== "en" || !nameEn;
  const [first, second] = chineseFirst ? [nameZh, nameEn] : [nameEn, nameZh];
  const [firstLang, secondLang] = chineseFirst ? ["zh-Hans", "en"] : ["en", "zh-Hans"];
  const main = element("span", "name-main", first);
  main.lang = firstLang;
  name.append(main);
  if (second && second !== first) {
    const other = element("span", "name-other", second);
    other.lang = secondLang;
    name.append(" ", other);
  }
  return name;
}

export function clusterName(feature, tag = "span", language = "zh") {
  return bilingualName(feature.properties.name_zh, feature.properties.name_en, tag, "cluster-name", language);
}

// "Not yet published: space, investment": the figures a record lacks, on one line instead of a row each.
export function unpublishedLine(labels, text) {
  if (!labels.length) return null;
  return element("p", "not-yet-published", text.notYetPublished.replace("%(figures)s", labels.join(text.listSeparator)));
}

function addFact(list, label, value, className) {
  const row = element("div", className);
  row.append(element("dt", null, label));
  const dd = element("dd");
  if (value instanceof Node) dd.append(value);
  else dd.textContent = value;
  row.append(dd);
  list.append(row);
}

// Only our own relative links: a URL that names another host or a scheme is dropped.
export function safeLocalUrl(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : null;
}

export function clusterPopup(feature, text, colour, language = "zh") {
  const props = feature.properties;
  const popup = element("div", "cluster-popup");
  popup.dataset.slug = props.slug;
  popup.append(clusterName(feature, "h3", language));
  const facts = element("dl", "popup-facts");
  addFact(facts, text.district, props.district.name);
  const chain = element("span");
  const swatch = element("span", feature.geometry ? "swatch" : "swatch swatch-unlocated");
  swatch.style.setProperty("--swatch", colour);
  chain.append(swatch, props.primary_chain ? props.primary_chain.name : text.notClassified);
  addFact(facts, text.chain, chain);
  const unknown = [];
  for (const [label, lower, value, known, className] of [
    [text.space, text.figureSpace, props.space_text, props.space_m2, "fact-space"],
    [text.investment, text.figureInvestment, props.investment_text, props.investment_cny, "fact-investment"],
    // A cluster with named scenarios but no published total still has something to show.
    [text.scenarios, text.figureScenarios, props.scenarios_text,
      props.published_scenario_count ?? (props.named_scenario_count || null), "fact-scenarios"],
  ]) {
    if (known === null || known === undefined) unknown.push(lower);
    else addFact(facts, label, value, className);
  }
  addFact(facts, text.boundary, boundaryText(feature, text), "fact-boundary");
  popup.append(facts);
  const line = unpublishedLine(unknown, text);
  if (line) popup.append(line);
  const url = safeLocalUrl(props.url);
  if (url) {
    const link = element("a", "popup-link", `${text.details} →`);
    link.href = url;
    popup.append(link);
  }
  return popup;
}

// Tag each drawn path so tests and styles can find a cluster by its slug.
// With a name, the shape is named to screen readers (the list beside the map is the way to use it).
export function tagPaths(layer, slug, name = null) {
  const tag = (path) => {
    const node = path.getElement && path.getElement();
    if (!node) return;
    node.dataset.slug = slug;
    if (name) {
      node.setAttribute("role", "img");
      node.setAttribute("aria-label", name);
    }
  };
  if (layer.eachLayer) layer.eachLayer(tag);
  else tag(layer);
}

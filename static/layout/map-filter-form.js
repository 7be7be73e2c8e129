// The filters beside the map: the map, the list, the legend and the totals follow them, and a choice
// that would show nothing is disabled with its count and the reason.
import { actions, app } from "./map-app.js";
import { fill } from "./map-format.js";
import { clusterMatches, summary } from "./map-filters.js";
import { note } from "./map-beacon.js";

const FILTER_NAMES = ["chain", "category", "district"];

export function visibleSlugs(currentState = app.state) {
  return new Set(app.slugs.filter((slug) => clusterMatches(app.facets[slug], currentState)));
}

export function visibleEntries() {
  const visible = visibleSlugs();
  return [...app.overlay.entries.values()].filter((entry) => visible.has(entry.slug));
}

function form() {
  return document.getElementById("map-filter-form");
}

export function showFilter() {
  const { map, overlay, listItems, slugs, featureBySlug, text, config, state } = app;
  const visible = visibleSlugs();
  for (const entry of overlay.entries.values()) {
    const on = visible.has(entry.slug);
    if (on && !map.hasLayer(entry.layer)) entry.layer.addTo(map);
    else if (!on && map.hasLayer(entry.layer)) entry.layer.remove();
  }
  actions.restack();
  for (const [slug, item] of listItems) item.hidden = !visible.has(slug);
  const noMatch = document.querySelector(".cluster-list .no-match");
  if (noMatch) noMatch.hidden = visible.size > 0;
  const drawerCount = document.querySelector(".drawer-toggle-count");
  if (drawerCount) drawerCount.textContent = `(${visible.size})`;
  const shownFeatures = slugs.filter((slug) => visible.has(slug)).map((slug) => featureBySlug.get(slug));
  const filterForm = form();
  if (filterForm) {
    for (const name of FILTER_NAMES) filterForm.elements[name].value = state[name];
    showChoiceCounts(filterForm);
    const totals = summary(shownFeatures, slugs.length, text, config.language);
    document.querySelector(".summary-shown").textContent = visible.size ? totals.shown : text.noMatch;
    for (const name of ["space", "scenarios"]) {
      const row = document.querySelector(`.summary-${name}`);
      row.hidden = !visible.size || !totals[name];
      row.querySelector("dd").textContent = totals[name];
    }
    const unknown = document.querySelector(".summary-unknown");
    if (unknown) {
      unknown.hidden = !visible.size || !totals.unknown;
      unknown.textContent = totals.unknown;
    }
  }
  const projectPlaces = actions.showProjects();
  showLegend(shownFeatures, state.projects && projectPlaces > 0);
}

// Each choice says how many clusters it would show with the other filters as they are; a choice that
// would show none cannot be taken, and says why.
function showChoiceCounts(filterForm) {
  for (const name of FILTER_NAMES) {
    const select = filterForm.elements[name];
    for (const option of select.options) {
      if (!option.value) continue;
      const label = option.dataset.label || option.textContent;
      option.dataset.label = label;
      const count = visibleSlugs({ ...app.state, [name]: option.value }).size;
      const everywhere = visibleSlugs({ chain: "", category: "", district: "", [name]: option.value }).size;
      const chosen = app.state[name] === option.value;
      option.disabled = count === 0 && !chosen;
      if (count > 0) option.textContent = `${label} (${count})`;
      else option.textContent = fill(everywhere === 0 ? app.text.choiceNonePublished : app.text.choiceNoneHere,
        { label });
    }
  }
}

function showLegend(shownFeatures, projectsShown) {
  const props = shownFeatures.map((f) => f.properties);
  const present = new Set();
  for (const [index, p] of props.entries()) {
    present.add(p.primary_chain ? `chain:${p.primary_chain.slug}` : "unclassified");
    const geometry = shownFeatures[index].geometry;
    if (!geometry) present.add("unlocated");
    else present.add(p.boundary_status === "official" ? "official" : "indicative");
  }
  if (projectsShown) present.add("projects");
  for (const item of document.querySelectorAll(".legend-items [data-legend]")) {
    item.hidden = !present.has(item.dataset.legend);
  }
}

export function setFilter(filters) {
  const next = { ...app.state, ...filters };
  if (next.cluster && !clusterMatches(app.facets[next.cluster], next)) next.cluster = "";
  actions.commit(next);
  if (!actions.fitEntries(visibleEntries(), true)) actions.fitShanghai(true);
}

export function setUpFilterForm() {
  const filterForm = form();
  if (!filterForm) return;
  filterForm.addEventListener("change", (event) => {
    const { name, value } = event.target;
    if (!FILTER_NAMES.includes(name)) return;
    if (value) note("filter", `${name}:${value}`);
    setFilter({ [name]: value });
  });
  filterForm.addEventListener("reset", (event) => {
    event.preventDefault();
    actions.commit({ ...app.state, chain: "", category: "", district: "" });
    actions.fitShanghai(true);
  });
}

// The search beside the map, wired to the map: a result flies the map to its cluster, district or
// project (whose popup opens at its place), a chain becomes the filter; one popup at a time.
import { actions, app } from "./map-app.js";
import { setUpSearch } from "./map-search.js";
import { projectMatches } from "./map-filters.js";
import { setDrawer } from "./map-drawer.js";
import { noteSearch } from "./map-beacon.js";

export function setUpMapSearch() {
  const input = document.getElementById("map-search-input");
  if (!input) return;
  setUpSearch({
    input,
    status: document.getElementById("map-search-status"),
    results: document.getElementById("map-search-results"),
    index: app.data.search,
    text: app.text,
    onChoose: (entry) => showFound(entry.target, input),
    onSettled: (query, found) => noteSearch(query, found > 0),
  });
}

function showFound(target, input) {
  const { state } = app;
  if (target.project !== undefined && target.project !== null) {
    showProject(target, input);
  } else if (target.cluster) {
    actions.chooseCluster(target.cluster, input);
  } else if (target.chain) {
    actions.closeAnyPopup();
    actions.commit({ ...state, chain: target.chain, category: "", district: "", cluster: "" });
    setDrawer(false, { returnFocus: false });
    if (!actions.fitEntries(actions.visibleEntries(), true)) actions.fitShanghai(true);
  } else if (target.district) {
    actions.closeAnyPopup();
    // A step of its own, so Back returns to where the map was.
    actions.commit({ ...state, cluster: "" }, { force: true });
    setDrawer(false, { returnFocus: false });
    actions.fitDistrict(target.district, true);
    flashDistrict(target.district);
  }
}

// The projects layer is turned on (filters that would hide the project are lifted), the map flies to
// the project's cluster or district and opens the popup there.
function showProject(target, input) {
  const project = app.data.projects.find((p) => p.id === target.project);
  if (!project) return;
  let next = { ...app.state, cluster: "", projects: true };
  if (!projectMatches(project, app.facets, next)) next = { ...next, chain: "", category: "", district: "" };
  actions.closeAnyPopup();
  app.returnFocusTo = input;
  actions.commit(next);
  setDrawer(false, { returnFocus: false });
  const entry = target.cluster ? app.overlay.entries.get(target.cluster) : null;
  if (entry) actions.fitEntries([entry], true);
  else if (target.district) actions.fitDistrict(target.district, true);
  actions.afterMove(() => {
    const popup = actions.openProjectPopup(project.id);
    const content = popup && popup.getElement() && popup.getElement().querySelector(".project-popup");
    if (content) {
      content.tabIndex = -1;
      content.focus({ preventScroll: true });
    }
  });
}

function flashDistrict(adcode) {
  app.overlay.districtLayer.eachLayer((layer) => {
    if (layer.feature.properties.adcode !== adcode) return;
    layer.setStyle({ weight: 4, color: "#102a43" });
    setTimeout(() => app.overlay.districtLayer.resetStyle(layer), 2500);
  });
}

// The projects layer: one marker where projects are placed (their cluster, else their district), a
// popup listing them; a project found by search opens the popup of its place.
import { actions, app } from "./map-app.js";
import { fill } from "./map-format.js";
import { projectMatches } from "./map-filters.js";
import { bilingualName, element, unpublishedLine } from "./map-shared.js";

const L = window.L;

function projectPopup(projects) {
  const { text, config } = app;
  const root = element("div", "project-popup");
  root.append(element("h3", null, fill(text.projectsMarker, { count: projects.length })));
  for (const project of projects) {
    const item = element("section", "project-popup-item");
    item.dataset.project = project.id;
    const name = bilingualName(project.name_zh, project.name_en, "h4", null, config.language);
    item.append(name, element("p", "project-place", project.placeText));
    const facts = element("dl", "popup-facts");
    const unknown = [];
    for (const [label, lower, value, className] of [
      [text.company, text.figureCompany, project.company, "fact-company"],
      [text.sector, text.figureSector, project.sectorText, "fact-sector"],
      [text.investment, text.figureInvestment, project.investmentText, "fact-investment"],
      [text.figures, text.figureFigures, project.figures, "fact-figures"],
      [text.source, text.figureSource, project.source, "fact-source"],
    ]) {
      if (!value || value === text.notPublished) {
        unknown.push(lower);
        continue;
      }
      const row = element("div", className);
      row.append(element("dt", null, label), element("dd", null, value));
      facts.append(row);
    }
    item.append(facts);
    const line = unpublishedLine(unknown, text);
    if (line) item.append(line);
    root.append(item);
  }
  return root;
}

export function showProjects() {
  const { data, facets, state, map } = app;
  const group = app.overlay.projects;
  group.clearLayers();
  app.overlay.projectMarkers = new Map();
  const places = new Map();
  for (const project of data.projects) {
    if (!project.point || !project.place || !projectMatches(project, facets, state)) continue;
    if (!places.has(project.place)) places.set(project.place, []);
    places.get(project.place).push(project);
  }
  for (const [place, projects] of places) {
    const html = element("span", "project-marker-body");
    html.append(element("span", "project-marker-count", projects.length));
    html.append(element("span", "visually-hidden", fill(app.text.projectsMarker, { count: projects.length })));
    const marker = L.marker(projects[0].point[app.overlay.datum], {
      icon: L.divIcon({ className: "project-marker", html, iconSize: [26, 26], iconAnchor: [13, -6] }),
      keyboard: true,
      riseOnHover: true,
    });
    marker.bindPopup(() => projectPopup(projects), { ...actions.popupOptions(), offset: L.point(0, 6) });
    marker.on("popupopen", (event) => actions.labelClose(event.popup.getElement()));
    group.addLayer(marker);
    app.overlay.projectMarkers.set(place, marker);
  }
  if (state.projects && !map.hasLayer(group)) group.addTo(map);
  if (!state.projects && map.hasLayer(group)) group.remove();
  app.container.dataset.projects = String(state.projects ? places.size : 0);
  return places.size;
}

// The popup of the place where this project is drawn, scrolled to it; null when it has no place.
export function openProjectPopup(projectId) {
  const project = app.data.projects.find((p) => p.id === projectId);
  const marker = project && project.place && app.overlay.projectMarkers
    ? app.overlay.projectMarkers.get(project.place) : null;
  if (!marker) return null;
  const popup = marker.getPopup();
  actions.fitPopupToMap(popup);
  marker.openPopup();
  const item = popup.getElement() && popup.getElement().querySelector(`[data-project="${projectId}"]`);
  if (item) item.scrollIntoView({ block: "nearest" });
  return popup;
}

// The selected cluster: the list and the map highlight the same one, its popup opens (one popup at a
// time), and the focus goes into the popup and back to what opened it.
import { actions, app } from "./map-app.js";
import { clusterMatches } from "./map-filters.js";
import { drawerHidden, setDrawer } from "./map-drawer.js";
import { notePopup, popupGone } from "./map-beacon.js";

const L = window.L;

export function markSelected() {
  const { state, overlay, map } = app;
  for (const [slug, item] of app.listItems) {
    const selected = slug === state.cluster;
    item.classList.toggle("is-selected", selected);
    const button = item.querySelector(".cluster-select");
    if (selected) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
    if (selected && !drawerHidden()) item.scrollIntoView({ block: "nearest" });
  }
  for (const entry of overlay.entries.values()) actions.restyle(entry);
  const selected = overlay.entries.get(state.cluster);
  if (selected && selected.located && map.hasLayer(selected.layer)) selected.layer.bringToFront();
}

export function closeClusterPopups(except) {
  for (const entry of app.overlay.entries.values()) {
    if (entry.slug !== except && entry.layer.isPopupOpen()) entry.layer.closePopup();
  }
}

// Whatever popup is open (a cluster's or the projects'), closed without it counting as a reader's step.
export function closeAnyPopup() {
  const wasApplying = app.applying;
  app.applying = true;
  app.map.closePopup();
  app.applying = wasApplying;
}

export function openPopupOf(slug, { autoPan }) {
  const entry = app.overlay.entries.get(slug);
  if (!entry || !app.map.hasLayer(entry.layer)) return null;
  const popup = entry.layer.getPopup();
  actions.fitPopupToMap(popup);
  popup.options.autoPan = autoPan;
  entry.layer.openPopup(entry.point ? L.latLng(entry.point) : entry.layer.getBounds().getCenter());
  popup.options.autoPan = true;
  return popup;
}

export function labelClose(root) {
  const close = root && root.querySelector(".leaflet-popup-close-button");
  if (close) {
    close.setAttribute("aria-label", app.text.closePopup);
    close.title = app.text.closePopup;
  }
}

export function popupOpened(slug, popup) {
  const { embed, container } = app;
  const root = popup.getElement();
  labelClose(root);
  const content = root && root.querySelector(".cluster-popup");
  if (content) {
    content.tabIndex = -1;
    content.setAttribute("role", "group");
    const heading = content.querySelector("h3");
    heading.id = `popup-title-${slug}`;
    content.setAttribute("aria-labelledby", heading.id);
  }
  if (root) actions.linkDetailPages(root);
  if (embed && root) {
    for (const link of root.querySelectorAll("a[href]")) {
      link.target = "_blank";
      link.rel = "noopener";
    }
  }
  container.classList.add("popup-open");
  notePopup(slug);
  if (app.applying || app.state.cluster === slug) {
    markSelected();
    return;
  }
  app.state = { ...app.state, cluster: slug, view: actions.currentView() };
  actions.recordStep(app.state);
  markSelected();
}

export function popupClosed(slug) {
  app.container.classList.remove("popup-open");
  if (app.applying) return;
  // Opening another cluster's popup closes this one first: wait to see whether that is what happened.
  queueMicrotask(() => {
    const entry = app.overlay.entries.get(slug);
    if (app.state.cluster !== slug || (entry && entry.layer.isPopupOpen())) return;
    popupGone(slug);
    app.state = { ...app.state, cluster: "", view: actions.currentView() };
    actions.recordStep(app.state);
    markSelected();
    restoreFocus();
  });
}

function restoreFocus() {
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  const back = app.returnFocusTo;
  if (back && document.contains(back) && back.offsetParent !== null) back.focus();
  app.returnFocusTo = null;
}

// A cluster chosen in the list or the search: shown (filters that hide it are lifted), flown to, opened.
export function chooseCluster(slug, invoker, { focus = true } = {}) {
  let next = { ...app.state, cluster: slug };
  if (!clusterMatches(app.facets[slug], next)) next = { ...next, chain: "", category: "", district: "" };
  app.returnFocusTo = invoker || null;
  // The popup of what was shown before does not stay open while the map flies elsewhere.
  closeAnyPopup();
  actions.commit(next, { openSelection: false });
  setDrawer(false, { returnFocus: false });
  const entry = app.overlay.entries.get(slug);
  if (!entry) return;
  actions.fitEntries([entry], true);
  actions.afterMove(() => {
    if (app.state.cluster !== slug) return;
    const popup = openPopupOf(slug, { autoPan: true });
    const content = popup && popup.getElement() && popup.getElement().querySelector(".cluster-popup");
    if (content && focus) content.focus({ preventScroll: true });
  });
}

export function setUpSelection() {
  for (const [slug, item] of app.listItems) {
    const button = item.querySelector(".cluster-select");
    button.addEventListener("click", () => chooseCluster(slug, button));
    item.addEventListener("mouseenter", () => actions.hover(slug, true));
    item.addEventListener("mouseleave", () => actions.hover(slug, false));
    button.addEventListener("focus", () => actions.hover(slug, true));
    button.addEventListener("blur", () => actions.hover(slug, false));
  }
  app.container.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target.closest && event.target.closest(".leaflet-popup")) {
      event.stopPropagation();
      const back = app.returnFocusTo;
      app.map.closePopup();
      if (back && document.contains(back) && back.offsetParent !== null) back.focus();
      else app.container.focus();
    }
  });
}


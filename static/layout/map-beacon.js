// What a reader does on the map, told to our own server to be counted (layout/beacon.py): which cluster's
// popup opened, what was searched and whether it found anything, which filter was chosen. A beacon carries
// only that (no cookie is set, nothing names the reader) and goes to the same origin (connect-src 'self').
import { app } from "./map-app.js";

// The longest search the server keeps (layout/analytics.py MAX_SEARCH).
export const MAX_SEARCH = 64;

export function note(kind, key) {
  const url = app.config && app.config.noteUrl;
  if (!url || !navigator.sendBeacon || !key) return;
  navigator.sendBeacon(url, new URLSearchParams({ kind, key }));
}

// A search counts once it has settled (Enter, a result chosen, the box left, or a pause in typing), not at
// every letter; the same text twice in a row counts once.
let lastSearch = "";

export function noteSearch(query, found) {
  const text = String(query || "").trim().slice(0, MAX_SEARCH).trim();
  if (!text || text === lastSearch) return;
  lastSearch = text;
  note(found ? "search" : "search_none", text);
}

// A popup counts when a reader opens it, not when the map opens it again after redrawing its overlays.
let lastPopup = "";

export function notePopup(slug) {
  if (slug === lastPopup) return;
  lastPopup = slug;
  note("popup", slug);
}

export function popupGone(slug) {
  if (slug === lastPopup) lastPopup = "";
}

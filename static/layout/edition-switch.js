// The edition switcher keeps the map's view: the same view state (query string and #fragment of this
// moment, which the map may have changed since the page was served) in the other year's map.
function followMapState(link) {
  const target = new URL(link.href, window.location.href);
  target.search = window.location.search;
  target.hash = window.location.hash;
  link.href = target.href;
}

for (const link of document.querySelectorAll("a[data-edition-switch=map]")) {
  for (const event of ["pointerenter", "focus", "mousedown", "touchstart", "contextmenu", "click"]) {
    link.addEventListener(event, () => followMapState(link), { passive: true });
  }
}

// The language switch keeps the reader where they are: the same page with the query string and
// #fragment of this moment (the map may have changed them since the page was served).
const COOKIE = "django_language";
const YEAR_SECONDS = 365 * 24 * 3600;

function followCurrentState(link) {
  const target = new URL(link.href, window.location.href);
  target.search = window.location.search;
  target.hash = window.location.hash;
  link.href = target.href;
}

for (const link of document.querySelectorAll("a[data-language-switch]")) {
  // Brought up to date whenever the reader may be about to follow or copy it.
  for (const event of ["pointerenter", "focus", "mousedown", "touchstart", "contextmenu"]) {
    link.addEventListener(event, () => followCurrentState(link), { passive: true });
  }
  link.addEventListener("click", () => {
    followCurrentState(link);
    // Remembered for the next visit to "/", which otherwise follows the browser's language.
    if (link.dataset.languageSwitch) {
      document.cookie = `${COOKIE}=${link.dataset.languageSwitch}; path=/; max-age=${YEAR_SECONDS}; samesite=lax`;
    }
  });
}

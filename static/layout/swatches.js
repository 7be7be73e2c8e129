// Chain colours reach the page as data-swatch, not as style attributes (which the Content-Security-Policy
// refuses): each swatch takes its colour here, through the CSSOM, which the policy allows.
for (const swatch of document.querySelectorAll("[data-swatch]")) {
  swatch.style.setProperty("--swatch", swatch.dataset.swatch);
}

// Comparison: a checkbox per cluster in the list, and a link to the compare page once 2 to 4 are ticked.
import { actions, app } from "./map-app.js";
import { fill } from "./map-format.js";

function checks() {
  return [...document.querySelectorAll(".compare-check")];
}

export function showCompare() {
  const { state, config, text } = app;
  const full = state.compare.length >= config.compareMax;
  for (const check of checks()) {
    check.checked = state.compare.includes(check.value);
    check.disabled = full && !check.checked;
  }
  const compareLink = document.querySelector(".compare-link");
  const compareHint = document.querySelector(".compare-hint");
  if (!compareLink) return;
  const enough = state.compare.length >= config.compareMin;
  compareLink.hidden = !enough;
  compareLink.parentElement.classList.toggle("is-ready", enough);
  if (enough) {
    compareLink.href = `${config.compareUrl}?clusters=${state.compare.join(",")}`;
    compareLink.textContent = `${fill(text.compareLink, { count: state.compare.length })} →`;
  }
  compareHint.textContent = full
    ? fill(text.compareFull, { max: config.compareMax })
    : fill(text.compareHint, { min: config.compareMin, max: config.compareMax });
  compareHint.hidden = enough && !full;
}

export function setUpCompare() {
  for (const check of checks()) {
    check.addEventListener("change", () => {
      const others = app.state.compare.filter((slug) => slug !== check.value);
      actions.commit({ ...app.state, compare: check.checked ? [...others, check.value] : others });
    });
  }
}

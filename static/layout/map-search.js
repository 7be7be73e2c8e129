// Search by any name in either language: clusters, districts, chains, scenarios, projects
// (the index comes from layout/map_data.py search_index). Results are buttons; choosing one flies the map.
import { element } from "./map-shared.js";
import { fill } from "./map-format.js";

const KIND_ORDER = ["cluster", "district", "chain", "scenario", "project"];
const MAX_RESULTS = 12;

// Case, width, spaces and punctuation do not count: "jing an", "Jing'an" and "ＪＩＮＧ＇ＡＮ" are one.
export function normalise(text) {
  return String(text || "").normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
}

function rank(entry, query) {
  let best = Infinity;
  for (const term of entry.normalisedTerms) {
    const at = term.indexOf(query);
    if (at < 0) continue;
    best = Math.min(best, term === query ? 0 : at === 0 ? 1 : 2);
  }
  return best;
}

export function search(index, text) {
  const query = normalise(text);
  if (!query) return [];
  return index
    .map((entry) => ({ entry, rank: rank(entry, query) }))
    .filter((hit) => hit.rank !== Infinity)
    .sort((a, b) => a.rank - b.rank || KIND_ORDER.indexOf(a.entry.kind) - KIND_ORDER.indexOf(b.entry.kind))
    .slice(0, MAX_RESULTS)
    .map((hit) => hit.entry);
}

function resultContent(entry) {
  const parts = [element("span", "result-kind", entry.kindLabel)];
  const [name, other] = entry.names;
  parts.push(element("span", "result-name", name));
  if (other && other !== name) parts.push(element("span", "result-other", other));
  if (entry.detail) parts.push(element("span", "result-detail", entry.detail));
  if (entry.note) parts.push(element("span", "result-note", entry.note));
  return parts;
}

// A search has settled when the reader presses Enter, chooses a result, leaves the box, or stops typing
// for this long: then onSettled(query, found) is told (to count it), not at every letter.
const SETTLE_MS = 2000;

export function setUpSearch({ input, status, results, index, text, onChoose, onSettled = () => {} }) {
  for (const entry of index) entry.normalisedTerms = entry.terms.map(normalise);
  let shown = { query: "", found: 0 };
  let settleTimer = null;

  function settle() {
    clearTimeout(settleTimer);
    if (shown.query) onSettled(shown.query, shown.found);
  }

  function clear() {
    results.replaceChildren();
    results.hidden = true;
    status.textContent = "";
  }

  function show() {
    const query = input.value.trim();
    clearTimeout(settleTimer);
    if (!query) {
      shown = { query: "", found: 0 };
      clear();
      return;
    }
    const found = search(index, query);
    shown = { query, found: found.length };
    settleTimer = setTimeout(settle, SETTLE_MS);
    results.replaceChildren(...found.map((entry) => {
      const item = element("li", `search-result result-${entry.kind}`);
      if (entry.target) {
        const button = element("button", "search-choice");
        button.type = "button";
        button.append(...resultContent(entry));
        button.addEventListener("click", () => {
          settle();
          onChoose(entry);
        });
        item.append(button);
      } else {
        // Nothing to fly to: said plainly rather than offered as a button that does nothing.
        const plain = element("div", "search-unplaced");
        plain.append(...resultContent(entry));
        item.append(plain);
      }
      return item;
    }));
    results.hidden = found.length === 0;
    status.textContent = found.length
      ? fill(text.searchCount, { count: found.length })
      : fill(text.searchNone, { query });
  }

  function buttons() {
    return [...results.querySelectorAll("button")];
  }

  input.addEventListener("input", show);
  input.addEventListener("change", settle);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") settle();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && buttons().length) {
      event.preventDefault();
      buttons()[0].focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      settle();
      const first = buttons()[0];
      if (first) first.click();
    } else if (event.key === "Escape") {
      input.value = "";
      clear();
    }
  });
  results.addEventListener("keydown", (event) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < all.length - 1) {
      event.preventDefault();
      all[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? all[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      input.focus();
    }
  });
  return { clear };
}

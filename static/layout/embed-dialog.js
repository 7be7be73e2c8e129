// The "Embed this map" dialog of the map and cluster pages: the options chosen become an /embed/
// address, shown live in a preview and written into a responsive iframe snippet to copy. The snippet
// is text built here, each value escaped for an HTML attribute.
import { readJson } from "./map-shared.js";
import { EMBED_STATE_PARAMETERS } from "./map-parameters.js";

const config = readJson("embed-dialog-config");
const dialog = document.getElementById("embed-dialog");
const form = document.getElementById("embed-options");
const preview = document.getElementById("embed-preview");
const previewFrame = preview.parentElement;
const code = document.getElementById("embed-code");
const status = dialog.querySelector(".embed-status");
const link = dialog.querySelector("[data-embed-link]");
// The map's own parameters that the dialog has a field for.
const STATE_FIELDS = EMBED_STATE_PARAMETERS.filter((name) => form.elements[name]);
const SHAPES = { "4:3": [4, 3], "16:9": [16, 9], "1:1": [1, 1], "3:4": [3, 4] };
const PREVIEW_DELAY = 300;

let opener = null;
let previewTimer = null;

export function escapeAttribute(value) {
  return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function embedAddress(data) {
  const query = new URLSearchParams();
  query.set("lang", data.get("lang"));
  for (const name of STATE_FIELDS) {
    const value = data.get(name);
    if (value) query.set(name, value);
  }
  // All controls is the default: the address then stays short.
  const controls = data.getAll("controls");
  if (!controls.length) query.set("controls", "none");
  else if (controls.length < config.controls.length) query.set("controls", controls.join(","));
  if (!data.get("legend")) query.set("legend", "0");
  // Pinned to the edition shown unless the portal wants whatever edition is the latest when read.
  const base = data.get("edition") === "latest" && config.latestEmbedUrl ? config.latestEmbedUrl : config.embedUrl;
  return `${base}?${query.toString().replace(/%2C/g, ",")}`;
}

// A wrapper that keeps the frame's shape at any width (padding-top: works in every browser).
export function snippet(address, title, [width, height]) {
  const ratio = Number(((height / width) * 100).toFixed(4));
  return [
    `<div style="position:relative;width:100%;height:0;padding-top:${ratio}%;overflow:hidden">`,
    `  <iframe src="${escapeAttribute(address)}" title="${escapeAttribute(title)}" loading="lazy"`,
    `    allow="${escapeAttribute(config.allow)}" allowfullscreen referrerpolicy="${escapeAttribute(config.referrerPolicy)}"`,
    "    style=\"position:absolute;top:0;left:0;width:100%;height:100%;border:0\"></iframe>",
    "</div>",
  ].join("\n");
}

function shape(data) {
  return SHAPES[data.get("shape")] || SHAPES["4:3"];
}

function update({ now = false } = {}) {
  const data = new FormData(form);
  const address = embedAddress(data);
  const [width, height] = shape(data);
  code.value = snippet(address, config.titles[data.get("lang")] || "", [width, height]);
  link.href = address;
  previewFrame.style.setProperty("--embed-ratio", `${width} / ${height}`);
  status.textContent = "";
  clearTimeout(previewTimer);
  const load = () => {
    if (dialog.open && preview.getAttribute("src") !== address) preview.src = address;
  };
  if (now) load();
  else previewTimer = setTimeout(load, PREVIEW_DELAY);
}

// On the map page the dialog starts from what the map shows now (its address holds it).
function startFromPage() {
  const query = new URLSearchParams(window.location.search);
  for (const name of STATE_FIELDS) {
    const value = query.get(name);
    const select = form.elements[name];
    if (value && select && [...select.options].some((option) => option.value === value)) select.value = value;
  }
}

async function copy() {
  code.focus();
  code.select();
  try {
    await navigator.clipboard.writeText(code.value);
    status.textContent = config.text.copied;
  } catch {
    // No clipboard access (an insecure address, a refusal): the code is selected for Ctrl+C.
    status.textContent = document.execCommand && document.execCommand("copy") ? config.text.copied : config.text.copyFailed;
  }
}

for (const button of document.querySelectorAll("[data-embed-open]")) {
  button.addEventListener("click", () => {
    opener = button;
    startFromPage();
    dialog.showModal();
    update({ now: true });
  });
}
dialog.querySelector("[data-embed-close]").addEventListener("click", () => dialog.close());
// A click on the backdrop closes the dialog, as Escape does; the dialog's own padding is in its inner box.
dialog.addEventListener("click", (event) => {
  if (event.target === dialog) dialog.close();
});
dialog.addEventListener("close", () => {
  clearTimeout(previewTimer);
  if (opener && document.contains(opener)) opener.focus();
});
form.addEventListener("change", () => update());
form.addEventListener("submit", (event) => event.preventDefault());
dialog.querySelector("[data-embed-copy]").addEventListener("click", copy);
update();

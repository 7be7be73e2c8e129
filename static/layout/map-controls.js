// Map controls of our own (nothing fetched from another host): zoom to Shanghai, locate me,
// full screen, the map approval number, a spoken/visible message line, and tooltips kept inside the map.
import { element } from "./map-shared.js";
import { fill } from "./map-format.js";

const L = window.L;
const SVG_NS = "http://www.w3.org/2000/svg";

// Space kept between an overlay and the map's edge, in pixels.
const EDGE = 6;

// A tooltip kept inside the map: near an edge it is moved in rather than squeezed or cut off.
const FittedTooltip = L.Tooltip.extend({
  _setPosition(pos) {
    L.Tooltip.prototype._setPosition.call(this, pos);
    const map = this._map;
    const node = this._container;
    if (!map || !node) return;
    const size = map.getSize();
    const at = map.layerPointToContainerPoint(L.DomUtil.getPosition(node));
    const x = Math.max(EDGE, Math.min(at.x, size.x - node.offsetWidth - EDGE));
    const y = Math.max(EDGE, Math.min(at.y, size.y - node.offsetHeight - EDGE));
    if (x !== at.x || y !== at.y) L.DomUtil.setPosition(node, map.containerPointToLayerPoint(L.point(x, y)));
  },
});

export function fittedTooltip(content, options = {}) {
  return new FittedTooltip({ sticky: true, className: "cluster-tooltip", ...options }).setContent(content);
}

// Small line icons, drawn here so no image or font is fetched.
const ICONS = {
  home: ["M3 11 12 3l9 8", "M5 10v10h5v-6h4v6h5V10"],
  locate: ["M12 2v4", "M12 18v4", "M2 12h4", "M18 12h4", "M12 7a5 5 0 1 0 0 10a5 5 0 1 0 0-10z"],
  fullscreen: ["M3 9V3h6", "M15 3h6v6", "M21 15v6h-6", "M9 21H3v-6"],
  exitFullscreen: ["M9 3v6H3", "M21 9h-6V3", "M15 21v-6h6", "M3 15h6v6"],
};

export function icon(name) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

function barButton(className, label, iconName, onClick) {
  const button = element("button", `map-button ${className}`);
  button.type = "button";
  button.title = label;
  button.setAttribute("aria-label", label);
  button.append(icon(iconName));
  button.addEventListener("click", onClick);
  return button;
}

// One bar of buttons: [{className, label, icon, onClick}] → the buttons, by className.
export const ButtonBar = L.Control.extend({
  options: { position: "topleft", buttons: [] },
  onAdd() {
    const bar = element("div", "leaflet-bar map-button-bar");
    this.buttons = {};
    for (const spec of this.options.buttons) {
      const button = barButton(spec.className, spec.label, spec.icon, spec.onClick);
      this.buttons[spec.className] = button;
      bar.append(button);
    }
    L.DomEvent.disableClickPropagation(bar);
    return bar;
  },
});

// An element of the page moved into a map corner, so that Leaflet stacks it with the other controls.
export const ElementControl = L.Control.extend({
  options: { position: "bottomright", element: null },
  onAdd() {
    const node = this.options.element;
    node.classList.add("leaflet-control");
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    return node;
  },
  onRemove() {},
});

export function approvalControl(number, text) {
  const node = element("p", "map-approval", fill(text.approval, { number }));
  return new ElementControl({ position: "bottomright", element: node });
}

// Full screen for the whole map page (map and list), with the Fullscreen API where the browser has
// one and a page-filling class elsewhere (iPhone Safari).
export function fullscreenToggle(target, map, text, button) {
  const native = Boolean(target.requestFullscreen && document.fullscreenEnabled);
  const isOn = () => (native ? document.fullscreenElement === target : target.classList.contains("is-fullscreen"));
  const show = () => {
    const on = isOn();
    const label = on ? text.exitFullscreen : text.fullscreen;
    button.title = label;
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-pressed", String(on));
    button.replaceChildren(icon(on ? "exitFullscreen" : "fullscreen"));
    document.body.classList.toggle("map-fullscreen", on);
    map.invalidateSize();
  };
  if (native) document.addEventListener("fullscreenchange", show);
  show();
  return () => {
    if (native) {
      if (isOn()) document.exitFullscreen();
      else target.requestFullscreen().catch(() => {});
    } else {
      target.classList.toggle("is-fullscreen");
      show();
    }
  };
}

// A short message over the map, also read out by screen readers.
export function messageLine(parent) {
  const line = element("p", "map-message");
  line.setAttribute("role", "status");
  line.hidden = true;
  parent.append(line);
  let timer = null;
  return (message) => {
    clearTimeout(timer);
    line.textContent = message;
    line.hidden = !message;
    if (message) timer = setTimeout(() => { line.hidden = true; line.textContent = ""; }, 6000);
  };
}

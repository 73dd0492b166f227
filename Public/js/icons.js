// The few icons the pages draw (stroke icons, 24×24, coloured by currentColor through CSS).

import { svg } from "./dom.js";

const PATHS = {
  close: ["M6 6l12 12", "M18 6L6 18"],
  back: ["M15 18l-6-6 6-6"],
  cart: ["M3 4h2l2.2 10.5a1.5 1.5 0 0 0 1.5 1.2h8.6a1.5 1.5 0 0 0 1.4-1.1L20.5 8H6"],
  bell: ["M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15z", "M10 20a2 2 0 0 0 4 0"],
  alert: ["M4 8h16", "M4 16h16"],
  orders: ["M9 8h6", "M9 12h6", "M9 16h4"],
  briefcase: ["M9 7V5.5A1.5 1.5 0 0 1 10.5 4h3A1.5 1.5 0 0 1 15 5.5V7"],
  search: ["M20 20l-4.5-4.5"],
  trash: ["M4 7h16", "M10 11v6", "M14 11v6", "M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12", "M9 7V4h6v3"],
  edit: ["M4 20h4L19 9l-4-4L4 16z", "M13.5 6.5l4 4"],
  pause: ["M9 5v14", "M15 5v14"],
  play: ["M7 5l12 7-12 7z"],
  check: ["M5 12.5l4.5 4.5L19 7"],
  bolt: ["M13 3L5 14h6l-1 7 8-11h-6z"],
  chart: ["M4 18l5-6 4 3 7-9"],
};

const EXTRA = {
  cart: () => [svg("circle", { cx: 9.5, cy: 19.5, r: 1.3 }), svg("circle", { cx: 17, cy: 19.5, r: 1.3 })],
  alert: () => [svg("circle", { cx: 9, cy: 8, r: 2 }), svg("circle", { cx: 15, cy: 16, r: 2 })],
  orders: () => [svg("rect", { x: 5, y: 3.5, width: 14, height: 17, rx: 2 })],
  briefcase: () => [svg("rect", { x: 3.5, y: 7, width: 17, height: 12.5, rx: 2 })],
  search: () => [svg("circle", { cx: 11, cy: 11, r: 6 })],
};

export function icon(name, { size = 16, className = "icon" } = {}) {
  return svg("svg", {
    viewBox: "0 0 24 24", width: size, height: size, class: className,
    "aria-hidden": "true", focusable: "false", fill: "none", stroke: "currentColor",
    "stroke-width": 1.8, "stroke-linecap": "round", "stroke-linejoin": "round",
  }, ...(PATHS[name] ?? []).map((d) => svg("path", { d })), ...(EXTRA[name]?.() ?? []));
}

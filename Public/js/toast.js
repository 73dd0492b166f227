// Toasts: short, polite announcements in the corner (bottom on phones). The container is an aria-live region, so
// screen readers read them; errors stay longer; each has a close button; at most four are shown at once.

import { h } from "./dom.js";
import { icon } from "./icons.js";

const MAX_VISIBLE = 4;
let container = null;

function root() {
  container ??= document.getElementById("toasts");
  return container;
}

/**
 * toast({title, text, tone: "info"|"up"|"down"|"warn", action: {label, href}, timeout})
 */
export function toast({ title, text = "", tone = "info", action = null, timeout } = {}) {
  // The container is the polite live region; only errors interrupt (role=alert).
  const el = h(`div.toast.toast-${tone}`, { attrs: { role: tone === "down" ? "alert" : null }, dataset: { tone } },
    h("div.toast-body", null,
      title ? h("div.toast-title", { text: title }) : null,
      text ? h("div.toast-text", { text }) : null,
      action ? h("div.toast-action", null, h("a", { href: action.href, text: action.label })) : null),
    h("button.icon-btn.toast-close", { type: "button", attrs: { "aria-label": "Dismiss" }, on: { click: () => dismiss(el) } },
      icon("close")));
  const box = root();
  box.append(el);
  while (box.children.length > MAX_VISIBLE) box.firstElementChild.remove();
  const ms = timeout ?? (tone === "down" ? 8000 : 5000);
  let timer = setTimeout(() => dismiss(el), ms);
  // Keep it while the pointer or focus is on it.
  el.addEventListener("mouseenter", () => clearTimeout(timer));
  el.addEventListener("mouseleave", () => { timer = setTimeout(() => dismiss(el), 2500); });
  el.addEventListener("focusin", () => clearTimeout(timer));
  return el;
}

export function dismiss(el) {
  if (!el.isConnected || el.classList.contains("leaving")) return;
  el.classList.add("leaving");
  el.addEventListener("animationend", () => el.remove(), { once: true });
  setTimeout(() => el.remove(), 400); // in case animations are off
}

/** A toast for an ApiError (or any error). */
export function toastError(error, title = "That didn't work") {
  toast({ title, text: error?.reason ?? error?.message ?? String(error), tone: "down" });
}

/** Removes every toast at once (on sign-out: one user's messages must not stay on screen for the next). */
export function clearToasts() {
  root()?.replaceChildren();
}

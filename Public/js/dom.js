// Building DOM from text, never from HTML strings: nothing from the server can become markup.

/**
 * h("a.sym-name", {href, attrs: {"aria-label": …}, on: {click}}, "RELIANCE")
 * The tag may carry classes after dots. Props: class, text, attrs, dataset, on, and any plain DOM property.
 */
export function h(tag, props, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (props) applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (SVG uses attributes, not properties). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    switch (key) {
      case "class":
        if (value) el.className = el.className ? `${el.className} ${value}` : value;
        break;
      case "text":
        el.textContent = value;
        break;
      case "attrs":
        for (const [name, v] of Object.entries(value)) {
          if (v === false || v === null || v === undefined) continue;
          el.setAttribute(name, v === true ? "" : String(v));
        }
        break;
      case "dataset":
        for (const [name, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[name] = String(v);
        break;
      case "on":
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
        break;
      default:
        el[key] = value;
    }
  }
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

/** Replaces all children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Sets text only when it changed (cheap for live-updating cells). */
/**
 * The block a page shows instead of its content: an optional icon node, a title, a sentence, and an optional link
 * (`{ href, text }`) or button node as the way on. `card: true` when it stands alone on the page.
 */
export function emptyState({ icon = null, title, text, link = null, action = null, card = false }) {
  return h(card ? "div.card.empty" : "div.empty", null,
    icon,
    h("strong", { text: title }),
    text ? h("span", { text }) : null,
    link ? h("a.btn.btn-primary", { href: link.href, text: link.text }) : null,
    action);
}

/** The state a page shows when its data could not be loaded: what failed, the server's reason, and a Retry button. */
export function loadFailed(what, error, retry, { card = false } = {}) {
  return emptyState({
    title: `Could not load ${what}`,
    text: error.reason ?? error.message ?? "",
    action: h("button.btn.btn-sm", { type: "button", text: "Retry", on: { click: retry } }),
    card,
  });
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets the up/down/flat colour class of an element from a signed number. */
export function setTone(el, value) {
  const tone = value > 0 ? "up" : value < 0 ? "down" : "flat";
  if (el.dataset.tone === tone) return;
  el.classList.remove("up", "down", "flat");
  el.classList.add(tone);
  el.dataset.tone = tone;
}

/** Restarts the flash animation on a cell (alternating two identical keyframes, so no reflow is needed). */
export function flash(el, direction) {
  if (!direction) return;
  const next = el.dataset.flash === `${direction}-a` ? `${direction}-b` : `${direction}-a`;
  el.classList.remove("flash-up-a", "flash-up-b", "flash-down-a", "flash-down-b");
  el.classList.add(`flash-${next}`);
  el.dataset.flash = next;
}

let uid = 0;
/** A document-unique id for label/aria wiring. */
export function nextId(prefix = "id") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Writes a field's error message under it and marks the input invalid (or clears both). */
export function setFieldError(input, message) {
  const errorEl = input.closest(".field")?.querySelector(".field-error")
    ?? document.getElementById(input.getAttribute("aria-describedby")?.split(" ").find((id) => id.endsWith("-error")) ?? "");
  if (message) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
  if (errorEl) errorEl.textContent = message || "";
}

/**
 * A labelled form field: label, input (with error wiring) and an error line.
 * Returns {field, input, error}.
 */
export function field({ label, name, type = "text", value, placeholder, autocomplete, inputmode, step, min, max,
                        required, prefix, hint, inputClass = "" }) {
  const id = nextId(name);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const input = h(`input.input${inputClass ? "." + inputClass.split(" ").join(".") : ""}`, {
    id, name, type,
    attrs: {
      placeholder, autocomplete, inputmode, step, min, max, required: required || false,
      "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
    },
  });
  if (value !== undefined && value !== null) input.value = value;
  const error = h("div.field-error", { id: errorId, attrs: { "aria-live": "polite" } });
  const control = prefix ? h("div.input-affix", null, h("span.affix", { attrs: { "aria-hidden": "true" } }, prefix), input) : input;
  const fieldEl = h("div.field", { dataset: { field: name } },
    h("label", { htmlFor: id, text: label }),
    control,
    hint ? h("div.hint", { id: hintId, text: hint }) : null,
    error);
  input.addEventListener("input", () => { if (input.getAttribute("aria-invalid")) setFieldError(input, ""); });
  return { field: fieldEl, input, error };
}

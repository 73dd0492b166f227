// Modal dialogs on the native <dialog> (showModal makes the rest of the page inert, Escape closes it), plus an
// explicit focus trap so Tab and Shift+Tab cycle inside the dialog in every browser, and focus returns to the
// control that opened it.

import { h } from "./dom.js";
import { icon } from "./icons.js";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * openDialog({title, body: Node|Node[], actions: [{label, kind, type, onClick}], onSubmit, initialFocus})
 * Returns {dialog, close, form}. With onSubmit the body is a <form>: Enter submits; onSubmit(event) may return a
 * promise; the dialog closes when it resolves to anything but false.
 */
export function openDialog({ title, description, body = [], actions = [], onSubmit, initialFocus, className = "" }) {
  const opener = document.activeElement;
  const titleId = `dlg-title-${Math.random().toString(36).slice(2, 8)}`;
  const descId = description ? `${titleId}-desc` : null;

  const buttons = actions.map((action) => h(`button.btn${action.kind ? ".btn-" + action.kind : ""}`, {
    type: action.type ?? "button",
    text: action.label,
    dataset: { action: action.id ?? action.label.toLowerCase() },
    on: action.onClick ? { click: (event) => action.onClick(event, api) } : undefined,
  }));
  const inner = [
    h("div.modal-head", null,
      h("h2", { id: titleId, text: title }),
      h("button.icon-btn", { type: "button", attrs: { "aria-label": "Close" }, on: { click: () => close() } }, icon("close"))),
    h("div.modal-body", null, description ? h("p.muted", { id: descId, text: description }) : null, body),
    buttons.length ? h("div.modal-foot", null, buttons) : null,
  ];
  const form = onSubmit ? h("form", { noValidate: true, attrs: { method: "dialog" } }, inner) : null;
  const dialog = h(`dialog.modal${className ? "." + className : ""}`, {
    attrs: { "aria-labelledby": titleId, "aria-describedby": descId },
  }, form ?? inner);

  let closed = false;
  function close(value) {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close(value ?? "");
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
  }
  const api = { dialog, form, close };

  dialog.addEventListener("close", () => close());
  dialog.addEventListener("cancel", (event) => {
    if (dialog.dataset.busy === "true") event.preventDefault();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });
  // A click on the backdrop (outside the box) closes it.
  dialog.addEventListener("mousedown", (event) => {
    if (event.target === dialog && dialog.dataset.busy !== "true") close();
  });
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (dialog.dataset.busy === "true") return;
      dialog.dataset.busy = "true";
      const submitButton = form.querySelector('button[type="submit"]');
      if (submitButton) submitButton.disabled = true;
      try {
        const result = await onSubmit(event, api);
        if (result !== false) close();
      } finally {
        dialog.dataset.busy = "false";
        if (submitButton) submitButton.disabled = false;
      }
    });
  }

  document.body.append(dialog);
  dialog.showModal();
  const target = typeof initialFocus === "function" ? initialFocus(dialog) : initialFocus;
  (target ?? dialog.querySelector("input, select, textarea") ?? buttons[buttons.length - 1] ?? dialog.querySelector("button"))?.focus();
  return api;
}

/** confirmDialog({title, text, confirmLabel, kind}) → Promise<boolean>. */
export function confirmDialog({ title, text, confirmLabel = "Confirm", cancelLabel = "Cancel", kind = "primary" }) {
  return new Promise((resolve) => {
    let answered = false;
    const { dialog } = openDialog({
      title,
      description: text,
      // A destructive confirmation starts on the safe choice: Enter right away does not delete anything.
      initialFocus: kind === "sell" ? (d) => d.querySelector('[data-action="cancel"]') : null,
      actions: [
        { label: cancelLabel, id: "cancel", onClick: (_e, d) => { answered = true; resolve(false); d.close(); } },
        { label: confirmLabel, id: "confirm", kind, onClick: (_e, d) => { answered = true; resolve(true); d.close(); } },
      ],
    });
    dialog.addEventListener("close", () => { if (!answered) resolve(false); });
  });
}

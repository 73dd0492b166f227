// Notifications: what happened, newest first (alerts that fired, orders that settled), including what happened
// while this tab was closed (js/notifications.js reconciles with the server). Opening the page marks them read.

import * as notifications from "../notifications.js";
import { bus } from "../events.js";
import { h, replace } from "../dom.js";
import { ago, whenIST } from "../format.js";
import { icon } from "../icons.js";

const KIND_ICON = { "cart.added": "cart", order: "orders" };

export function mount(root) {
  document.title = "Notifications · StockCart";
  const list = h("ol.notes", { attrs: { "aria-label": "Notifications" } });
  const clear = h("button.btn.btn-sm.btn-ghost", { type: "button", text: "Clear all",
    on: { click: () => { notifications.clearAll(); render(); } } });
  root.append(h("section.page.notifications", null,
    h("div.page-head", null, h("h1", { text: "Notifications" }), clear),
    h("div.card", null, list)));

  // What was unread when the page opened stays highlighted while it is open.
  const unreadAtOpen = new Set(notifications.items().filter((n) => !n.read).map((n) => n.key));

  function render() {
    const items = notifications.items();
    clear.hidden = !items.length;
    if (!items.length) {
      replace(list, h("li.empty", null, icon("bell", { size: 40 }), h("strong", { text: "Nothing yet" }),
        h("span", { text: "Alerts that fire and orders that settle show up here, even if you were away." })));
      return;
    }
    replace(list, items.map((item) => {
      const tone = item.kind === "order" ? (item.status === "EXECUTED" ? "up" : item.status === "FAILED" ? "down" : "warn") : "accent";
      return h(`li.note${unreadAtOpen.has(item.key) ? ".note-unread" : ""}`, { dataset: { kind: item.kind } },
        h(`span.note-icon.note-${tone}`, null, icon(KIND_ICON[item.kind] ?? "bell")),
        h("div.note-body", null,
          h("div.note-title", null, h("a", { href: item.href ?? "#/", text: item.title })),
          h("div.note-text", { text: item.text })),
        h("time.note-time", { dateTime: item.time, text: ago(item.time), attrs: { title: `${whenIST(item.time)} IST` } }));
    }));
  }

  render();
  notifications.markAllRead();
  const off = bus.on("notifications", () => {
    const fresh = notifications.items().filter((n) => !n.read);
    if (fresh.length) {
      fresh.forEach((n) => unreadAtOpen.add(n.key));
      render();
      notifications.markAllRead();
    }
  });
  return { unmount: off };
}

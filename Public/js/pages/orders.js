// Orders, newest first, with live status changes (PENDING → EXECUTED / FAILED / CANCELLED) from the socket: fill
// price, charges (with the breakdown), total and the reason of a failure. A pending order can be cancelled.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { h, replace, setText, loadFailed, emptyState } from "../dom.js";
import { num, inr, int, whenIST } from "../format.js";
import { confirmDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";

const STATUS_TONE = { PENDING: "badge-warn badge-pulse", EXECUTED: "badge-up", FAILED: "badge-down", CANCELLED: "badge-plain" };
const FILTERS = [
  { key: "all", label: "All", test: () => true },
  { key: "open", label: "Open", test: (o) => o.status === "PENDING" },
  { key: "executed", label: "Executed", test: (o) => o.status === "EXECUTED" },
  { key: "failed", label: "Failed", test: (o) => o.status === "FAILED" },
  { key: "cancelled", label: "Cancelled", test: (o) => o.status === "CANCELLED" },
];
let filterKey = "all";

export function mount(root, { signal }) {
  document.title = "Orders · StockCart";
  const cleanups = [];
  let orders = [];

  const filterButtons = FILTERS.map((f) => h("button", {
    type: "button", text: f.label, dataset: { filter: f.key }, attrs: { "aria-pressed": String(f.key === filterKey) },
    on: { click: () => { filterKey = f.key; syncFilter(); render(); } },
  }));
  function syncFilter() {
    for (const b of filterButtons) b.setAttribute("aria-pressed", String(b.dataset.filter === filterKey));
  }
  const countEl = h("span.page-sub");
  const tbody = h("tbody");
  const table = h("table.table.orders-table.stack-sm", { attrs: { "aria-label": "Orders" } },
    h("thead", null, h("tr", null,
      h("th.hide-sm", { scope: "col", text: "Time" }),
      h("th", { scope: "col", text: "Instrument" }),
      h("th.num", { scope: "col", text: "Qty" }),
      h("th.num", { scope: "col", text: "Price" }),
      h("th.num.hide-sm", { scope: "col", text: "Charges" }),
      h("th.num.hide-md", { scope: "col", text: "Total" }),
      h("th", { scope: "col", text: "Status" }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    tbody);
  const body = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading orders…"));
  root.append(h("section.page.orders", null,
    h("div.page-head", null, h("h1", { text: "Orders" }), countEl,
      h("div.segmented", { attrs: { role: "group", "aria-label": "Show orders" } }, filterButtons)),
    h("div.card", null, body)));

  function render() {
    const filter = FILTERS.find((f) => f.key === filterKey) ?? FILTERS[0];
    const shown = orders.filter(filter.test);
    const pending = orders.filter((o) => o.status === "PENDING").length;
    setText(countEl, orders.length ? `${orders.length} order${orders.length === 1 ? "" : "s"}${pending ? ` · ${pending} open` : ""}` : "");
    if (!orders.length) {
      replace(body, emptyState({ icon: icon("orders", { size: 40 }), title: "No orders yet",
        text: "Check out your cart to place buy orders, or sell from your portfolio.",
        link: { href: "#/cart", text: "Go to cart" } }));
      return;
    }
    if (!shown.length) {
      replace(body, emptyState({ title: "Nothing here", text: "No orders match this filter." }));
      return;
    }
    replace(tbody, shown.map(renderRow));
    replace(body, h("div.table-wrap", null, table));
  }

  function renderRow(order) {
    const sideBadge = h(`span.side.side-${order.side.toLowerCase()}`, { text: order.side });
    const price = order.fill_price != null
      ? h("span", { text: num(order.fill_price), dataset: { testid: "fill-price", value: String(order.fill_price) } })
      : h("span.muted", { text: order.type === "LIMIT" ? `lmt ${num(order.limit_price)}` : "Market" });
    const chargesCell = h("td.num.hide-sm", { dataset: { col: "charges", value: order.charges ?? "" } },
      order.charges != null ? num(order.charges) : h("span.muted", { text: "—" }));
    if (order.charges_breakdown) {
      const b = order.charges_breakdown;
      chargesCell.title = `Brokerage ${inr(b.brokerage)} · STT ${inr(b.stt)} · Exchange ${inr(b.exchange)} · SEBI ${inr(b.sebi)} · Stamp ${inr(b.stamp_duty)} · GST ${inr(b.gst)}`;
    }
    const status = h("div.status-cell", null,
      h(`span.badge.${(STATUS_TONE[order.status] ?? "badge-plain").split(" ").join(".")}`, {
        text: order.status, dataset: { testid: "order-status" },
      }),
      order.reason ? h("span.status-reason", { text: order.reason }) : null);
    const cancel = order.status === "PENDING"
      ? h("button.btn.btn-sm", { type: "button", text: "Cancel", attrs: { "aria-label": `Cancel ${order.side} ${order.quantity} ${order.symbol}` },
        on: { click: () => cancelOrder(order) } })
      : null;
    return h("tr", { dataset: { orderId: order.id, status: order.status, symbol: order.symbol } },
      h("td.hide-sm.muted.nowrap", { text: whenIST(order.executed_at ?? order.created_at) }),
      h("td.c-sym", null, h("div.sym", null,
        h("span.sym-line", null, sideBadge, h("a.sym-name", { href: `#/stock/${encodeURIComponent(order.symbol)}`, text: order.symbol })),
        h("span.sym-sub", { text: `${order.type === "LIMIT" ? "Limit" : "Market"} · ${whenIST(order.created_at)}` }))),
      h("td.num.c-qty", { dataset: { col: "quantity" }, text: int(order.quantity) }),
      h("td.num.c-price", { dataset: { col: "price" } }, price),
      chargesCell,
      h("td.num.hide-md", { dataset: { col: "total", value: order.total ?? "" }, text: order.total != null ? inr(order.total) : "—" }),
      h("td.c-status", null, status),
      h("td.actions.c-actions", null, cancel));
  }

  async function cancelOrder(order) {
    const ok = await confirmDialog({
      title: "Cancel this order?",
      text: `${order.side} ${int(order.quantity)} ${order.symbol} at market.`,
      confirmLabel: "Cancel order",
      cancelLabel: "Keep it",
      kind: "sell",
    });
    if (!ok) return;
    try {
      const updated = await api.post(`/api/orders/${order.id}/cancel`, {}, { signal });
      upsert(updated);
      toast({ title: "Order cancelled", text: `${updated.side} ${updated.quantity} ${updated.symbol}`, tone: "warn" });
    } catch (error) {
      if (signal.aborted) return;
      toastError(error, error.status === 409 ? "Too late to cancel" : "Could not cancel");
      load();
    }
  }

  function upsert(order) {
    const index = orders.findIndex((o) => o.id === order.id);
    if (index >= 0) orders[index] = order;
    else orders.unshift(order);
    render();
    const tr = tbody.querySelector(`tr[data-order-id="${CSS.escape(order.id)}"]`);
    tr?.classList.add("row-updated");
  }

  async function load() {
    try {
      const since = performance.now();
      const data = await api.get("/api/orders", { signal });
      orders = store.freshen("order", data.orders ?? [], since);
      if (!signal.aborted) render();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(body, loadFailed("orders", error, load));
    }
  }

  cleanups.push(bus.on("order.updated", (order) => upsert(order)));
  load();
  return {
    unmount() { cleanups.forEach((fn) => fn()); },
    resync: load,
  };
}

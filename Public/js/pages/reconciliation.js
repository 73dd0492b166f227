// Reconciliation: this server's orders and holdings beside what Angel One has (GET /api/broker/reconciliation).
// Every difference is highlighted where it is and named in words; when there are none the page says all is in
// agreement. The server's reasons for not comparing (no broker: 404, session to reconnect: 409, broker unreadable:
// 502) are shown as they are, with the way on.

import * as api from "../api.js";
import { h, replace, setText, emptyState, loadFailed } from "../dom.js";
import { num, int, timeIST, whenIST } from "../format.js";
import { icon } from "../icons.js";

const TIMEOUT_MS = 30000; // the server reads the broker's order book, trade book, holdings and positions

/** Each difference in words (the order the server may list them in). */
export const DIFFERENCE_WORDS = {
  missing_at_broker: "Missing at the broker",
  missing_here: "Missing here",
  status: "Different status",
  fill_price: "Different fill price",
  quantity: "Different quantity",
};

export function mount(root, { signal }) {
  document.title = "Reconciliation · StockCart";
  let loading = false;

  const checkedEl = h("span.page-sub", { dataset: { testid: "recon-checked" } });
  const refreshButton = h("button.btn.btn-sm", { type: "button", on: { click: () => load() } }, "Refresh");
  const content = h("div.recon-content", null, h("div.loading", null, h("span.spinner"), "Comparing with Angel One…"));
  root.append(h("section.page.reconciliation", null,
    h("div.page-head", null, h("h1", { text: "Reconciliation" }), checkedEl, refreshButton),
    h("p.hint", null, "Your orders and holdings here, beside what your Angel One account has. ",
      h("a", { href: "#/broker", text: "Broker account" })),
    content));

  // ---- rendering ------------------------------------------------------------------------------------------------
  function differenceTags(differences) {
    if (!differences.length) return h("span.diff-tag.diff-none", { text: "Agrees" });
    return h("span.diff-tags", null, differences.map((d) =>
      h("span.diff-tag", { text: DIFFERENCE_WORDS[d] ?? d, dataset: { difference: d } })));
  }

  /** A cell with this server's value over the broker's: `differs` highlights it, `missing` marks the absent side. */
  function pairCell(column, caption, here, broker, { differs = false, missing = null } = {}) {
    const line = (side, label, value) => h(`span.pair-line.pair-${side}${missing === side ? ".pair-missing" : ""}`, null,
      h("span.pair-label", { text: label }), h("span.pair-value", { text: value }));
    return h(`td.pair${differs ? ".cell-diff" : ""}`, { dataset: { col: column, differs: String(differs) }, attrs: { "data-label": caption } },
      line("here", "Here", here), line("broker", "Angel One", broker));
  }

  function orderRow(order) {
    const diffs = new Set(order.differences ?? []);
    const missingAtBroker = diffs.has("missing_at_broker");
    const missingHere = diffs.has("missing_here");
    const missing = missingAtBroker ? "broker" : missingHere ? "here" : null;
    const side = String(order.side ?? "").toUpperCase();
    const sideEl = side === "BUY" || side === "SELL"
      ? h(`span.side.side-${side.toLowerCase()}`, { text: side })
      : h("span.side", { text: side || "?" });
    const ids = [
      order.order_id ? `here #${String(order.order_id).slice(0, 8)}` : "not here",
      order.broker_order_id ? `Angel One ${order.broker_order_id}` : "not at Angel One",
    ].join(" · ");
    const whole = missingAtBroker || missingHere; // one side has nothing at all: every pair shows it
    return h(`tr${diffs.size ? ".row-diff" : ""}`, {
      dataset: { orderId: order.order_id ?? "", brokerOrderId: order.broker_order_id ?? "", differences: [...diffs].join(" ") },
    },
    h("td.c-sym", null, h("div.sym", null,
      h("span.sym-line", null, sideEl, h("a.sym-name", { href: `#/stock/${encodeURIComponent(order.symbol)}`, text: order.symbol })),
      h("span.sym-sub", { text: ids, title: [order.order_id, order.broker_order_id].filter(Boolean).join(" · ") }))),
    h(`td.num.c-qty${diffs.has("quantity") ? ".cell-diff" : ""}`, { dataset: { col: "quantity" }, attrs: { "data-label": "Qty" }, text: int(order.quantity) }),
    pairCell("status", "Status", order.local_status ?? "—", order.broker_status ?? "—",
      { differs: diffs.has("status") || whole, missing }),
    pairCell("fill_price", "Fill price", order.local_fill_price != null ? num(order.local_fill_price) : "—",
      order.broker_fill_price != null ? num(order.broker_fill_price) : "—",
      { differs: diffs.has("fill_price") || whole, missing }),
    pairCell("filled_quantity", "Filled", order.local_filled_quantity != null ? int(order.local_filled_quantity) : "—",
      order.broker_filled_quantity != null ? int(order.broker_filled_quantity) : "—",
      { differs: diffs.has("quantity") || whole, missing }),
    h("td.c-diff", null, differenceTags([...diffs])));
  }

  function holdingRow(holding) {
    const diffs = holding.differences ?? [];
    const differs = diffs.includes("quantity");
    return h(`tr${diffs.length ? ".row-diff" : ""}`, { dataset: { symbol: holding.symbol, differences: diffs.join(" ") } },
      h("td.c-sym", null, h("a.sym-name", { href: `#/stock/${encodeURIComponent(holding.symbol)}`, text: holding.symbol })),
      h(`td.num${differs ? ".cell-diff" : ""}`, { dataset: { col: "local_quantity" }, attrs: { "data-label": "Here" }, text: int(holding.local_quantity) }),
      h(`td.num${differs ? ".cell-diff" : ""}`, { dataset: { col: "broker_quantity" }, attrs: { "data-label": "Angel One" }, text: int(holding.broker_quantity) }),
      h("td.c-diff", null, differenceTags(diffs)));
  }

  function render(data) {
    const orders = data.orders ?? [];
    const holdings = data.holdings ?? [];
    setText(checkedEl, data.checked_at ? `Checked ${whenIST(data.checked_at)} IST` : "");
    if (data.checked_at) checkedEl.title = `Checked at ${timeIST(data.checked_at)} IST`;

    const count = data.difference_count ?? 0;
    const summary = data.agrees
      ? h("div.card.recon-summary.recon-agree", { dataset: { testid: "recon-summary", agrees: "true" }, attrs: { role: "status" } },
        icon("check", { size: 22 }),
        h("div", null, h("strong", { text: "All in agreement" }),
          h("span", { text: orders.length || holdings.length
            ? ` — ${orders.length} order${orders.length === 1 ? "" : "s"} and ${holdings.length} holding${holdings.length === 1 ? "" : "s"} match Angel One.`
            : " — neither side has orders or holdings yet." })))
      : h("div.card.recon-summary.recon-differ", { dataset: { testid: "recon-summary", agrees: "false" }, attrs: { role: "status" } },
        icon("bolt", { size: 22 }),
        h("div", null, h("strong", { text: `${count} difference${count === 1 ? "" : "s"}` }),
          h("span", { text: " — highlighted below. StockCart settles orders from Angel One's answers; a difference that stays may need a look at your Angel One account." })));

    const ordersTable = orders.length
      ? h("div.table-wrap", null, h("table.table.recon-table.recon-orders.stack-sm", { attrs: { "aria-label": "Orders compared" } },
        h("thead", null, h("tr", null,
          h("th", { scope: "col", text: "Order" }),
          h("th.num", { scope: "col", text: "Qty" }),
          h("th", { scope: "col", text: "Status" }),
          h("th", { scope: "col", text: "Fill price" }),
          h("th", { scope: "col", text: "Filled" }),
          h("th", { scope: "col", text: "Differences" }))),
        h("tbody", null, orders.map(orderRow))))
      : emptyState({ title: "No orders to compare", text: "Neither side has orders yet." });
    const holdingsTable = holdings.length
      ? h("div.table-wrap", null, h("table.table.recon-table.recon-holdings.stack-sm", { attrs: { "aria-label": "Holdings compared" } },
        h("thead", null, h("tr", null,
          h("th", { scope: "col", text: "Instrument" }),
          h("th.num", { scope: "col", text: "Here" }),
          h("th.num", { scope: "col", text: "Angel One" }),
          h("th", { scope: "col", text: "Difference" }))),
        h("tbody", null, holdings.map(holdingRow))))
      : emptyState({ title: "No holdings to compare", text: "Neither side holds shares." });

    replace(content, summary,
      h("div.card.recon-card", null, h("div.card-head", null, h("h2", { text: "Orders" })), ordersTable),
      h("div.card.recon-card", null, h("div.card-head", null, h("h2", { text: "Holdings" })), holdingsTable));
  }

  function renderError(error) {
    setText(checkedEl, "");
    const retry = h("button.btn.btn-sm", { type: "button", text: "Try again", on: { click: () => load() } });
    let state;
    if (error.status === 404) {
      state = emptyState({ title: "Nothing to compare with", text: error.reason,
        link: { href: "#/broker", text: "Connect your broker" }, card: true });
    } else if (error.status === 409) {
      state = emptyState({ title: "Your broker needs reconnecting", text: error.reason,
        link: { href: "#/broker", text: "Reconnect your broker" }, card: true });
    } else if (error.status === 502) {
      state = emptyState({ title: "Angel One could not be read", text: error.reason, action: retry, card: true });
    } else {
      state = loadFailed("the reconciliation", error, () => load(), { card: true });
    }
    state.dataset.testid = "recon-error";
    state.dataset.status = String(error.status);
    replace(content, state);
  }

  // ---- load -------------------------------------------------------------------------------------------------------
  async function load() {
    if (loading) return;
    loading = true;
    refreshButton.disabled = true;
    replace(refreshButton, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Checking…");
    try {
      const data = await api.get("/api/broker/reconciliation", { signal, timeout: TIMEOUT_MS });
      if (!signal.aborted) render(data);
    } catch (error) {
      if (!signal.aborted && error.status !== 401) renderError(error);
    } finally {
      loading = false;
      if (!signal.aborted) {
        refreshButton.disabled = false;
        refreshButton.textContent = "Refresh";
      }
    }
  }

  load();
  return { resync: load };
}

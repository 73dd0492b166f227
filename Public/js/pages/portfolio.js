// Portfolio: cash, holdings with average price, live LTP, P&L and P&L %, totals, and a sell action (a dialog that
// places a MARKET or LIMIT SELL with an idempotency key). Values are recomputed on the client from live prices;
// the server's figures are reloaded after every order update.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { socket } from "../ws.js";
import { h, replace, setText, setTone, flash, field, setFieldError, loadFailed, emptyState } from "../dom.js";
import { num, inr, pct, int, direction, parseAmount, inputPrice } from "../format.js";
import { estimateCharges, loadChargeSchedule } from "../charges.js";
import { openDialog } from "../dialog.js";
import { toast } from "../toast.js";
import { icon } from "../icons.js";
import * as status from "../status.js";

export function mount(root, { signal }) {
  document.title = "Portfolio · StockCart";
  loadChargeSchedule(); // the sell dialog's estimate uses the server's charge schedule
  const cleanups = [];
  let data = null;
  let rows = new Map(); // symbol → parts
  let unwatch = null;

  const card = (label, testid) => {
    const value = h("span.stat-value", { dataset: { testid } });
    const sub = h("span.stat-sub.muted");
    return { value, sub, el: h("div.stat", null, h("span.stat-label", { text: label }), value, sub) };
  };
  const cCash = card("Cash", "cash");
  const cInvested = card("Invested", "invested");
  const cCurrent = card("Current value", "current");
  const cPnl = card("Unrealised P&L", "pnl");
  const summary = h("div.card.stats.pf-summary", null, cCash.el, cInvested.el, cCurrent.el, cPnl.el);

  const tbody = h("tbody");
  const tfoot = h("tfoot");
  const table = h("table.table.holdings-table.stack-sm", { attrs: { "aria-label": "Holdings" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Instrument" }),
      h("th.num", { scope: "col", text: "Qty" }),
      h("th.num.hide-sm", { scope: "col", text: "Avg. cost" }),
      h("th.num", { scope: "col", text: "LTP" }),
      h("th.num.hide-md", { scope: "col", text: "Invested" }),
      h("th.num.hide-sm", { scope: "col", text: "Cur. value" }),
      h("th.num", { scope: "col", text: "P&L" }),
      h("th.num.hide-sm", { scope: "col", text: "Net chg." }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    tbody, tfoot);
  const body = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading portfolio…"));
  const sourceEl = h("span.page-sub", { dataset: { testid: "portfolio-source" } });
  root.append(h("section.page.portfolio", null,
    h("div.page-head", null, h("h1", { text: "Portfolio" }), sourceEl),
    summary,
    h("div.card.holdings-card", null, h("div.card-head", null, h("h2", { text: "Holdings" })), body)));

  /** Whose books these are: paper, the user's Angel One account, or StockCart's own while Angel One cannot be read. */
  function showSource() {
    const source = data.source ?? "paper";
    sourceEl.dataset.source = source;
    sourceEl.classList.toggle("down", source === "local");
    setText(sourceEl, source === "angelone" ? "Angel One account · NSE delivery"
      : source === "local" ? `StockCart's records: Angel One could not be read${data.broker_error ? ` (${data.broker_error})` : ""}`
        : "Paper account · NSE delivery");
  }

  function render() {
    showSource();
    rows = new Map();
    unwatch?.();
    unwatch = socket.watch(data.holdings.map((x) => x.symbol));
    if (!data.holdings.length) {
      replace(body, emptyState({ icon: icon("briefcase", { size: 40 }), title: "No holdings yet",
        text: "Stocks you buy appear here with live P&L.", link: { href: "#/", text: "Browse the market" } }));
    } else {
      replace(tbody, data.holdings.map(renderRow));
      replace(body, h("div.table-wrap", null, table));
    }
    paint();
  }

  function renderRow(holding) {
    const ltp = h("span.flash-cell");
    const invested = h("span");
    const current = h("span");
    const pnl = h("span");
    const pnlSub = h("span.cell-sub.show-sm");
    const pnlPct = h("span");
    const sell = h("button.btn.btn-sm.btn-sell", {
      type: "button", text: "Sell", attrs: { "aria-label": `Sell ${holding.symbol}` }, on: { click: () => openSell(holding) },
    });
    const tr = h("tr", { dataset: { symbol: holding.symbol } },
      h("td.c-sym", null, h("div.sym", null,
        h("a.sym-name", { href: `#/stock/${encodeURIComponent(holding.symbol)}`, text: holding.symbol }),
        h("span.sym-sub.show-sm", { text: `${int(holding.quantity)} sh · avg ${num(holding.average_price)}` }))),
      h("td.num.c-qty.hide-sm", { dataset: { col: "quantity", value: holding.quantity }, text: int(holding.quantity) }),
      h("td.num.hide-sm", { dataset: { col: "average_price", value: holding.average_price }, text: num(holding.average_price) }),
      h("td.num.c-ltp", { dataset: { col: "ltp" } }, h("span.show-sm.cell-label", { text: "LTP " }), ltp),
      h("td.num.hide-md", { dataset: { col: "invested" } }, invested),
      h("td.num.hide-sm", { dataset: { col: "current" } }, current),
      h("td.num.c-pnl", { dataset: { col: "pnl" } }, pnl, pnlSub),
      h("td.num.hide-sm", { dataset: { col: "pnl_percent" } }, pnlPct),
      h("td.actions.c-actions", null, sell));
    rows.set(holding.symbol, { holding, tr, ltp, invested, current, pnl, pnlSub, pnlPct });
    return tr;
  }

  function paint(changed) {
    if (!data) return;
    let invested = 0;
    let current = 0;
    for (const row of rows.values()) {
      const { holding } = row;
      const price = store.stock(holding.symbol)?.ltp ?? holding.ltp;
      const inv = holding.average_price * holding.quantity;
      const cur = price * holding.quantity;
      const gain = cur - inv;
      invested += inv;
      current += cur;
      setText(row.ltp, num(price));
      if (changed?.has(holding.symbol)) flash(row.ltp, direction(price, changed.get(holding.symbol)?.ltp));
      setText(row.invested, num(inv));
      setText(row.current, num(cur));
      setText(row.pnl, num(gain, { signed: true }));
      setTone(row.pnl, gain);
      row.pnl.dataset.value = String(gain);
      const gainPct = inv > 0 ? (gain / inv) * 100 : 0;
      setText(row.pnlPct, pct(gainPct));
      setTone(row.pnlPct, gain);
      setText(row.pnlSub, pct(gainPct));
      setTone(row.pnlSub, gain);
    }
    if (!rows.size) {
      invested = data.totals.invested_value;
      current = data.totals.market_value;
    }
    const gain = current - invested;
    setText(cCash.value, inr(data.cash));
    cCash.value.dataset.value = String(data.cash);
    setText(cCash.sub, data.reserved_cash > 0
      ? `${inr(data.available_cash)} free · ${inr(data.reserved_cash)} held`
      : "all free to trade");
    setText(cInvested.value, inr(invested));
    setText(cInvested.sub, `${rows.size} holding${rows.size === 1 ? "" : "s"}`);
    setText(cCurrent.value, inr(current));
    setText(cCurrent.sub, `Account value ${inr(current + data.cash)}`);
    setText(cPnl.value, inr(gain, { signed: true }));
    setTone(cPnl.value, gain);
    setText(cPnl.sub, `${invested > 0 ? pct((gain / invested) * 100) : "—"} · realised ${inr(data.totals.realised_pnl, { signed: true })}`);
    if (rows.size) {
      replace(tfoot, h("tr.total-row", null,
        h("td", { text: "Total" }), h("td"), h("td.hide-sm"), h("td"),
        h("td.num.hide-md", { text: num(invested) }),
        h("td.num.hide-sm", { text: num(current) }),
        h(`td.num.${gain > 0 ? "up" : gain < 0 ? "down" : "flat"}`, { text: num(gain, { signed: true }) }),
        h(`td.num.hide-sm.${gain > 0 ? "up" : gain < 0 ? "down" : "flat"}`, { text: invested > 0 ? pct((gain / invested) * 100) : "—" }),
        h("td")));
    }
  }

  function openSell(holding) {
    const q = store.stock(holding.symbol);
    const qtyF = field({ label: "Quantity", name: "quantity", type: "number", value: String(holding.quantity),
      min: "1", max: String(holding.quantity), step: "1", inputmode: "numeric", inputClass: "input-num",
      hint: `You hold ${int(holding.quantity)}.` });
    const market = h("input", { type: "radio", name: "sell-type", value: "MARKET", checked: true });
    const limit = h("input", { type: "radio", name: "sell-type", value: "LIMIT" });
    const limitF = field({ label: "Limit price", name: "limit_price", inputmode: "decimal", prefix: "₹",
      value: inputPrice(q?.ltp ?? holding.ltp), inputClass: "input-num" });
    limitF.field.hidden = true;
    const estimate = h("dl.sell-estimate");
    const formError = h("div.form-error", { attrs: { role: "alert" } });
    const key = api.newIdempotencyKey();
    let lastBody = null;
    let bodyKey = key;

    function updateEstimate() {
      limitF.field.hidden = !limit.checked;
      const qty = Number(qtyF.input.value);
      const price = limit.checked ? parseAmount(limitF.input.value) : (store.stock(holding.symbol)?.ltp ?? holding.ltp);
      if (!(Number.isInteger(qty) && qty > 0 && price > 0)) {
        replace(estimate);
        return;
      }
      const charges = estimateCharges({ side: "SELL", price, quantity: qty }).total;
      const pnl = (price - holding.average_price) * qty - charges;
      replace(estimate,
        h("div", null, h("dt", { text: "Value" }), h("dd.num", { text: inr(price * qty) })),
        h("div", null, h("dt", { text: "Est. charges" }), h("dd.num", { text: inr(charges) })),
        h("div", null, h("dt", { text: "You receive (est.)" }), h("dd.num", { text: inr(price * qty - charges) })),
        h("div", null, h("dt", { text: "Realised P&L (est.)" }), h(`dd.num.${pnl >= 0 ? "up" : "down"}`, { text: inr(pnl, { signed: true }) })));
    }
    for (const el of [qtyF.input, limitF.input]) el.addEventListener("input", updateEstimate);
    market.addEventListener("change", updateEstimate);
    limit.addEventListener("change", updateEstimate);
    updateEstimate();

    openDialog({
      title: `Sell ${holding.symbol}`,
      description: q ? `LTP ${num(q.ltp)} · average cost ${num(holding.average_price)}` : null,
      body: [
        qtyF.field,
        h("fieldset.choice-group", null, h("legend", { text: "Order type" }),
          h("label.choice", null, market, h("strong", { text: "Market" }), h("span", { text: "at the next tick" })),
          h("label.choice", null, limit, h("strong", { text: "Limit" }), h("span", { text: "at your price or better" }))),
        limitF.field, estimate, formError,
      ],
      actions: [
        { label: "Cancel", id: "cancel", onClick: (_e, d) => d.close() },
        { label: "Sell", id: "sell", kind: "sell", type: "submit" },
      ],
      onSubmit: async (_event, dialog) => {
        setText(formError, "");
        setFieldError(qtyF.input, "");
        setFieldError(limitF.input, "");
        const quantity = Number(qtyF.input.value);
        if (!Number.isInteger(quantity) || quantity < 1) {
          setFieldError(qtyF.input, "Enter a whole number of shares.");
          qtyF.input.focus();
          return false;
        }
        const body = { symbol: holding.symbol, side: "SELL", type: limit.checked ? "LIMIT" : "MARKET", quantity };
        if (limit.checked) {
          const price = parseAmount(limitF.input.value);
          if (!Number.isFinite(price)) {
            setFieldError(limitF.input, "Enter the limit price as a number.");
            limitF.input.focus();
            return false;
          }
          body.limit_price = price;
        }
        // Same request → same key (a retry after a network error cannot sell twice); a changed one → a new key.
        const fingerprint = JSON.stringify(body);
        if (lastBody !== null && lastBody !== fingerprint) bodyKey = api.newIdempotencyKey();
        lastBody = fingerprint;
        try {
          const order = await api.post("/api/orders", body, { headers: { "Idempotency-Key": bodyKey } });
          toast({ title: "Sell order placed", text: `SELL ${int(order.quantity)} ${order.symbol} · ${order.type === "LIMIT" ? `limit ${num(order.limit_price)}` : "market"}`,
            action: { label: "View orders", href: "#/orders" } });
          load();
          return true;
        } catch (error) {
          const target = { quantity: qtyF.input, limit_price: limitF.input }[error.field];
          if (target) {
            setFieldError(target, error.reason);
            target.focus();
          } else if (status.isBrokerRefusal(error)) {
            // Live trading, and the broker cannot take orders: the link leaves the dialog for the broker page.
            replace(formError, status.brokerRefusal(error, { onFollow: () => dialog.close() }));
          } else {
            setText(formError, error.reason ?? "Could not place the order.");
          }
          return false;
        }
      },
    });
  }

  async function load() {
    try {
      const [pf] = await Promise.all([api.get("/api/portfolio", { signal }), store.loadStocks().catch(() => null)]);
      data = pf;
      if (!signal.aborted) render();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(body, loadFailed("your portfolio", error, load));
    }
  }

  cleanups.push(store.onQuotes((changed) => {
    for (const symbol of rows.keys()) {
      if (changed.has(symbol)) {
        paint(changed);
        return;
      }
    }
  }));
  cleanups.push(bus.on("order.updated", () => load()));
  load();
  return {
    unmount() {
      unwatch?.();
      cleanups.forEach((fn) => fn());
    },
    resync: load,
  };
}

// The cart: each line with an "auto-added" badge and the rule that added it, the price when added and the LTP now,
// a quantity input, the line total; estimated charges and the grand total against available cash; remove; and
// checkout.
//
// A quantity is stored on the server as it is edited (PATCH /api/cart/{id}, after a pause in typing or at once when
// the field is left), so a reload or another tab shows it; a quantity the server refuses is explained next to the
// field. Saves of one line run one after another and each sends what the field holds when it starts, so the last
// one stored is the last one typed.
//
// Checkout sends an Idempotency-Key. The key belongs to one exact request (lines and quantities): a retry of the same
// request after a network failure reuses it, so the server can never place the orders twice; a changed request
// gets a new key. While a checkout is in flight the button is disabled and further submits are ignored.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { socket } from "../ws.js";
import { h, replace, setText, setTone, flash, setFieldError, loadFailed, emptyState } from "../dom.js";
import { num, inr, pct, whenIST, direction, int } from "../format.js";
import { estimateCharges, loadChargeSchedule } from "../charges.js";
import { navigate } from "../router.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { ruleRange } from "../notifications.js";
import * as status from "../status.js";

const MAX_QUANTITY = 1_000_000;
/** What a quantity field must hold, said where the browser refuses one before the server sees it. */
const QUANTITY_HINT = `Enter a whole number from 1 to ${int(MAX_QUANTITY)}.`;
const SAVE_DELAY_MS = 600;    // a pause in typing this long stores the quantity
const quantities = new Map(); // cart item id → quantity typed and not yet stored (kept while the tab lives)
const excluded = new Set();    // cart item ids unticked for checkout

export function mount(root, { signal }) {
  document.title = "Cart · StockCart";
  // Estimates use the server's charge schedule; repaint once it has arrived.
  loadChargeSchedule().then(() => { if (!signal.aborted && lines.size) paint(); });
  const cleanups = [];
  let items = [];
  let rulesById = new Map();
  let portfolio = null;
  let lines = new Map(); // id → line parts
  let unwatch = null;
  let checkout = { key: null, fingerprint: null, inFlight: false };
  const saveTimers = new Map(); // cart item id → the debounce timer of its next quantity save
  const saving = new Map();     // cart item id → its quantity save in flight (the next one waits for it)

  const listEl = h("div.cart-lines", { attrs: { role: "list", "aria-label": "Cart items" } });
  const countEl = h("span.page-sub");

  // summary
  const sumItems = h("span.num");
  const sumValue = h("span.num", { dataset: { testid: "cart-value" } });
  const sumCharges = h("span.num", { dataset: { testid: "cart-charges" } });
  const sumTotal = h("span.num.sum-total-value", { dataset: { testid: "cart-total" } });
  const sumCash = h("span.num");
  const sumAfter = h("span.num");
  const summaryError = h("div.form-error", { attrs: { role: "alert" } });
  const checkoutButton = h("button.btn.btn-primary.btn-block.btn-lg", { type: "submit", text: "Check out" });
  const summary = h("form.card.cart-summary", { noValidate: true, attrs: { "aria-label": "Order summary" } },
    h("div.card-head", null, h("h2", { text: "Summary" })),
    h("dl.sum-list", null,
      h("div", null, h("dt", { text: "Lines selected" }), h("dd", null, sumItems)),
      h("div", null, h("dt", { text: "Order value at LTP" }), h("dd", null, sumValue)),
      h("div", null, h("dt", null, "Est. charges ", h("span.muted", { text: "(brokerage, STT, exchange, GST, stamp)" })), h("dd", null, sumCharges)),
      h("div.sum-total", null, h("dt", { text: "Total" }), h("dd", null, sumTotal)),
      h("div.sum-cash", null, h("dt", { text: "Available cash" }), h("dd", null, sumCash)),
      h("div.sum-cash", null, h("dt", { text: "After checkout" }), h("dd", null, sumAfter))),
    h("div.card-body.sum-actions", null, summaryError, checkoutButton,
      h("p.hint", { text: "Market orders at the next tick's price. Charges are estimated; the executed order shows the exact amount." })));

  const content = h("div.cart-content", null, h("div.loading", null, h("span.spinner"), "Loading your cart…"));
  root.append(h("section.page.cart", null,
    h("div.page-head", null, h("h1", { text: "Cart" }), countEl),
    content));

  // ---- rendering --------------------------------------------------------------------------------------------------
  function render() {
    lines = new Map();
    setText(countEl, items.length ? `${items.length} item${items.length === 1 ? "" : "s"}` : "");
    unwatch?.();
    unwatch = socket.watch(items.map((i) => i.symbol));
    if (!items.length) {
      replace(content, emptyState({ icon: icon("cart", { size: 40 }), title: "Your cart is empty",
        text: "Set a price alert on a stock: when the price enters your range, it is added here automatically.",
        link: { href: "#/", text: "Browse the market" }, card: true }));
      return;
    }
    replace(listEl, items.map(renderLine));
    replace(content, h("div.cart-grid", null, h("div.card.cart-list", null, listEl), summary));
    paint();
  }

  function renderLine(item) {
    const rule = item.rule_id ? rulesById.get(String(item.rule_id).toLowerCase()) : null;
    const include = h("input.checkbox", {
      type: "checkbox", checked: !excluded.has(item.id),
      attrs: { "aria-label": `Include ${item.symbol} in checkout` },
      on: { change: () => { if (include.checked) excluded.delete(item.id); else excluded.add(item.id); paint(); } },
    });
    const qtyId = `qty-${item.id}`;
    const qtyError = h("div.field-error", { id: `${qtyId}-error`, attrs: { "aria-live": "polite" } });
    const qty = h("input.input.input-num.qty-input", {
      id: qtyId, type: "number", min: "1", max: String(MAX_QUANTITY), step: "1", inputMode: "numeric",
      value: String(quantities.get(item.id) ?? item.quantity),
      attrs: { "aria-describedby": `${qtyId}-error`, "aria-label": `Quantity of ${item.symbol}` },
    });
    qty.addEventListener("input", () => {
      setFieldError(qty, "");
      const value = Number(qty.value);
      if (Number.isInteger(value) && value >= 1) quantities.set(item.id, value);
      paint();
      scheduleSave(item.id);
    });
    // Leaving the field (or Enter) stores it at once; an empty field is explained rather than sent.
    qty.addEventListener("change", () => {
      if (qty.value.trim() === "") {
        cancelSave(item.id);
        setFieldError(qty, QUANTITY_HINT);
      } else {
        saveQuantity(item.id);
      }
    });
    const step = (delta) => {
      const value = Math.min(MAX_QUANTITY, Math.max(1, (parseInt(qty.value, 10) || 1) + delta));
      qty.value = String(value);
      quantities.set(item.id, value);
      setFieldError(qty, "");
      paint();
      scheduleSave(item.id);
    };
    const ltp = h("span.flash-cell");
    const vsAdded = h("span.line-vs");
    const lineTotal = h("span.line-total-value");
    const removeButton = h("button.btn.btn-sm.btn-ghost.btn-danger", {
      type: "button", attrs: { "aria-label": `Remove ${item.symbol} from cart` }, on: { click: () => remove(item) },
    }, icon("trash"), h("span.hide-sm", { text: "Remove" }));

    const origin = item.auto_added
      ? h("span.line-origin", null,
        h("span.badge.badge-accent.badge-auto", { text: "Auto-added" }),
        h("span.muted", { dataset: { testid: "added-by" }, text: rule ? `by alert ${ruleRange(rule)}${item.fire_number ? ` · firing #${item.fire_number}` : ""}` : "by an alert (since deleted)" }))
      : h("span.line-origin", null, h("span.badge", { text: "Manual" }));

    const el = h("div.cart-line", { attrs: { role: "listitem" }, dataset: { itemId: item.id, symbol: item.symbol, auto: String(item.auto_added) } },
      h("div.line-check", null, include),
      h("div.line-main", null,
        h("div.line-title", null, h("a.sym-name", { href: `#/stock/${encodeURIComponent(item.symbol)}`, text: item.symbol }), origin),
        h("div.line-prices", null,
          h("span", null, h("span.muted", { text: "Added at " }), h("span.num", { text: inr(item.added_price), dataset: { testid: "added-price" } }),
            h("span.muted", { text: ` · ${whenIST(item.added_at)}` })),
          h("span", null, h("span.muted", { text: "LTP " }), ltp, " ", vsAdded))),
      h("div.line-qty", null,
        h("label.visually-hidden", { htmlFor: qtyId, text: `Quantity of ${item.symbol}` }),
        h("div.stepper", null,
          h("button.btn.btn-sm.step", { type: "button", text: "−", attrs: { "aria-label": `One fewer ${item.symbol}`, tabindex: "-1" }, on: { click: () => step(-1) } }),
          qty,
          h("button.btn.btn-sm.step", { type: "button", text: "+", attrs: { "aria-label": `One more ${item.symbol}`, tabindex: "-1" }, on: { click: () => step(1) } })),
        qtyError),
      h("div.line-total", null, h("span.muted.line-total-label", { text: "Total" }), lineTotal),
      h("div.line-actions", null, removeButton));
    lines.set(item.id, { item, el, include, qty, ltp, vsAdded, lineTotal });
    return el;
  }

  function quantityOf(line) {
    const value = Number(line.qty.value);
    return Number.isInteger(value) && value >= 1 && value <= MAX_QUANTITY ? value : null;
  }

  function paint(changed) {
    let value = 0;
    let charges = 0;
    let selected = 0;
    for (const [, line] of lines) {
      const q = store.stock(line.item.symbol);
      const price = q?.ltp ?? line.item.ltp ?? line.item.added_price;
      const qty = quantityOf(line);
      setText(line.ltp, num(price));
      line.ltp.dataset.value = String(price);
      const diff = price - line.item.added_price;
      setText(line.vsAdded, `${pct((diff / line.item.added_price) * 100)}`);
      line.vsAdded.title = "Change since added";
      setTone(line.vsAdded, diff);
      setText(line.lineTotal, qty ? inr(price * qty) : "—");
      if (changed?.has(line.item.symbol)) flash(line.ltp, direction(price, changed.get(line.item.symbol)?.ltp));
      line.el.classList.toggle("line-excluded", !line.include.checked);
      if (line.include.checked && qty) {
        selected += 1;
        value += price * qty;
        charges += estimateCharges({ side: "BUY", price, quantity: qty }).total;
      }
    }
    const total = value + charges;
    setText(sumItems, `${selected} of ${lines.size}`);
    setText(sumValue, inr(value));
    setText(sumCharges, inr(charges));
    setText(sumTotal, inr(total));
    const cash = portfolio?.available_cash;
    setText(sumCash, cash != null ? inr(cash) : "—");
    setText(sumAfter, cash != null ? inr(cash - total) : "—");
    sumAfter.classList.toggle("down", cash != null && cash - total < 0);
    if (!checkout.inFlight) {
      checkoutButton.disabled = selected === 0;
      checkoutButton.textContent = selected ? `Place ${selected} buy order${selected === 1 ? "" : "s"} · ${inr(total)}` : "Select items to check out";
    }
  }

  // ---- quantities ---------------------------------------------------------------------------------------------------
  function scheduleSave(id) {
    clearTimeout(saveTimers.get(id));
    saveTimers.set(id, setTimeout(() => saveQuantity(id), SAVE_DELAY_MS));
  }

  function cancelSave(id) {
    clearTimeout(saveTimers.get(id));
    saveTimers.delete(id);
  }

  function saveQuantity(id, options) {
    cancelSave(id);
    const next = (saving.get(id) ?? Promise.resolve()).then(() => storeQuantity(id, options));
    saving.set(id, next);
    next.finally(() => { if (saving.get(id) === next) saving.delete(id); });
    return next;
  }

  // Sends what the field holds now. `requestSignal` is the page's, except for the saves flushed when the page is
  // left (the page's signal is aborted by then, and the quantity should still be stored); `keepalive` for those
  // flushed as the whole document unloads.
  async function storeQuantity(id, { requestSignal = signal, keepalive = false } = {}) {
    const line = lines.get(id);
    if (!line) return;
    const sent = line.qty.value.trim();
    if (sent === "") return; // still being typed; leaving the field empty is explained by the change handler
    try {
      const saved = await api.patch(`/api/cart/${id}`, { quantity: Number(sent) }, { signal: requestSignal, keepalive });
      line.item.quantity = saved.quantity;
      if (quantities.get(id) === saved.quantity) quantities.delete(id);
    } catch (error) {
      if (requestSignal?.aborted) return;
      if (error.status === 404) {
        // Removed or checked out meanwhile (say in another tab): show the cart as it is now.
        quantities.delete(id);
        load();
      } else if (error.status === 422) {
        // Only if the field still says what was refused: a newer edit has its own save coming.
        if (line.qty.value.trim() === sent) setFieldError(line.qty, error.reason);
      } else {
        toastError(error, `Could not save the quantity of ${line.item.symbol}`);
      }
    }
  }

  // ---- actions ------------------------------------------------------------------------------------------------------
  async function remove(item) {
    const line = lines.get(item.id);
    line?.el.classList.add("line-removing");
    try {
      await api.del(`/api/cart/${item.id}`, { signal });
      items = items.filter((i) => i.id !== item.id);
      quantities.delete(item.id);
      excluded.delete(item.id);
      store.setCartCount(items.length);
      render();
      toast({ title: "Removed from cart", text: item.symbol });
    } catch (error) {
      line?.el.classList.remove("line-removing");
      if (!signal.aborted) toastError(error, "Could not remove it");
    }
  }

  summary.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (checkout.inFlight) return; // never two checkouts at once
    setText(summaryError, "");
    const selected = [...lines.values()].filter((line) => line.include.checked);
    let bad = null;
    for (const line of selected) {
      setFieldError(line.qty, "");
      if (!quantityOf(line)) {
        setFieldError(line.qty, QUANTITY_HINT);
        bad ??= line.qty;
      }
    }
    if (bad) {
      bad.focus();
      return;
    }
    if (!selected.length) return;
    // The checkout carries these quantities itself: a save still waiting would only find the lines gone.
    for (const line of selected) cancelSave(line.item.id);
    const body = { items: selected.map((line) => ({ cart_item_id: line.item.id, quantity: quantityOf(line) })) };
    const fingerprint = JSON.stringify(body);
    if (checkout.fingerprint !== fingerprint) {
      checkout.key = api.newIdempotencyKey();
      checkout.fingerprint = fingerprint;
    }
    checkout.inFlight = true;
    checkoutButton.disabled = true;
    replace(checkoutButton, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Placing orders…");
    try {
      const result = await api.post("/api/cart/checkout", body, { headers: { "Idempotency-Key": checkout.key } });
      checkout = { key: null, fingerprint: null, inFlight: false };
      for (const line of selected) {
        quantities.delete(line.item.id);
        excluded.delete(line.item.id);
      }
      const orders = result?.orders ?? [];
      toast({
        title: `${orders.length} order${orders.length === 1 ? "" : "s"} placed`,
        text: orders.map((o) => `BUY ${o.quantity} ${o.symbol}`).join(", "),
        tone: "info",
      });
      store.refreshCartCount().catch(() => {});
      navigate("/orders");
    } catch (error) {
      checkout.inFlight = false;
      // The lines are still in the cart: store the quantities whose saves the checkout cancelled.
      for (const line of selected) if (quantities.has(line.item.id)) scheduleSave(line.item.id);
      if (error.status === 0) {
        // The request may or may not have reached the server: keep the key, so trying again cannot double-order.
        setText(summaryError, `${error.reason} Trying again is safe: it will not place the orders twice.`);
      } else {
        checkout.key = null;
        checkout.fingerprint = null;
        const match = /^items\[(\d+)\]\.(\w+)$/.exec(error.field ?? "");
        if (match && selected[Number(match[1])]) {
          const line = selected[Number(match[1])];
          if (match[2] === "quantity") {
            setFieldError(line.qty, error.reason);
            line.qty.focus();
          } else {
            setText(summaryError, `${line.item.symbol}: ${error.reason}`);
            load();
          }
        } else if (status.isBrokerRefusal(error)) {
          // Live trading, and the broker cannot take orders: the reason says what to do, the link goes there.
          replace(summaryError, status.brokerRefusal(error));
        } else {
          setText(summaryError, error.reason ?? "Checkout failed.");
        }
      }
      paint();
    }
  });

  // ---- data -----------------------------------------------------------------------------------------------------------
  async function load() {
    try {
      const since = performance.now();
      const [cart, rules, pf] = await Promise.all([
        api.get("/api/cart", { signal }),
        api.get("/api/rules", { signal }),
        api.get("/api/portfolio", { signal }),
        store.loadStocks().catch(() => null),
      ]);
      items = store.freshen("cart", cart.items ?? [], since);
      rulesById = new Map(store.freshen("rule", rules, since).map((r) => [String(r.id).toLowerCase(), r]));
      portfolio = pf;
      store.setCartCount(items.length);
      if (!signal.aborted) render();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(content, loadFailed("your cart", error, load, { card: true }));
    }
  }

  cleanups.push(store.onQuotes((changed) => {
    if (!lines.size) return;
    for (const line of lines.values()) {
      if (changed.has(line.item.symbol)) {
        paint(changed);
        return;
      }
    }
  }));
  // A new auto-added line: append it without re-rendering the others (a quantity being typed keeps its focus).
  cleanups.push(bus.on("cart.added", ({ item, rule }) => {
    if (!item || items.some((i) => i.id === item.id)) return;
    if (rule) rulesById.set(String(rule.id).toLowerCase(), rule);
    items.push(item);
    if (lines.size === 0) {
      render();
      return;
    }
    const el = renderLine(item);
    el.classList.add("line-new");
    listEl.append(el);
    setText(countEl, `${items.length} item${items.length === 1 ? "" : "s"}`);
    unwatch?.();
    unwatch = socket.watch(items.map((i) => i.symbol));
    paint();
  }));
  cleanups.push(bus.on("order.updated", () => {
    api.get("/api/portfolio", { signal }).then((pf) => { portfolio = pf; paint(); }).catch(() => {});
  }));

  // A reload or a closed tab unloads the document without unmounting the page: the waiting saves go out now, with
  // `keepalive` so the browser still delivers them once the page is gone. Not chained behind a save in flight (that
  // would start them too late); they carry the newest value anyway.
  const flushOnUnload = () => {
    for (const id of [...saveTimers.keys()]) {
      cancelSave(id);
      storeQuantity(id, { requestSignal: null, keepalive: true });
    }
  };
  window.addEventListener("pagehide", flushOnUnload);
  cleanups.push(() => window.removeEventListener("pagehide", flushOnUnload));

  load();
  return {
    unmount() {
      // Leaving the page stores what was typed but not yet saved.
      for (const id of [...saveTimers.keys()]) saveQuantity(id, { requestSignal: null });
      unwatch?.();
      cleanups.forEach((fn) => fn());
    },
    resync: load,
  };
}

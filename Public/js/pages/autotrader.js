// The auto-trader: running or stopped, Start and Stop, the kill switch (behind a confirmation that asks what to
// square off) and, once tripped, its reason in a banner with Re-arm; the risk limits; the open positions with their
// stops (live LTP and P&L); and the signals, newest first, live from the socket, each with the risk manager's
// decision. `autotrader` messages replace the state; signals and order updates refresh the positions.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { socket } from "../ws.js";
import { h, replace, setText, setTone, loadFailed, emptyState } from "../dom.js";
import { num, inr, int, whenIST, ago } from "../format.js";
import { openDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { autoNav, riskDecision } from "../autotrading.js";
import { FormErrors, FieldProblem, numberField, readNumber, TRIGGER_LABEL } from "../strategy-form.js";

const LIMITS = [
  { name: "max_open_positions", label: "Max open positions", integer: true },
  { name: "max_symbol_exposure", label: "Max exposure per symbol", money: true },
  { name: "max_total_exposure", label: "Max total exposure", money: true },
  { name: "max_order_value", label: "Max order value", money: true },
  { name: "max_orders_per_second", label: "Max orders per second", integer: true },
  { name: "max_daily_loss", label: "Max daily loss", money: true, hint: "Reaching it trips the kill switch." },
];

const SQUARE_OFF = [
  { value: "none", title: "Keep positions", text: "Cancel open orders only; holdings stay as they are." },
  { value: "autotrader", title: "Sell the auto-trader's positions", text: "Sell at market every position the auto-trader opened." },
  { value: "all", title: "Sell all holdings", text: "Sell at market everything in your portfolio." },
];

const SIGNALS_PAGE = 50;
const SIGNALS_KEPT = 300;

export function mount(root, { signal }) {
  document.title = "Auto-trader · StockCart";
  const cleanups = [];
  let state = null;
  let signals = [];
  let nextAfter = null;
  let busy = false;
  let limitsDirty = false;
  let unwatch = null;
  let refreshTimer = null;
  const positionRows = [];

  // ---- layout -------------------------------------------------------------------------------------------------
  const stateBadge = h("span.badge", { dataset: { testid: "autotrader-state" } });
  const sinceEl = h("span.page-sub");
  const killBanner = h("div.card.kill-banner", { hidden: true, attrs: { role: "alert" }, dataset: { testid: "kill-banner" } });

  const startButton = h("button.btn.btn-primary", { type: "button", dataset: { action: "start" }, on: { click: () => act("start") } },
    icon("play"), "Start");
  const stopButton = h("button.btn", { type: "button", dataset: { action: "stop" }, on: { click: () => act("stop") } },
    icon("pause"), "Stop");
  const killButton = h("button.btn.btn-sell.kill-button", { type: "button", dataset: { action: "kill" }, on: { click: () => openKill() } },
    icon("bolt"), "Kill switch");
  const controlError = h("div.form-error", { attrs: { role: "alert" } });
  const summary = h("p.at-summary");
  const controlsCard = h("div.card.at-controls", null,
    h("div.card-head", null, h("h2", { text: "Control" })),
    h("div.card-body.at-controls-body", null,
      summary,
      h("div.at-buttons", null, startButton, stopButton, killButton),
      controlError,
      h("p.hint", { text: "Stopping keeps positions and their stops (stops are watched only while running). The kill switch "
        + "also cancels your open orders and refuses every new buy until you re-arm it." })));

  const limitsError = h("div.form-error", { attrs: { role: "alert" } });
  const limitErrors = new FormErrors(limitsError);
  const limitInputs = LIMITS.map((spec) => {
    const f = numberField({ label: spec.label, name: spec.name, prefix: spec.money ? "₹" : null, integer: spec.integer,
      hint: spec.hint, placeholder: "no limit" });
    limitErrors.set(spec.name, f.input);
    limitErrors.set(`limits.${spec.name}`, f.input);
    f.input.addEventListener("input", () => { limitsDirty = true; });
    return { spec, ...f };
  });
  const limitsSubmit = h("button.btn.btn-primary", { type: "submit", text: "Save limits" });
  const limitsForm = h("form.limits-form", { noValidate: true, attrs: { "aria-labelledby": "limits-title" } },
    h("div.field-grid", null, limitInputs.map((entry) => entry.field)),
    h("p.hint", { text: "Leave a limit empty for none. Amounts in rupees; every order the auto-trader places is checked against them." }),
    limitsError,
    h("div.form-actions", null, limitsSubmit));
  const limitsCard = h("div.card.at-limits", null,
    h("div.card-head", null, h("h2", { id: "limits-title", text: "Risk limits" })),
    h("div.card-body", null, limitsForm));

  const positionsBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading positions…"));
  const positionsCount = h("span.page-sub");
  const positionsCard = h("div.card.at-positions", null,
    h("div.card-head", null, h("h2", { text: "Open positions" }), positionsCount),
    positionsBody);

  const signalsTbody = h("tbody");
  const signalsTable = h("table.table.signals-table.stack-sm", { attrs: { "aria-label": "Signals" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Time" }),
      h("th", { scope: "col", text: "Signal" }),
      h("th", { scope: "col", text: "Reason" }),
      h("th.num.hide-sm", { scope: "col", text: "Strength" }),
      h("th.num.hide-md", { scope: "col", text: "Price" }),
      h("th", { scope: "col", text: "Risk decision" }))),
    signalsTbody);
  const signalsBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading signals…"));
  const olderButton = h("button.btn.btn-sm", { type: "button", text: "Older signals", on: { click: () => loadOlder() } });
  const signalsFoot = h("div.card-foot", { hidden: true }, olderButton);
  const signalsCard = h("div.card.at-signals", null,
    h("div.card-head", null, h("h2", { text: "Signals" }), h("span.page-sub", { text: "live" })),
    signalsBody,
    signalsFoot);

  const section = h("section.page.autotrader", { dataset: { state: "", tripped: "" } },
    h("div.page-head", null, h("h1", { text: "Auto-trader" }), stateBadge, sinceEl),
    autoNav("autotrader"),
    killBanner,
    h("div.at-grid", null, controlsCard, limitsCard),
    positionsCard,
    signalsCard);
  root.append(section);

  // ---- state ----------------------------------------------------------------------------------------------------
  function showState(next) {
    if (!next || typeof next !== "object") return;
    state = next;
    const running = next.state === "running";
    const tripped = Boolean(next.kill_switch?.tripped);
    section.dataset.state = next.state ?? "";
    section.dataset.tripped = String(tripped);
    stateBadge.className = `badge ${running ? "badge-up badge-dot badge-pulse" : "badge-plain badge-dot"}`;
    stateBadge.dataset.state = next.state ?? "";
    setText(stateBadge, running ? "Running" : "Stopped");
    setText(sinceEl, running && next.started_at ? `since ${whenIST(next.started_at)} IST` : "");
    paintButtons();

    const enabled = next.enabled_strategies ?? 0;
    replace(summary,
      enabled
        ? h("span", { text: `${int(enabled)} enabled strateg${enabled === 1 ? "y" : "ies"}. ` })
        : h("span.warn-text", { text: "No strategy is enabled: the auto-trader has nothing to trade. " }),
      h("a", { href: "#/strategies", text: enabled ? "Manage strategies" : "Enable one" }));

    if (tripped) {
      const kill = next.kill_switch;
      replace(killBanner,
        h("div.kill-banner-body", null,
          h("div.kill-banner-icon", { attrs: { "aria-hidden": "true" } }, icon("bolt", { size: 22 })),
          h("div.kill-banner-text", null,
            h("h2", { text: "Kill switch tripped" }),
            h("p.kill-reason", { text: kill.reason || "No reason given.", dataset: { testid: "kill-reason" } }),
            h("p.muted", { text: `${kill.tripped_at ? `Tripped ${whenIST(kill.tripped_at)} IST (${ago(kill.tripped_at)}). ` : ""}`
              + "Every new buy is refused (the auto-trader's, checkouts and manual orders alike); sells are allowed." }))),
        h("button.btn.btn-primary", { type: "button", dataset: { action: "rearm" }, on: { click: (event) => rearm(event.currentTarget) } },
          icon("check"), "Re-arm"));
      killBanner.hidden = false;
    } else {
      killBanner.hidden = true;
      killBanner.replaceChildren();
    }

    // An answer without limits or positions (a terse socket message) leaves those shown alone.
    if (!limitsDirty && next.limits) fillLimits(next.limits);
    if (Array.isArray(next.positions)) renderPositions(next.positions);
    else if (!positionRows.length && positionsBody.querySelector(".loading")) renderPositions([]);
  }

  function paintButtons() {
    const running = state?.state === "running";
    const tripped = Boolean(state?.kill_switch?.tripped);
    startButton.disabled = busy || !state || running || tripped;
    stopButton.disabled = busy || !state || !running;
    killButton.hidden = tripped;
    killButton.disabled = busy || !state;
    startButton.title = tripped ? "Re-arm the kill switch first" : "";
  }

  async function act(action) {
    if (busy) return;
    busy = true;
    paintButtons();
    setText(controlError, "");
    try {
      const answer = await api.post(`/api/autotrader/${action}`, {}, { signal });
      busy = false;
      showState(answer);
      toast({ title: action === "start" ? "Auto-trader started" : "Auto-trader stopped",
        text: action === "start" ? "It trades your enabled strategies at each bar close." : "Positions and their stops stay.",
        tone: action === "start" ? "up" : "info" });
      (action === "start" ? stopButton : startButton).focus();
    } catch (error) {
      busy = false;
      if (signal.aborted) return;
      paintButtons();
      setText(controlError, error.reason ?? "That didn't work.");
      if (error.field === "kill_switch") load();
    }
  }

  async function rearm(button) {
    if (busy) return;
    busy = true;
    if (button) button.disabled = true;
    try {
      const answer = await api.post("/api/autotrader/rearm", {}, { signal });
      busy = false;
      showState(answer);
      toast({ title: "Kill switch re-armed", text: "Buys are allowed again. The auto-trader stays stopped until you start it." });
      startButton.focus();
    } catch (error) {
      busy = false;
      if (signal.aborted) return;
      if (button) button.disabled = false;
      toastError(error, "Could not re-arm");
    }
  }

  function openKill() {
    if (busy || !state) return;
    const radios = SQUARE_OFF.map((choice, index) => h("input", {
      type: "radio", name: "square_off", value: choice.value, checked: index === 0,
    }));
    const formError = h("div.form-error", { attrs: { role: "alert" } });
    openDialog({
      title: "Trip the kill switch?",
      description: "The auto-trader stops, every open order of yours is cancelled, and new buys are refused until you re-arm it.",
      className: "kill-dialog",
      body: [
        h("fieldset.choice-group.choice-stack", null, h("legend", { text: "Square off" }),
          SQUARE_OFF.map((choice, index) => h("label.choice", { dataset: { value: choice.value } },
            radios[index], h("strong", { text: choice.title }), h("span", { text: choice.text })))),
        formError,
      ],
      actions: [
        { label: "Cancel", id: "cancel", onClick: (_e, d) => d.close() },
        { label: "Trip kill switch", id: "confirm", kind: "sell", type: "submit" },
      ],
      // A destructive confirmation starts on the safe choice.
      initialFocus: (d) => d.querySelector('[data-action="cancel"]'),
      onSubmit: async () => {
        setText(formError, "");
        const squareOff = radios.find((r) => r.checked)?.value ?? "none";
        busy = true;
        paintButtons();
        try {
          const answer = await api.post("/api/autotrader/kill", { square_off: squareOff }, { signal });
          busy = false;
          showState(answer);
          const cancelled = answer.cancelled_orders?.length ?? 0;
          const sold = answer.square_off_orders?.length ?? 0;
          toast({ title: "Kill switch tripped",
            text: `${int(cancelled)} open order${cancelled === 1 ? "" : "s"} cancelled`
              + (squareOff === "none" ? "." : `, ${int(sold)} sell order${sold === 1 ? "" : "s"} placed.`),
            tone: "warn" });
          return true;
        } catch (error) {
          busy = false;
          paintButtons();
          if (signal.aborted) return true;
          setText(formError, error.reason ?? "Could not trip the kill switch.");
          return false;
        }
      },
    });
  }

  // ---- limits ---------------------------------------------------------------------------------------------------
  function fillLimits(limits) {
    for (const { spec, input } of limitInputs) {
      const value = limits[spec.name];
      input.value = typeof value === "number" && Number.isFinite(value) ? String(value) : "";
    }
  }

  limitsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (limitsSubmit.disabled) return;
    limitErrors.clear();
    const body = {};
    try {
      for (const { spec, input } of limitInputs) body[spec.name] = readNumber(input, spec.label, { optional: true });
    } catch (problem) {
      if (problem instanceof FieldProblem) {
        limitErrors.local(problem);
        return;
      }
      throw problem;
    }
    limitsSubmit.disabled = true;
    try {
      const answer = await api.put("/api/autotrader/limits", body, { signal });
      limitsDirty = false;
      showState(answer);
      toast({ title: "Limits saved", text: "New orders are checked against them from now on." });
    } catch (error) {
      if (signal.aborted) return;
      limitErrors.show(error, "Could not save the limits.");
    } finally {
      limitsSubmit.disabled = false;
    }
  });

  // ---- positions ------------------------------------------------------------------------------------------------
  function stopText(value) {
    return typeof value === "number" && Number.isFinite(value) ? num(value) : "—";
  }

  function renderPositions(positions) {
    positionRows.length = 0;
    unwatch?.();
    unwatch = socket.watch(positions.map((p) => p.symbol));
    setText(positionsCount, positions.length ? `${positions.length}` : "");
    if (!positions.length) {
      replace(positionsBody, emptyState({ title: "No open positions",
        text: "Positions the auto-trader opens are listed here with their stops." }));
      return;
    }
    const rows = positions.map((position) => {
      const ltp = h("span.flash-cell");
      const pnl = h("span");
      const order = position.working_order;
      const orderText = order ? [order.side, order.status, order.quantity != null ? int(order.quantity) : null].filter(Boolean).join(" ") : "";
      const tr = h("tr", { dataset: { symbol: position.symbol, strategyId: position.strategy_id ?? "" } },
        h("td.c-sym", null, h("div.sym", null,
          h("a.sym-name", { href: `#/stock/${encodeURIComponent(position.symbol)}`, text: position.symbol }),
          h("span.sym-sub", { text: position.strategy_name ?? "" }))),
        h("td.num.c-qty", { dataset: { col: "quantity" }, text: int(position.quantity) }),
        h("td.num.c-entry", null, h("div.num-stack", null,
          h("span", { text: num(position.entry_price) }),
          h("span.cell-sub.muted", { text: position.entry_time ? whenIST(position.entry_time) : "" }))),
        h("td.num.c-ltp", { dataset: { col: "ltp" } }, ltp),
        h("td.num.c-pnl", { dataset: { col: "pnl" } }, pnl),
        h("td.num.c-stops", null, h("div.stops", null,
          h("span", { title: "Stop loss" }, h("span.stop-key", { text: "SL " }), stopText(position.stop_loss)),
          h("span", { title: "Take profit" }, h("span.stop-key", { text: "TP " }), stopText(position.take_profit)),
          h("span", { title: "Trailing stop" }, h("span.stop-key", { text: "TS " }), stopText(position.trailing_stop)))),
        h("td.c-order", null, order
          ? h("span.badge.badge-warn", { text: "Order working", title: orderText || "An order for this position is working" })
          : h("span.muted", { text: "—" })));
      positionRows.push({ position, ltp, pnl });
      return tr;
    });
    replace(positionsBody, h("div.table-wrap", null, h("table.table.positions-table.stack-sm", { attrs: { "aria-label": "Open positions" } },
      h("thead", null, h("tr", null,
        h("th", { scope: "col", text: "Position" }),
        h("th.num", { scope: "col", text: "Qty" }),
        h("th.num", { scope: "col", text: "Entry" }),
        h("th.num", { scope: "col", text: "LTP" }),
        h("th.num", { scope: "col", text: "P&L" }),
        h("th.num", { scope: "col", text: "Stops" }),
        h("th", { scope: "col", text: "Order" }))),
      h("tbody", null, rows))));
    paintPrices();
  }

  function paintPrices() {
    for (const { position, ltp, pnl } of positionRows) {
      const price = store.stock(position.symbol)?.ltp ?? position.last_price;
      const value = typeof price === "number" ? (price - position.entry_price) * position.quantity : position.unrealised_pnl;
      setText(ltp, num(price));
      setText(pnl, inr(value, { signed: true }));
      setTone(pnl, value ?? 0);
    }
  }

  cleanups.push(store.onQuotes((changed) => {
    if (positionRows.some(({ position }) => changed.has(position.symbol))) paintPrices();
  }));

  // ---- signals --------------------------------------------------------------------------------------------------
  function signalRow(item) {
    const side = String(item.side ?? "").toUpperCase();
    const trigger = item.trigger ?? "signal";
    const outcome = item.risk?.outcome ?? "";
    return h("tr", { dataset: { signalId: item.id, side, trigger, outcome, symbol: item.symbol } },
      h("td.c-time.nowrap", null, h("div.sym", null,
        h("span", { text: whenIST(item.time) }),
        h("span.sym-sub", { text: item.timeframe ? `${item.timeframe} bar` : "" }))),
      h("td.c-signal", null, h("div.sym", null,
        h("span.sym-line", null,
          side ? h(`span.side.side-${side.toLowerCase()}`, { text: side }) : null,
          h("a.sym-name", { href: `#/stock/${encodeURIComponent(item.symbol)}`, text: item.symbol })),
        h("span.sym-sub", { text: item.strategy_name ?? "" }))),
      h("td.c-reason", null,
        trigger !== "signal" ? h("span.badge.badge-warn.trigger-badge", { text: TRIGGER_LABEL[trigger] ?? trigger }) : null,
        h("span.signal-reason", { text: item.reason ?? "" })),
      h("td.num.hide-sm.c-strength", { text: typeof item.strength === "number" ? num(item.strength) : "—" }),
      h("td.num.hide-md.c-price", { text: typeof item.price === "number" ? num(item.price) : "—" }),
      h("td.c-risk", null, riskDecision(item.risk),
        item.order_id ? h("a.order-link", { href: "#/orders", text: "Order placed" }) : null));
  }

  function renderSignals() {
    signalsFoot.hidden = !nextAfter;
    if (!signals.length) {
      replace(signalsBody, emptyState({ title: "No signals yet",
        text: "When an enabled strategy's rule fires at a bar close, or a stop is hit, it appears here at once." }));
      return;
    }
    replace(signalsTbody, signals.map(signalRow));
    replace(signalsBody, h("div.table-wrap", null, signalsTable));
  }

  function addSignal(item) {
    if (!item?.id) return;
    const index = signals.findIndex((s) => s.id === item.id);
    if (index >= 0) {
      signals[index] = item;
      renderSignals();
      return;
    }
    signals.unshift(item);
    if (signals.length > SIGNALS_KEPT) signals.length = SIGNALS_KEPT;
    if (signals.length === 1) {
      renderSignals();
    } else {
      const row = signalRow(item);
      row.classList.add("line-new");
      signalsTbody.prepend(row);
      while (signalsTbody.children.length > SIGNALS_KEPT) signalsTbody.lastElementChild.remove();
    }
    if (item.order_id) scheduleRefresh();
  }

  async function loadSignals() {
    try {
      const data = await api.get(`/api/signals?limit=${SIGNALS_PAGE}`, { signal });
      if (signal.aborted) return;
      const fetched = Array.isArray(data?.signals) ? data.signals : Array.isArray(data) ? data : [];
      // Signals heard on the socket while this was on its way stay (they are newer).
      const known = new Set(fetched.map((s) => s.id));
      signals = [...signals.filter((s) => !known.has(s.id)), ...fetched];
      nextAfter = data?.next_after ?? null;
      renderSignals();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(signalsBody, loadFailed("the signals", error, loadSignals));
    }
  }

  async function loadOlder() {
    if (!nextAfter) return;
    olderButton.disabled = true;
    try {
      const data = await api.get(`/api/signals?limit=${SIGNALS_PAGE}&after=${api.enc(nextAfter)}`, { signal });
      const fetched = Array.isArray(data?.signals) ? data.signals : [];
      const known = new Set(signals.map((s) => s.id));
      signals.push(...fetched.filter((s) => !known.has(s.id)));
      nextAfter = data?.next_after ?? null;
      renderSignals();
    } catch (error) {
      if (!signal.aborted) toastError(error, "Could not load older signals");
    } finally {
      olderButton.disabled = false;
    }
  }

  // ---- load and live --------------------------------------------------------------------------------------------
  async function load() {
    try {
      showState(await api.get("/api/autotrader", { signal }));
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (!state) {
        replace(positionsBody, loadFailed("the auto-trader", error, load));
        setText(controlError, error.reason ?? "");
      } else {
        toastError(error, "Could not refresh the auto-trader");
      }
    }
  }

  /** Positions move when orders fill: read the state again, once for a burst of events. */
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { if (!signal.aborted) load(); }, 600);
  }

  cleanups.push(bus.on("autotrader", (next) => showState(next)));
  cleanups.push(bus.on("signal", (item) => addSignal(item)));
  cleanups.push(bus.on("order.updated", () => scheduleRefresh()));

  paintButtons();
  load();
  loadSignals();
  return {
    unmount() {
      clearTimeout(refreshTimer);
      unwatch?.();
      cleanups.forEach((fn) => fn());
    },
    resync() {
      load();
      signals = [];
      loadSignals();
    },
  };
}

// Backtests: a strategy (the shared form, js/strategy-form.js) run over a symbol's stored bars on the server. Run
// posts it; a progress bar follows `backtest.progress` messages (and GET /api/backtests/{id} every second while
// the socket says nothing); at the end: the equity curve, the price chart with each trade's entry (arrow below the
// bar) and exit (arrow above), the metrics, the charges and the trades. Earlier backtests are listed to reopen or
// delete; #/backtest/{id} opens one directly.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { h, replace, setText, field, loadFailed, emptyState } from "../dom.js";
import { num, inr, int, pct, whenIST } from "../format.js";
import { confirmDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { loadChartLibrary, StockChart, LineChart, apiSeconds } from "../chart.js";
import { autoNav, metricsTable, equityPoints, reportDate } from "../autotrading.js";
import {
  FormErrors, FieldProblem, kindSection, sizingSection, exitsSection, selectField, checkboxField, readNumber,
  TIMEFRAMES, TRIGGER_LABEL, strategyLabel, timeframeLabel,
} from "../strategy-form.js";

const POLL_MS = 1000;
const SOCKET_QUIET_MS = 1500;   // a progress message this recent makes the poll unnecessary
const MAX_TRADE_ROWS = 500;
const CHARGES = [
  ["brokerage", "Brokerage"], ["stt", "STT"], ["exchange", "Exchange charges"], ["sebi", "SEBI fee"],
  ["stamp_duty", "Stamp duty"], ["gst", "GST"],
];
const DECISIONS = [
  ["signals", "Signals"], ["stops", "Stops hit"], ["approved", "Approved"], ["resized", "Resized"], ["denied", "Denied"],
];

let lastSymbol = "INFY";

export function mount(root, { params, signal }) {
  document.title = "Backtest · StockCart";
  const cleanups = [];
  let list = [];
  let listLoaded = false;
  let current = null;          // the backtest shown (summary, or summary + report)
  let pollTimer = null;
  let lastSocketNews = 0;
  let fetchingResult = null;   // id whose full result is being fetched
  let running = false;         // a POST is on its way
  const finished = new Map();  // id → summary from `backtest.done` (it may arrive before the POST's answer)
  let charts = [];

  // ---- form ---------------------------------------------------------------------------------------------------
  const formError = h("div.form-error", { attrs: { role: "alert" } });
  const errors = new FormErrors(formError);
  const symbolF = selectField({ label: "Symbol", name: "symbol", options: [{ value: lastSymbol, label: lastSymbol }], value: lastSymbol });
  const intervalF = selectField({ label: "Bars", name: "interval", options: TIMEFRAMES, value: "1d" });
  errors.set("symbol", symbolF.input);
  errors.set("interval", intervalF.input);
  errors.set("timeframe", intervalF.input);
  const kind = kindSection({ errors });
  const sizing = sizingSection({ defaultPercent: 100, errors });
  const exits = exitsSection({ errors });
  const cashF = field({ label: "Starting cash", name: "cash", prefix: "₹", value: "1000000", inputmode: "decimal",
    autocomplete: "off", inputClass: "input-num" });
  const rateF = field({ label: "Risk-free rate (% a year)", name: "risk_free_rate_percent", inputmode: "decimal",
    autocomplete: "off", inputClass: "input-num", placeholder: "0", hint: "For the Sharpe and Sortino ratios." });
  const costsF = checkboxField({ label: "Include charges", name: "costs", checked: true,
    hint: "Brokerage, STT, exchange, SEBI, stamp duty and GST on every fill." });
  errors.set("cash", cashF.input);
  errors.set("risk_free_rate_percent", rateF.input);
  errors.set("costs", costsF.input);
  const runButton = h("button.btn.btn-primary", { type: "submit", dataset: { action: "run" } }, icon("play"), "Run backtest");
  const form = h("form.backtest-form", { noValidate: true, attrs: { "aria-labelledby": "backtest-form-title" } },
    h("div.field-grid", null, symbolF.field, intervalF.field),
    kind.el,
    sizing.el,
    exits.el,
    h("fieldset.form-section", null, h("legend", { text: "Money" }),
      h("div.field-grid", null, cashF.field, rateF.field),
      costsF.field),
    formError,
    h("div.form-actions", null, runButton));

  // ---- progress, result, list -------------------------------------------------------------------------------------
  const progressBar = h("progress.bt-progress-bar", { max: 1, value: 0, attrs: { "aria-labelledby": "bt-progress-label" } });
  const progressText = h("span.bt-progress-text.muted");
  const progressTitle = h("strong", { id: "bt-progress-label", text: "Running backtest…" });
  const progressBox = h("div.card.bt-progress", { hidden: true, dataset: { testid: "backtest-progress" } },
    h("div.card-body", null, h("div.bt-progress-head", null, h("span.spinner", { attrs: { "aria-hidden": "true" } }), progressTitle, progressText),
      progressBar));
  const resultBox = h("div.bt-result");

  const listBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading backtests…"));
  const listTbody = h("tbody");
  const listTable = h("table.table.backtests-table.stack-sm", { attrs: { "aria-label": "Earlier backtests" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Backtest" }),
      h("th", { scope: "col", text: "Status" }),
      h("th.num", { scope: "col", text: "Return" }),
      h("th.num.hide-sm", { scope: "col", text: "Trades" }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    listTbody);

  root.append(h("section.page.backtest", null,
    h("div.page-head", null, h("h1", { text: "Backtest" }),
      h("span.page-sub", { text: "a strategy over a stock's stored bars, on the server" })),
    autoNav("backtest"),
    h("div.backtest-grid", null,
      h("div.card.backtest-form-card", null,
        h("div.card-head", null, h("h2", { id: "backtest-form-title", text: "New backtest" })),
        h("div.card-body", null, form)),
      h("div.card.backtests-list", null,
        h("div.card-head", null, h("h2", { text: "Earlier backtests" })),
        listBody)),
    progressBox,
    resultBox));

  // ---- symbols ----------------------------------------------------------------------------------------------------
  function fillSymbols() {
    const stocks = store.stockList().slice().sort((a, b) => a.symbol.localeCompare(b.symbol));
    if (!stocks.length) return;
    const chosen = symbolF.input.value || lastSymbol;
    replace(symbolF.input, stocks.map((s) => h("option", { value: s.symbol, text: `${s.symbol} · ${s.name ?? ""}`.replace(/ · $/, "") })));
    symbolF.input.value = stocks.some((s) => s.symbol === chosen) ? chosen : stocks[0].symbol;
  }
  symbolF.input.addEventListener("change", () => { lastSymbol = symbolF.input.value; });
  store.loadStocks().then(() => { if (!signal.aborted) fillSymbols(); }).catch(() => {});

  // ---- run ----------------------------------------------------------------------------------------------------
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (running) return;
    errors.clear();
    let body;
    try {
      const { kind: kindName, parameters } = kind.read();
      body = {
        symbol: symbolF.input.value,
        interval: intervalF.input.value,
        kind: kindName,
        parameters,
        sizing: sizing.read(),
        exits: exits.read(),
        cash: readNumber(cashF.input, "Starting cash"),
        costs: costsF.input.checked,
      };
      const rate = readNumber(rateF.input, "Risk-free rate", { optional: true });
      if (rate !== null) body.risk_free_rate_percent = rate;
    } catch (problem) {
      if (problem instanceof FieldProblem) {
        errors.local(problem);
        return;
      }
      throw problem;
    }
    running = true;
    runButton.disabled = true;
    replace(runButton, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Starting…");
    try {
      const backtest = await api.post("/api/backtests", body, { signal });
      upsertListItem(backtest);
      follow(backtest);
    } catch (error) {
      if (signal.aborted) return;
      errors.show(error, "Could not start the backtest.");
    } finally {
      running = false;
      runButton.disabled = false;
      replace(runButton, icon("play"), "Run backtest");
    }
  });

  /** Shows `backtest` (a summary) and follows it to the end. */
  function follow(backtest) {
    showInUrl(backtest.id);
    current = backtest;
    markCurrent();
    if (backtest.status && backtest.status !== "running") {
      fetchResult(backtest.id);
      return;
    }
    destroyCharts();
    replace(resultBox);
    showProgress(backtest.progress ?? 0, null);
    progressBox.scrollIntoView({ block: "nearest" });
    if (finished.has(backtest.id)) {
      fetchResult(backtest.id);
      return;
    }
    startPolling();
  }

  function showInUrl(id) {
    // The address names the backtest shown (reload and bookmarks reopen it) without re-rendering the page.
    const target = id ? `#/backtest/${encodeURIComponent(id)}` : "#/backtest";
    if (window.location.hash !== target) window.history.replaceState(null, "", target);
  }

  function showProgress(fraction, counts) {
    const value = Math.max(0, Math.min(1, Number(fraction) || 0));
    progressBox.hidden = false;
    progressBar.value = value;
    progressBox.dataset.progress = value.toFixed(3);
    const detail = counts && counts.total ? ` · ${int(counts.done)} of ${int(counts.total)}` : "";
    setText(progressText, `${Math.floor(value * 100)}%${detail}`);
    setText(progressTitle, current ? `Running ${current.symbol ?? ""} ${strategyLabel(current.kind, current.parameters)}…` : "Running backtest…");
  }

  function startPolling() {
    clearInterval(pollTimer);
    pollTimer = setInterval(poll, POLL_MS);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  async function poll() {
    const id = current?.id;
    if (!id || fetchingResult) return;
    if (Date.now() - lastSocketNews < SOCKET_QUIET_MS) return; // the socket is telling us; no need to ask
    try {
      const answer = await api.get(`/api/backtests/${api.enc(id)}`, { signal });
      if (signal.aborted || current?.id !== id) return;
      upsertListItem(answer);
      if (answer.status === "running") showProgress(answer.progress ?? 0, null);
      else showResult(answer);
    } catch (error) {
      if (signal.aborted || current?.id !== id) return;
      if (error.status === 404) {
        stopPolling();
        progressBox.hidden = true;
        replace(resultBox, emptyState({ title: "This backtest is gone", text: "It was deleted (perhaps in another tab).", card: true }));
      }
      // Other failures: the next tick asks again.
    }
  }

  async function fetchResult(id) {
    if (fetchingResult === id) return;
    fetchingResult = id;
    stopPolling();
    try {
      const answer = await api.get(`/api/backtests/${api.enc(id)}`, { signal });
      if (signal.aborted || current?.id !== id) return;
      upsertListItem(answer);
      if (answer.status === "running") {
        current = answer;
        showProgress(answer.progress ?? 0, null);
        startPolling();
      } else {
        showResult(answer);
      }
    } catch (error) {
      if (signal.aborted || current?.id !== id) return;
      progressBox.hidden = true;
      replace(resultBox, loadFailed("this backtest", error, () => fetchResult(id), { card: true }));
    } finally {
      if (fetchingResult === id) fetchingResult = null;
    }
  }

  /** Opens an earlier backtest. */
  function open(id) {
    current = { id, status: null };
    showInUrl(id);
    markCurrent();
    destroyCharts();
    progressBox.hidden = true;
    replace(resultBox, h("div.card", null, h("div.loading", null, h("span.spinner"), "Loading the backtest…")));
    fetchResult(id);
  }

  // ---- live -------------------------------------------------------------------------------------------------------
  cleanups.push(bus.on("backtest.progress", (message) => {
    const item = list.find((b) => b.id === message.id);
    const fraction = message.total > 0 ? message.done / message.total : 0;
    if (item && item.status === "running") {
      item.progress = fraction;
      paintListStatus(item);
    }
    if (message.id !== current?.id || current.status !== "running") return;
    lastSocketNews = Date.now();
    showProgress(fraction, message);
  }));
  cleanups.push(bus.on("backtest.done", (summary) => {
    if (!summary?.id) return;
    finished.set(summary.id, summary);
    upsertListItem(summary);
    if (summary.id === current?.id && current.status === "running") fetchResult(summary.id);
  }));

  // ---- result -----------------------------------------------------------------------------------------------------
  function destroyCharts() {
    for (const chart of charts) chart.destroy();
    charts = [];
  }

  function showResult(backtest) {
    stopPolling();
    current = backtest;
    markCurrent();
    progressBox.hidden = true;
    destroyCharts();
    if (backtest.status === "failed") {
      replace(resultBox, h("div.card.bt-failed", { dataset: { status: "failed" } },
        h("div.card-head", null, h("h2", { text: `${backtest.symbol ?? ""} · ${strategyLabel(backtest.kind, backtest.parameters)}` }),
          h("span.badge.badge-down", { text: "Failed" })),
        h("div.card-body", null, h("p.form-error", { text: backtest.error || "The backtest failed." }))));
      return;
    }
    if (!backtest.report) {
      replace(resultBox, emptyState({ title: "No report", text: "The server has no report for this backtest.", card: true }));
      return;
    }
    renderReport(backtest);
  }

  function stat(label, value, tone = "", testid = null) {
    return h("div.stat", null, h("span.stat-label", { text: label }),
      h(`span.stat-value${tone ? "." + tone : ""}`, { text: value, dataset: testid ? { testid } : undefined }));
  }

  function tradeMarkers(report) {
    const markers = [];
    const trades = report.trades ?? [];
    const labelled = trades.length <= 40;
    for (const trade of trades) {
      const entry = apiSeconds(trade.entry_time) ?? apiSeconds(trade.entry_date);
      const exit = apiSeconds(trade.exit_time) ?? apiSeconds(trade.exit_date);
      if (entry !== null) markers.push({ time: entry, side: "buy", text: labelled ? `Buy ${int(trade.quantity)}` : "" });
      if (exit !== null) {
        const reason = trade.exit_reason && trade.exit_reason !== "signal" ? TRIGGER_LABEL[trade.exit_reason] ?? trade.exit_reason : "Sell";
        markers.push({ time: exit, side: "sell", text: labelled ? reason : "" });
      }
    }
    const open = report.open_position;
    if (open) {
      const entry = apiSeconds(open.entry_time) ?? apiSeconds(open.entry_date);
      if (entry !== null) markers.push({ time: entry, side: "buy", text: labelled ? `Buy ${int(open.quantity)} (open)` : "" });
    }
    return markers;
  }

  function renderReport(backtest) {
    const report = backtest.report;
    const metrics = report.metrics ?? {};
    const interval = backtest.interval ?? report.strategy?.timeframe ?? "1d";
    const kindName = report.strategy?.kind ?? backtest.kind;
    const parameters = report.strategy?.parameters ?? backtest.parameters;
    const totalReturn = metrics.total_return_percent
      ?? (report.starting_cash ? ((report.final_value - report.starting_cash) / report.starting_cash) * 100 : null);
    const tone = totalReturn > 0 ? "up" : totalReturn < 0 ? "down" : "";

    const equityBox = h("div.line-box.equity-box", { attrs: { role: "img", "aria-label": `Equity curve of the backtest on ${report.symbol}` } });
    const priceLegend = h("div.chart-legend", { attrs: { "aria-hidden": "true" } });
    const priceBox = h("div.bt-price-box", { attrs: { role: "img", "aria-label": `${report.symbol} prices with the backtest's trades marked` } });
    const chartStatus = h("div.chart-status", null, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Loading charts…");
    const trades = report.trades ?? [];

    const tradeRows = trades.slice(0, MAX_TRADE_ROWS).map((trade, index) => h("tr", { dataset: { exitReason: trade.exit_reason ?? "" } },
      h("td.num.hide-sm", { text: String(index + 1) }),
      h("td.c-entry", null, h("div.sym", null,
        h("span", { text: reportDate(trade.entry_date ?? trade.entry_time) }),
        h("span.sym-sub", { text: `${int(trade.quantity)} @ ${num(trade.entry_price)}` }))),
      h("td.c-exit", null, h("div.sym", null,
        h("span", { text: reportDate(trade.exit_date ?? trade.exit_time) }),
        h("span.sym-sub", { text: `@ ${num(trade.exit_price)}` }))),
      h("td.hide-sm", { text: trade.exit_reason ? TRIGGER_LABEL[trade.exit_reason] ?? trade.exit_reason : "—" }),
      h("td.num.hide-md", { text: inr(trade.gross_pnl, { signed: true }) }),
      h("td.num.hide-md", { text: inr(trade.charges) }),
      h(`td.num.c-pnl.${trade.pnl > 0 ? "up" : trade.pnl < 0 ? "down" : "flat"}`, { text: inr(trade.pnl, { signed: true }) })));

    const charges = report.charges ?? {};
    const decisions = report.decisions ?? {};
    const open = report.open_position;

    replace(resultBox, h("div.bt-report", { dataset: { status: "done", backtestId: backtest.id } },
      h("div.card.bt-summary", null,
        h("div.card-head", null,
          h("h2", { text: `${report.symbol} · ${strategyLabel(kindName, parameters)}` }),
          h("span.page-sub", { text: `${int(report.bars)} ${timeframeLabel(interval)} bars · ${reportDate(report.from)} – ${reportDate(report.to)} · ${report.costs ? "with charges" : "without charges"}` })),
        h("div.stats.bt-stats", null,
          stat("Starting cash", inr(report.starting_cash)),
          stat("Final value", inr(report.final_value), "", "final-value"),
          stat("Total return", totalReturn === null ? "—" : pct(totalReturn), tone, "total-return"),
          stat("Trades", int(trades.length), "", "trades"),
          stat("Win rate", metrics.win_rate_percent == null ? "—" : pct(metrics.win_rate_percent, { signed: false })),
          stat("Max drawdown", metrics.max_drawdown_percent == null ? "—" : pct(metrics.max_drawdown_percent, { signed: false }))),
        report.halted ? h("p.form-note.bt-halted", { text: `Stopped early: ${report.halted}` }) : null,
        open ? h("p.hint.bt-open", { text: `Still open at the end: ${int(open.quantity)} shares bought ${reportDate(open.entry_date)} at ${num(open.entry_price)}, worth ${inr(open.market_value)}.` }) : null),
      h("div.bt-charts", null,
        h("div.card.chart-card", null,
          h("div.card-head", null, h("h2", { text: "Equity curve" })),
          h("div.chart-wrap", null, equityBox)),
        h("div.card.chart-card", null,
          h("div.card-head.chart-head", null, h("h2", { text: "Price and trades" }),
            h("span.marker-key", null, h("span.marker-buy", { text: "▲ entry" }), h("span.marker-sell", { text: "▼ exit" })),
            priceLegend),
          h("div.chart-wrap", null, priceBox, chartStatus))),
      h("div.bt-tables", null,
        h("div.card.bt-metrics", null,
          h("div.card-head", null, h("h2", { text: "Metrics" })),
          metricsTable([{ label: "This backtest", metrics }], { label: "Backtest metrics" })),
        h("div.bt-side", null,
          h("div.card", null,
            h("div.card-head", null, h("h2", { text: "Charges" }), h("span.page-sub", { text: report.costs ? "" : "not included" })),
            h("dl.sum-list.charges-list", null,
              CHARGES.map(([key, label]) => h("div", null, h("dt", { text: label }), h("dd", { text: inr(charges[key] ?? 0), dataset: { charge: key } }))),
              h("div.sum-total", null, h("dt", { text: "Total" }), h("dd", { text: inr(charges.total ?? 0), dataset: { charge: "total" } })))),
          h("div.card", null,
            h("div.card-head", null, h("h2", { text: "Decisions" })),
            h("dl.sum-list.decisions-list", null,
              DECISIONS.map(([key, label]) => h("div", null, h("dt", { text: label }), h("dd", { text: int(decisions[key] ?? 0) }))))))),
      h("div.card.bt-trades", null,
        h("div.card-head", null, h("h2", { text: "Trades" }),
          h("span.page-sub", { text: trades.length > MAX_TRADE_ROWS ? `the first ${MAX_TRADE_ROWS} of ${int(trades.length)}` : `${int(trades.length)}` })),
        trades.length
          ? h("div.table-wrap", null, h("table.table.trades-table.stack-sm", { attrs: { "aria-label": "Trades" } },
            h("thead", null, h("tr", null,
              h("th.num.hide-sm", { scope: "col", text: "#" }),
              h("th", { scope: "col", text: "Entry" }),
              h("th", { scope: "col", text: "Exit" }),
              h("th.hide-sm", { scope: "col", text: "Exit reason" }),
              h("th.num.hide-md", { scope: "col", text: "Gross P&L" }),
              h("th.num.hide-md", { scope: "col", text: "Charges" }),
              h("th.num", { scope: "col", text: "Net P&L" }))),
            h("tbody", null, tradeRows)))
          : emptyState({ title: "No trades", text: "The strategy never bought over these bars." }))));

    drawCharts(backtest, interval, equityBox, priceBox, priceLegend, chartStatus);
  }

  async function drawCharts(backtest, interval, equityBox, priceBox, priceLegend, chartStatus) {
    let lib;
    try {
      lib = await loadChartLibrary();
    } catch (error) {
      if (signal.aborted) return;
      replace(chartStatus, h("span", { text: error.message }));
      return;
    }
    if (signal.aborted || current?.id !== backtest.id || !equityBox.isConnected) return;
    const report = backtest.report;
    const equity = new LineChart(lib, equityBox, { kind: "equity" });
    charts.push(equity);
    equity.setPoints(equityPoints(report.equity), { intraday: interval !== "1d" });

    const candles = Array.isArray(backtest.candles) ? backtest.candles : [];
    if (!candles.length) {
      replace(chartStatus, h("span", { text: "The server sent no bars for this backtest." }));
      return;
    }
    const price = new StockChart(lib, priceBox, priceLegend);
    charts.push(price);
    price.setCandles(interval, candles, null);
    const drawn = price.setMarkers(tradeMarkers(report));
    price.fitAll();
    priceBox.dataset.candles = String(price.bars.length);
    priceBox.dataset.markers = String(drawn);
    chartStatus.hidden = true;
  }

  // ---- list of earlier backtests ------------------------------------------------------------------------------------
  function statusBadge(item) {
    if (item.status === "running") {
      return h("span.badge.badge-warn.badge-pulse", { text: `Running ${Math.floor((item.progress ?? 0) * 100)}%`, dataset: { testid: "backtest-status" } });
    }
    if (item.status === "failed") return h("span.badge.badge-down", { text: "Failed", title: item.error ?? "", dataset: { testid: "backtest-status" } });
    return h("span.badge.badge-up", { text: "Done", dataset: { testid: "backtest-status" } });
  }

  function listRow(item) {
    const ret = item.total_return_percent;
    return h("tr", { class: item.id === current?.id ? "row-current" : "", dataset: { backtestId: item.id, status: item.status ?? "" } },
      h("td.c-bt", null, h("div.sym", null,
        h("span.sym-name", { text: `${item.symbol ?? "?"} · ${item.interval ?? ""}` }),
        h("span.sym-sub", { text: `${strategyLabel(item.kind, item.parameters)} · ${whenIST(item.created_at)}` }))),
      h("td.c-status", null, statusBadge(item)),
      h(`td.num.c-return${ret > 0 ? ".up" : ret < 0 ? ".down" : ""}`, { text: typeof ret === "number" ? pct(ret) : "—" }),
      h("td.num.hide-sm", { text: typeof item.trades === "number" ? int(item.trades) : "—" }),
      h("td.actions.c-actions", null,
        h("button.btn.btn-sm", {
          type: "button", text: "Open", dataset: { action: "open" },
          attrs: { "aria-label": `Open the backtest of ${item.symbol} ${strategyLabel(item.kind, item.parameters)}` },
          on: { click: () => open(item.id) },
        }),
        h("button.btn.btn-sm.btn-ghost.btn-danger", {
          type: "button", dataset: { action: "delete" },
          attrs: { "aria-label": `Delete the backtest of ${item.symbol} ${strategyLabel(item.kind, item.parameters)}` },
          on: { click: () => removeBacktest(item) },
        }, icon("trash"))));
  }

  function renderList() {
    if (!list.length) {
      replace(listBody, emptyState({ title: "None yet", text: "Backtests you run are kept here to reopen." }));
      return;
    }
    replace(listTbody, list.map(listRow));
    replace(listBody, h("div.table-wrap.backtests-wrap", null, listTable));
  }

  function paintListStatus(item) {
    const tr = listTbody.querySelector(`tr[data-backtest-id="${CSS.escape(item.id)}"]`);
    const cell = tr?.querySelector(".c-status");
    if (cell) replace(cell, statusBadge(item));
  }

  function upsertListItem(item) {
    if (!item?.id) return;
    // The list keeps summaries only (a full answer's bars and report stay out of it).
    const { report: _report, candles: _candles, ...summary } = item;
    const index = list.findIndex((b) => b.id === item.id);
    if (index >= 0) list[index] = { ...list[index], ...summary };
    else list.unshift(summary);
    if (listLoaded || list.length) renderList();
  }

  function markCurrent() {
    for (const tr of listTbody.querySelectorAll("tr")) tr.classList.toggle("row-current", tr.dataset.backtestId === current?.id);
  }

  async function removeBacktest(item) {
    const ok = await confirmDialog({
      title: "Delete this backtest?",
      text: `${item.symbol} · ${strategyLabel(item.kind, item.parameters)}, run ${whenIST(item.created_at)}.`,
      confirmLabel: "Delete backtest",
      cancelLabel: "Keep it",
      kind: "sell",
    });
    if (!ok || signal.aborted) return;
    try {
      await api.del(`/api/backtests/${api.enc(item.id)}`, { signal });
      list = list.filter((b) => b.id !== item.id);
      renderList();
      if (current?.id === item.id) {
        current = null;
        stopPolling();
        destroyCharts();
        progressBox.hidden = true;
        replace(resultBox);
        showInUrl(null);
      }
      toast({ title: "Backtest deleted", text: `${item.symbol} · ${strategyLabel(item.kind, item.parameters)}` });
    } catch (error) {
      if (signal.aborted) return;
      toastError(error, "Could not delete the backtest");
      if (error.status === 404) loadList();
    }
  }

  async function loadList() {
    try {
      const data = await api.get("/api/backtests", { signal });
      if (signal.aborted) return;
      const fetched = Array.isArray(data?.backtests) ? data.backtests : Array.isArray(data) ? data : [];
      // Keep what the socket told us meanwhile about a running one.
      list = fetched.map((item) => {
        const known = list.find((b) => b.id === item.id);
        return known && known.status !== "running" && item.status === "running" ? { ...item, ...known } : item;
      });
      listLoaded = true;
      renderList();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(listBody, loadFailed("your backtests", error, loadList));
    }
  }

  loadList();
  if (params.id) open(params.id);
  return {
    unmount() {
      stopPolling();
      destroyCharts();
      cleanups.forEach((fn) => fn());
    },
    resync() {
      loadList();
      if (current?.id && current.status === "running") fetchResult(current.id);
    },
  };
}

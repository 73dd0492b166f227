// Performance: the user's results net of charges (GET /api/performance) between two IST dates, for every strategy
// or one: the equity curve (daily, or today's intraday points), the drawdown below the running peak (computed here
// from the same points), and the metrics overall and per strategy.

import * as api from "../api.js";
import { h, replace, setText, field, loadFailed } from "../dom.js";
import { inr, pct, dateIST } from "../format.js";
import { loadChartLibrary, LineChart } from "../chart.js";
import { autoNav, metricsTable, equityPoints, drawdownPoints } from "../autotrading.js";
import { FormErrors, selectField } from "../strategy-form.js";

let lastQuery = { from: "", to: "", strategy: "" };
let lastView = "daily";

export function mount(root, { signal }) {
  document.title = "Performance · StockCart";
  let data = null;
  let view = lastView;
  let request = null;
  let equityChart = null;
  let drawdownChart = null;

  // ---- filters ------------------------------------------------------------------------------------------------
  const formError = h("div.form-error", { attrs: { role: "alert" } });
  const errors = new FormErrors(formError);
  const fromF = field({ label: "From", name: "from", type: "date", value: lastQuery.from });
  const toF = field({ label: "To", name: "to", type: "date", value: lastQuery.to });
  const strategyF = selectField({ label: "Strategy", name: "strategy", options: [{ value: "", label: "All strategies" }], value: "" });
  errors.set("from", fromF.input);
  errors.set("to", toF.input);
  errors.set("strategy", strategyF.input);
  const showButton = h("button.btn.btn-primary", { type: "submit", text: "Show" });
  const form = h("form.perf-filters", { noValidate: true, attrs: { "aria-label": "Period and strategy" } },
    fromF.field, toF.field, strategyF.field, h("div.perf-submit", null, showButton));
  for (const input of [fromF.input, toF.input, strategyF.input]) input.addEventListener("change", () => load());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });

  // ---- content ------------------------------------------------------------------------------------------------
  const rangeEl = h("span.page-sub");
  const statsEl = h("div.card.stats.perf-stats");
  const viewButtons = [["daily", "Daily"], ["intraday", "Today"]].map(([key, label]) => h("button", {
    type: "button", text: label, dataset: { view: key }, attrs: { "aria-pressed": String(key === view) },
    on: { click: () => { view = key; lastView = key; paintViewButtons(); drawCharts(); } },
  }));
  const equityBox = h("div.line-box.perf-equity-box", { attrs: { role: "img", "aria-label": "Equity curve" } });
  const drawdownBox = h("div.line-box.perf-drawdown-box", { attrs: { role: "img", "aria-label": "Drawdown: percent below the running peak" } });
  const equityEmpty = h("div.chart-status", { hidden: true });
  const drawdownEmpty = h("div.chart-status", { hidden: true });
  const metricsBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading performance…"));
  const content = h("div.perf-content", null,
    statsEl,
    h("div.perf-charts", null,
      h("div.card.chart-card", null,
        h("div.card-head.chart-head", null, h("h2", { text: "Equity" }),
          h("div.segmented", { attrs: { role: "group", "aria-label": "Equity points" } }, viewButtons)),
        h("div.chart-wrap", null, equityBox, equityEmpty)),
      h("div.card.chart-card", null,
        h("div.card-head", null, h("h2", { text: "Drawdown" }), h("span.page-sub", { text: "% below the running peak" })),
        h("div.chart-wrap", null, drawdownBox, drawdownEmpty))),
    h("div.card.perf-metrics", null,
      h("div.card-head", null, h("h2", { text: "Metrics" }), h("span.page-sub", { text: "net of charges" })),
      metricsBody));

  root.append(h("section.page.performance", null,
    h("div.page-head", null, h("h1", { text: "Performance" }), rangeEl),
    autoNav("performance"),
    h("div.card", null, h("div.card-body", null, form, formError)),
    content));

  function paintViewButtons() {
    for (const button of viewButtons) button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }

  // ---- strategies for the select --------------------------------------------------------------------------------
  api.get("/api/strategies", { signal }).then((answer) => {
    if (signal.aborted) return;
    const strategies = Array.isArray(answer?.strategies) ? answer.strategies : [];
    replace(strategyF.input, h("option", { value: "", text: "All strategies" }),
      strategies.map((s) => h("option", { value: s.id, text: s.name })));
    strategyF.input.value = strategies.some((s) => s.id === lastQuery.strategy) ? lastQuery.strategy : "";
  }).catch(() => { /* the select keeps "All strategies" */ });

  // ---- load ---------------------------------------------------------------------------------------------------
  async function load() {
    errors.clear();
    const query = { from: fromF.input.value, to: toF.input.value, strategy: strategyF.input.value || (data ? "" : lastQuery.strategy) };
    lastQuery = query;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    request?.abort();
    const controller = new AbortController();
    request = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    showButton.disabled = true;
    content.setAttribute("aria-busy", "true");
    try {
      const search = params.toString();
      const answer = await api.get(`/api/performance${search ? `?${search}` : ""}`, { signal: controller.signal });
      if (controller.signal.aborted) return;
      data = answer;
      render();
    } catch (error) {
      if (controller.signal.aborted || error.status === 401) return;
      const onField = errors.show(error, "Could not load your performance.");
      if (!onField && !data) {
        setText(formError, "");
        replace(metricsBody, loadFailed("your performance", error, load));
      }
    } finally {
      if (request === controller) {
        showButton.disabled = false;
        content.removeAttribute("aria-busy");
      }
    }
  }

  function render() {
    const overall = data.overall ?? {};
    const m = overall.metrics ?? {};
    setText(rangeEl, data.from || data.to ? `${data.from ? dateIST(data.from) : "…"} – ${data.to ? dateIST(data.to) : "today"}` : "");
    const ret = m.total_return_percent;
    const stat = (label, value, tone = "") => h("div.stat", null, h("span.stat-label", { text: label }),
      h(`span.stat-value${tone ? "." + tone : ""}`, { text: value }));
    const toneOf = (v) => (v > 0 ? "up" : v < 0 ? "down" : "");
    replace(statsEl,
      stat("Equity", inr(m.ending_equity)),
      stat("Return", typeof ret === "number" ? pct(ret) : "—", toneOf(ret)),
      stat("Realised P&L", inr(m.realised_pnl, { signed: true }), toneOf(m.realised_pnl)),
      stat("Unrealised P&L", inr(overall.unrealised_pnl, { signed: true }), toneOf(overall.unrealised_pnl)),
      stat("Charges", inr(overall.charges)),
      stat("Max drawdown", typeof m.max_drawdown_percent === "number" ? pct(m.max_drawdown_percent, { signed: false }) : "—"));

    const columns = [{ label: "Overall", metrics: m }];
    for (const s of Array.isArray(data.strategies) ? data.strategies : []) {
      columns.push({ label: s.strategy_name ?? "Strategy", metrics: s.metrics ?? {} });
    }
    replace(metricsBody, metricsTable(columns, { label: "Performance metrics, overall and per strategy" }));

    const daily = equityPoints(data.equity);
    const intraday = equityPoints(data.intraday);
    if (view === "daily" && daily.length < 2 && intraday.length >= 2) view = "intraday";
    paintViewButtons();
    drawCharts();
  }

  async function drawCharts() {
    if (!data) return;
    const points = equityPoints(view === "daily" ? data.equity : data.intraday);
    let lib;
    try {
      lib = await loadChartLibrary();
    } catch (error) {
      if (signal.aborted) return;
      for (const box of [equityEmpty, drawdownEmpty]) {
        box.hidden = false;
        replace(box, h("span", { text: error.message }));
      }
      return;
    }
    if (signal.aborted) return;
    equityChart ??= new LineChart(lib, equityBox, { kind: "equity" });
    drawdownChart ??= new LineChart(lib, drawdownBox, { kind: "drawdown" });
    const intraday = view === "intraday";
    equityChart.setPoints(points, { intraday });
    drawdownChart.setPoints(drawdownPoints(points), { intraday });
    const empty = points.length === 0;
    for (const box of [equityEmpty, drawdownEmpty]) {
      box.hidden = !empty;
      if (empty) {
        replace(box, h("span", { text: intraday
          ? "No equity points today yet."
          : "No equity points in this period yet: they are recorded each day the auto-trader or your orders trade." }));
      }
    }
  }

  load();
  return {
    unmount() {
      request?.abort();
      equityChart?.destroy();
      drawdownChart?.destroy();
    },
    resync: load,
  };
}

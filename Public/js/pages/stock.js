// One stock: live price and the day's stats, a candlestick chart with volume (1m … 1d, the last candle live) and the
// indicators chosen in its menu (SMA, EMA and Bollinger bands on the price; RSI and MACD in panes below; the choice
// is kept in localStorage), and the "Set price alert" form. The range being typed is previewed on the chart; saved
// alerts are drawn as bands. Validation errors from the API appear next to the field they name.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { socket } from "../ws.js";
import { h, replace, setText, setTone, flash, field, setFieldError, emptyState } from "../dom.js";
import { num, pct, inr, volume, direction, priceShort, parseAmount, whenIST, toTick } from "../format.js";
import { loadChartLibrary, StockChart, INDICATORS } from "../chart.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { ruleRange } from "../notifications.js";

const INTERVALS = [
  { key: "1m", label: "1m", limit: 375, name: "1 minute" },
  { key: "5m", label: "5m", limit: 300, name: "5 minutes" },
  { key: "15m", label: "15m", limit: 300, name: "15 minutes" },
  { key: "1h", label: "1h", limit: 300, name: "1 hour" },
  { key: "1d", label: "1D", limit: 250, name: "1 day" },
];
let lastInterval = "5m";

const INDICATOR_KEY = "stockcart.indicators";

/** The indicators chosen in the menu (names of INDICATORS), as last saved; none at first. */
function savedIndicators() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(INDICATOR_KEY) ?? "[]");
    return Array.isArray(saved) ? INDICATORS.map((spec) => spec.name).filter((name) => saved.includes(name)) : [];
  } catch {
    return [];
  }
}

function saveIndicators(names) {
  try {
    window.localStorage.setItem(INDICATOR_KEY, JSON.stringify(names));
  } catch { /* storage disabled: the choice lasts for this page */ }
}

const STATE_LABEL = { watching: "Watching", inside: "In range", fired: "Fired", paused: "Paused" };
const STATE_TONE = { watching: "badge-accent", inside: "badge-up", fired: "", paused: "badge-warn" };

export function mount(root, { params, signal }) {
  const symbol = String(params.symbol || "").toUpperCase();
  document.title = `${symbol} · StockCart`;
  const cleanups = [];
  let chart = null;
  let rules = [];
  let interval = lastInterval;
  let candleRequest = null;
  let indicatorRequest = null;
  let candlesLoading = false;
  let indicators = savedIndicators();

  // ---- header -------------------------------------------------------------------------------------------------
  const nameEl = h("span.stock-name");
  const sectorEl = h("span.muted");
  const ltpEl = h("span.stock-ltp.flash-cell", { dataset: { testid: "stock-ltp" } });
  const changeEl = h("span.stock-change");
  const timeEl = h("span.muted.stock-time");
  const addButton = h("button.btn.btn-sm", { type: "button" }, icon("cart"), "Add to cart");
  const header = h("div.stock-head", null,
    h("a.back-link", { href: "#/", attrs: { "aria-label": "Back to market watch" } }, icon("back"), h("span", { text: "Market" })),
    h("div.stock-title", null,
      h("div.stock-id", null,
        h("h1", { text: symbol }),
        h("span.badge", { text: "NSE" }),
        h("span.stock-meta", null, nameEl, sectorEl)),
      h("div.stock-price", { attrs: { "aria-live": "off" } }, ltpEl, changeEl, timeEl)),
    h("div.stock-actions", null, addButton));

  // ---- stats ------------------------------------------------------------------------------------------------------
  const stat = (label) => {
    const value = h("span.stat-value");
    return { value, el: h("div.stat", null, h("span.stat-label", { text: label }), value) };
  };
  const sOpen = stat("Open");
  const sHigh = stat("High");
  const sLow = stat("Low");
  const sPrev = stat("Prev. close");
  const sVol = stat("Volume");
  const rangeLo = h("span.range-lo");
  const rangeHi = h("span.range-hi");
  const rangeDot = h("span.range-dot");
  const rangeFill = h("span.range-fill");
  const sRange = h("div.stat.stat-range", null, h("span.stat-label", { text: "Day range" }),
    h("div.range", null, rangeLo, h("span.range-track", null, rangeFill, rangeDot), rangeHi));
  const stats = h("div.card.stats.stock-stats", null, sOpen.el, sHigh.el, sLow.el, sPrev.el, sVol.el, sRange);

  // ---- chart card ---------------------------------------------------------------------------------------------------
  const intervalButtons = INTERVALS.map((item) => h("button", {
    type: "button", text: item.label,
    attrs: { "aria-pressed": String(item.key === interval), "aria-label": `${item.name} candles` },
    dataset: { interval: item.key },
    on: { click: () => setInterval_(item.key) },
  }));
  const legend = h("div.chart-legend", { attrs: { "aria-hidden": "true" } });
  const chartBox = h("div.chart-box", { attrs: { role: "img", "aria-label": `${symbol} candlestick chart` } });
  const chartStatus = h("div.chart-status", null, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Loading chart…");
  const paneHost = h("div.chart-panes");
  const indicatorLegend = h("div.chart-legend.ind-legend", { attrs: { "aria-hidden": "true" } });
  const indicatorNote = h("div.ind-note", { attrs: { "aria-live": "polite" } });

  // ---- indicator menu ---------------------------------------------------------------------------------------------
  const indicatorCount = h("span.count-badge.ind-count");
  const indicatorBoxes = INDICATORS.map((spec) => {
    const box = h("input.checkbox", { type: "checkbox", name: "indicator", value: spec.name, checked: indicators.includes(spec.name) });
    box.addEventListener("change", () => chooseIndicators());
    return h("label.ind-option", null, box,
      h(`span.swatch.swatch-${spec.key}`, { attrs: { "aria-hidden": "true" } }),
      h("span.ind-label", { text: spec.label }),
      h("span.ind-where", { text: spec.pane ? "own pane" : "on price" }));
  });
  const indicatorSummary = h("summary.btn.btn-sm.ind-summary", null, icon("chart"), h("span", { text: "Indicators" }), indicatorCount);
  const indicatorMenu = h("details.ind-menu", null, indicatorSummary,
    h("div.ind-menu-list", { attrs: { role: "group", "aria-label": "Indicators on the chart" } }, indicatorBoxes));
  function paintIndicatorCount() {
    indicatorCount.textContent = String(indicators.length);
    indicatorCount.hidden = indicators.length === 0;
    indicatorSummary.setAttribute("aria-label", indicators.length
      ? `Indicators, ${indicators.length} shown: ${INDICATORS.filter((s) => indicators.includes(s.name)).map((s) => s.label).join(", ")}`
      : "Indicators, none shown");
  }
  paintIndicatorCount();
  indicatorMenu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && indicatorMenu.open) {
      event.preventDefault();
      indicatorMenu.open = false;
      indicatorSummary.focus();
    }
  });
  const closeMenuOutside = (event) => {
    if (indicatorMenu.open && !indicatorMenu.contains(event.target)) indicatorMenu.open = false;
  };
  document.addEventListener("click", closeMenuOutside);

  const chartCard = h("div.card.chart-card", null,
    h("div.card-head.chart-head", null,
      h("div.segmented", { attrs: { role: "group", "aria-label": "Candle interval" } }, intervalButtons),
      indicatorMenu,
      legend,
      indicatorLegend,
      indicatorNote),
    h("div.chart-wrap", null, chartBox, paneHost, chartStatus));

  // ---- alert form -----------------------------------------------------------------------------------------------
  const minF = field({ label: "Min price", name: "min_price", inputmode: "decimal", prefix: "₹", autocomplete: "off",
    inputClass: "input-num" });
  const maxF = field({ label: "Max price", name: "max_price", inputmode: "decimal", prefix: "₹", autocomplete: "off",
    inputClass: "input-num" });
  const modeName = `mode-${symbol}`;
  const onceInput = h("input", { type: "radio", name: modeName, value: "once", checked: true });
  const rearmInput = h("input", { type: "radio", name: modeName, value: "rearm" });
  const modeError = h("div.field-error", { attrs: { "aria-live": "polite" } });
  const modeGroup = h("fieldset.choice-group", { dataset: { field: "mode" } },
    h("legend", { text: "When it fires" }),
    h("label.choice", null, onceInput, h("strong", { text: "Once" }), h("span", { text: "then the alert stops" })),
    h("label.choice", null, rearmInput, h("strong", { text: "Re-arm" }), h("span", { text: "again after the price leaves" })));
  const rangeNote = h("div.range-note", { attrs: { "aria-live": "polite" } });
  const alertError = h("div.form-error", { attrs: { role: "alert" } });
  const alertSubmit = h("button.btn.btn-primary.btn-block", { type: "submit", text: "Set price alert" });
  const alertForm = h("form.alert-form", { noValidate: true, attrs: { "aria-labelledby": "alert-title" } },
    h("div.field-row", null, minF.field, maxF.field),
    modeGroup, modeError, rangeNote, alertError, alertSubmit,
    h("p.hint", { text: "When the price enters this range, the stock is added to your cart and you get a notification." }));
  const rulesList = h("ul.mini-rules", { attrs: { "aria-label": `Your alerts on ${symbol}` } });
  const alertCard = h("div.card.alert-card", null,
    h("div.card-head", null, h("h2", { id: "alert-title", text: "Set price alert" })),
    h("div.card-body", null, alertForm),
    h("div.card-head.sub-head", null, h("h2", { text: "Your alerts on " + symbol })),
    rulesList);

  root.append(h("section.page.stock", { dataset: { symbol } },
    header, stats,
    h("div.stock-grid", null, chartCard, alertCard)));

  // ---- quote ------------------------------------------------------------------------------------------------------
  function paintQuote(previous) {
    const q = store.stock(symbol);
    if (!q) return;
    setText(nameEl, q.name);
    setText(sectorEl, q.sector ? ` · ${q.sector}` : "");
    setText(ltpEl, num(q.ltp));
    ltpEl.dataset.value = String(q.ltp);
    setTone(ltpEl, q.change);
    setText(changeEl, `${num(q.change, { signed: true })} (${pct(q.change_percent)})`);
    setTone(changeEl, q.change);
    setText(timeEl, `as of ${whenIST(q.time)} IST`);
    setText(sOpen.value, num(q.open));
    setText(sHigh.value, num(q.high));
    setText(sLow.value, num(q.low));
    setText(sPrev.value, num(q.previous_close));
    setText(sVol.value, volume(q.volume));
    sVol.value.title = `${q.volume?.toLocaleString("en-IN")} shares`;
    setText(rangeLo, num(q.low));
    setText(rangeHi, num(q.high));
    const span = q.high - q.low;
    const at = span > 0 ? ((q.ltp - q.low) / span) * 100 : 50;
    const open = span > 0 ? ((q.open - q.low) / span) * 100 : 50;
    rangeDot.style.left = `${at.toFixed(1)}%`;
    rangeFill.style.left = `${Math.min(open, at).toFixed(1)}%`;
    rangeFill.style.width = `${Math.abs(at - open).toFixed(1)}%`;
    if (!minF.input.value && !maxF.input.value) {
      minF.input.placeholder = priceShort(toTick(q.ltp * 0.99));
      maxF.input.placeholder = priceShort(toTick(q.ltp * 1.01));
    }
    if (previous) flash(ltpEl, direction(q.ltp, previous.ltp));
    updateRangeNote();
    renderRuleDistances();
  }

  cleanups.push(socket.watch([symbol]));
  cleanups.push(store.onQuotes((changed) => {
    if (!changed.has(symbol)) return;
    paintQuote(changed.get(symbol));
    if (chart) {
      chart.update(store.stock(symbol));
      const last = chart.bars.at(-1);
      if (last) chartBox.dataset.lastClose = String(last.close);
    }
  }));

  // ---- chart ------------------------------------------------------------------------------------------------------
  function setInterval_(key) {
    if (key === interval && chart?.bars.length) return;
    interval = key;
    lastInterval = key;
    for (const button of intervalButtons) button.setAttribute("aria-pressed", String(button.dataset.interval === key));
    loadCandles();
  }

  async function loadCandles() {
    candleRequest?.abort();
    indicatorRequest?.abort();
    const controller = new AbortController();
    candleRequest = controller;
    candlesLoading = true;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    chartStatus.hidden = false;
    replace(chartStatus, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Loading chart…");
    try {
      const limit = INTERVALS.find((i) => i.key === interval).limit;
      const wanted = indicators.slice();
      // The indicators come with the candles (same interval and limit, so the same bars); their failure leaves
      // the candles drawn and says why.
      const [lib, data, computed] = await Promise.all([
        loadChartLibrary(),
        api.get(`/api/stocks/${api.enc(symbol)}/candles?interval=${interval}&limit=${limit}`, { signal: controller.signal }),
        wanted.length ? fetchIndicators(wanted, limit, controller.signal).catch((error) => ({ failed: error })) : null,
      ]);
      if (controller.signal.aborted) return;
      chart ??= new StockChart(lib, chartBox, legend, { paneHost, indicatorLegend });
      chart.setCandles(interval, data.candles, store.stock(symbol)?.volume);
      chartBox.dataset.candles = String(data.candles.length);
      chartBox.dataset.interval = interval;
      showIndicators(computed, wanted);
      drawBands();
      chartStatus.hidden = true;
      candlesLoading = false;
      // The menu changed while the bars were on their way: fetch what is wanted now.
      if (indicators.join(",") !== wanted.join(",")) chooseIndicators();
    } catch (error) {
      if (controller.signal.aborted) return;
      candlesLoading = false;
      replace(chartStatus, h("span", { text: error.reason ?? error.message ?? "Could not load the chart." }),
        h("button.btn.btn-sm", { type: "button", text: "Retry", on: { click: () => loadCandles() } }));
    }
  }

  // ---- indicators -------------------------------------------------------------------------------------------------
  function fetchIndicators(names, limit, requestSignal) {
    return api.get(`/api/stocks/${api.enc(symbol)}/indicators?interval=${interval}&limit=${limit}&indicators=${names.join(",")}`,
      { signal: requestSignal });
  }

  /** Draws an indicators answer (or nothing, or the reason it failed) for `names`. */
  function showIndicators(computed, names) {
    if (!chart) return;
    if (computed?.failed) {
      chart.setIndicators(null, names);
      setText(indicatorNote, `Indicators unavailable: ${computed.failed.reason ?? computed.failed.message ?? "the server did not answer."}`);
      chartBox.dataset.indicatorsLoaded = "";
      return;
    }
    setText(indicatorNote, "");
    chart.setIndicators(computed, names);
    chartBox.dataset.indicatorsLoaded = computed ? names.join(",") : "";
  }

  /** The menu changed: remember the choice, drop what is no longer wanted at once, fetch what is. */
  async function chooseIndicators() {
    indicators = indicatorBoxes.map((label) => label.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
    saveIndicators(indicators);
    paintIndicatorCount();
    if (!chart || candlesLoading) return; // the candles' load fetches them
    indicatorRequest?.abort();
    const wanted = indicators.slice();
    // What was unticked goes at once; what was ticked is drawn when its values arrive.
    chart.setIndicators(chart.indicatorResponse, wanted);
    if (!wanted.length) {
      showIndicators(null, wanted);
      return;
    }
    const controller = new AbortController();
    indicatorRequest = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    const limit = INTERVALS.find((i) => i.key === interval).limit;
    const computed = await fetchIndicators(wanted, limit, controller.signal).catch((error) => ({ failed: error }));
    if (controller.signal.aborted) return;
    showIndicators(computed, wanted);
  }

  function readRange() {
    const min = parseAmount(minF.input.value);
    const max = parseAmount(maxF.input.value);
    return { min, max, complete: Number.isFinite(min) && Number.isFinite(max) && min > 0 && max > 0 };
  }

  function drawBands() {
    if (!chart) return;
    // Every alert on this stock is a band: armed ones solid, fired or paused ones faint; the range being typed is
    // a preview.
    const bands = rules.map((r) => ({
      id: r.id, min: r.min_price, max: r.max_price,
      label: r.state === "fired" ? "fired" : r.state === "paused" ? "paused" : "alert",
      faded: !(r.active && (r.state === "watching" || r.state === "inside")),
    }));
    const typed = readRange();
    if (typed.complete && typed.min <= typed.max) bands.push({ id: "preview", min: typed.min, max: typed.max, preview: true });
    chart.setBands(bands);
    chartBox.dataset.bands = String(bands.filter((b) => !b.preview).length);
  }

  // ---- alert form ---------------------------------------------------------------------------------------------------
  function updateRangeNote() {
    const q = store.stock(symbol);
    const typed = readRange();
    if (!q || !typed.complete || typed.min > typed.max) {
      setText(rangeNote, "");
      rangeNote.className = "range-note";
      return;
    }
    let text;
    let tone;
    if (q.ltp >= typed.min && q.ltp <= typed.max) {
      text = `LTP ${num(q.ltp)} is inside this range: the alert fires on the next tick.`;
      tone = "inside";
    } else if (q.ltp < typed.min) {
      text = `Fires if the price rises ${pct(((typed.min - q.ltp) / q.ltp) * 100, { signed: false })} to ${priceShort(typed.min)}.`;
      tone = "away";
    } else {
      text = `Fires if the price falls ${pct(((q.ltp - typed.max) / q.ltp) * 100, { signed: false })} to ${priceShort(typed.max)}.`;
      tone = "away";
    }
    setText(rangeNote, text);
    rangeNote.className = `range-note range-note-${tone}`;
  }

  for (const input of [minF.input, maxF.input]) {
    input.addEventListener("input", () => {
      updateRangeNote();
      drawBands();
    });
  }

  alertForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (alertSubmit.disabled) return;
    setText(alertError, "");
    setText(modeError, "");
    setFieldError(minF.input, "");
    setFieldError(maxF.input, "");
    const typed = readRange();
    let firstBad = null;
    for (const [f, value] of [[minF, typed.min], [maxF, typed.max]]) {
      const label = f === minF ? "min" : "max";
      if (f.input.value.trim() === "") {
        setFieldError(f.input, `Enter a ${label} price.`);
        firstBad ??= f.input;
      } else if (!Number.isFinite(value)) {
        setFieldError(f.input, `Enter the ${label} price as a number, like 2,750.50.`);
        firstBad ??= f.input;
      }
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    const body = {
      symbol,
      min_price: typed.min,
      max_price: typed.max,
      mode: rearmInput.checked ? "rearm" : "once",
      active: true,
    };
    alertSubmit.disabled = true;
    replace(alertSubmit, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Setting alert…");
    try {
      const rule = await api.post("/api/rules", body, { signal });
      // Its firing may have been heard on the socket before this answer arrived: keep the newer state.
      if (!rules.some((r) => r.id === rule.id)) rules.push(rule);
      minF.input.value = "";
      maxF.input.value = "";
      updateRangeNote();
      renderRules();
      drawBands();
      toast({ title: "Alert set", text: `${symbol} ${ruleRange(rule)} · ${rule.mode === "rearm" ? "re-arms" : "fires once"}`,
        action: { label: "All alerts", href: "#/rules" } });
    } catch (error) {
      if (signal.aborted) return;
      const target = { min_price: minF.input, max_price: maxF.input }[error.field];
      if (target) {
        setFieldError(target, error.reason);
        target.focus();
      } else if (error.field === "mode") {
        setText(modeError, error.reason);
      } else {
        setText(alertError, error.reason ?? "Could not set the alert.");
      }
    } finally {
      alertSubmit.disabled = false;
      alertSubmit.textContent = "Set price alert";
    }
  });

  // ---- this stock's alerts --------------------------------------------------------------------------------------------
  const ruleDistance = new Map();
  function renderRules() {
    ruleDistance.clear();
    const mine = rules.slice().reverse();
    if (!mine.length) {
      replace(rulesList, h("li.mini-empty", { text: "No alerts on this stock yet." }));
      return;
    }
    replace(rulesList, mine.map((rule) => {
      const distance = h("span.mini-distance");
      ruleDistance.set(rule.id, { rule, el: distance });
      return h("li.mini-rule", { dataset: { ruleId: rule.id, state: rule.state } },
        h("span.mini-range", { text: ruleRange(rule) }),
        h(`span.badge.${STATE_TONE[rule.state] || "badge-plain"}`, { text: STATE_LABEL[rule.state] ?? rule.state }),
        distance,
        h("span.muted.mini-fired", { text: rule.fire_count ? `fired ${rule.fire_count}×` : rule.mode === "rearm" ? "re-arm" : "once" }));
    }));
    renderRuleDistances();
  }

  function renderRuleDistances() {
    const q = store.stock(symbol);
    if (!q) return;
    for (const { rule, el } of ruleDistance.values()) {
      let text = "in range";
      if (q.ltp < rule.min_price) text = `↑ ${pct(((rule.min_price - q.ltp) / q.ltp) * 100, { signed: false })}`;
      else if (q.ltp > rule.max_price) text = `↓ ${pct(((q.ltp - rule.max_price) / q.ltp) * 100, { signed: false })}`;
      setText(el, text);
    }
  }

  async function loadRules() {
    try {
      const since = performance.now();
      const all = store.freshen("rule", await api.get("/api/rules", { signal }), since);
      rules = all.filter((r) => r.symbol === symbol);
      renderRules();
      drawBands();
    } catch (error) {
      if (!signal.aborted && error.status !== 401) replace(rulesList, h("li.mini-empty", { text: error.reason }));
    }
  }

  const onRuleEvent = ({ rule }) => {
    if (rule?.symbol !== symbol) return;
    const index = rules.findIndex((r) => r.id === rule.id);
    if (index >= 0) rules[index] = rule;
    else rules.push(rule);
    renderRules();
    drawBands();
  };
  cleanups.push(bus.on("rule.fired", onRuleEvent));
  cleanups.push(bus.on("cart.added", onRuleEvent));

  // ---- add to cart -------------------------------------------------------------------------------------------------
  addButton.addEventListener("click", async () => {
    if (addButton.disabled) return;
    addButton.disabled = true;
    try {
      const item = await api.post("/api/cart", { symbol, quantity: 1 }, { signal });
      store.setCartCount(store.getCartCount() + 1, { bump: true });
      toast({ title: "Added to cart", text: `${symbol} at ${inr(item.added_price)}`, action: { label: "View cart", href: "#/cart" } });
    } catch (error) {
      if (!signal.aborted) toastError(error, "Could not add to cart");
    } finally {
      addButton.disabled = false;
    }
  });

  // ---- first load --------------------------------------------------------------------------------------------------
  const known = store.stock(symbol);
  if (known) paintQuote(null);
  api.get(`/api/stocks/${api.enc(symbol)}`, { signal }).then((quote) => {
    store.applyQuote(quote);
    paintQuote(null);
  }).catch((error) => {
    if (signal.aborted) return;
    if (error.status === 404) {
      replace(root, h("section.page", null, emptyState({ title: `No stock called "${symbol}"`,
        text: "StockCart follows the NIFTY 50. Pick one from the market watch.",
        link: { href: "#/", text: "Market watch" }, card: true })));
      cleanups.forEach((fn) => fn());
      cleanups.length = 0;
    }
  });
  loadCandles();
  loadRules();

  return {
    unmount() {
      candleRequest?.abort();
      indicatorRequest?.abort();
      document.removeEventListener("click", closeMenuOutside);
      for (const fn of cleanups) fn();
      chart?.destroy();
      chart = null;
    },
    resync() {
      loadCandles();
      loadRules();
    },
  };
}

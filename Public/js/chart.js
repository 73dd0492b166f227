// The charts: TradingView Lightweight Charts v4 (fetched into Public/vendor/ by scripts/fetch-ui-vendor.sh, loaded on
// demand with a plain <script src>, which the CSP allows).
//
// StockChart: candles with volume, the last candle updated live from the price stream, alert ranges drawn as bands
// (a series primitive) with labelled edge lines, indicator overlays (moving averages, Bollinger bands) on the price
// and indicator panes (RSI, MACD) below it, and trade markers (backtests). LineChart: an equity curve or a drawdown.
//
// Times: the API sends UTC instants; the library labels its axis in UTC, so every time is shifted by +5:30 and the
// axis reads in IST, as Indian traders expect. Bars are bucketed exactly as the server does (aligned to IST).
//
// Indicator panes are charts of their own under the price chart (v4 has no panes): they hold one point per price
// bar (whitespace where the indicator has no value), so the price chart's visible logical range, copied to them,
// shows the same bars; their price scales take the width of the widest, so the plots line up.

import { IST_OFFSET_SECONDS, num, volume as fmtVolume, parseApiTime } from "./format.js";
import { cssVar } from "./theme.js";
import { h, setText } from "./dom.js";

const LIBRARY_URL = "vendor/lightweight-charts.js";
export const INTERVAL_SECONDS = { "1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400 };

let libraryPromise = null;

/** Loads the chart library once; rejects with a clear message when it was never fetched. */
export function loadChartLibrary() {
  if (window.LightweightCharts) return Promise.resolve(window.LightweightCharts);
  libraryPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = LIBRARY_URL;
    script.async = true;
    script.onload = () => (window.LightweightCharts
      ? resolve(window.LightweightCharts)
      : reject(new Error("the chart library loaded but did not define LightweightCharts")));
    script.onerror = () => {
      libraryPromise = null;
      script.remove();
      reject(new Error("The chart library is not installed. Run scripts/fetch-ui-vendor.sh (scripts/run.sh does it)."));
    };
    document.head.append(script);
  });
  return libraryPromise;
}

/** Starts loading the library when the browser is idle, so opening a stock later is instant. */
export function prefetchChartLibrary() {
  const go = () => loadChartLibrary().catch(() => { /* shown when a chart is opened */ });
  if ("requestIdleCallback" in window) window.requestIdleCallback(go, { timeout: 4000 });
  else setTimeout(go, 1500);
}

/** The start (UTC seconds) of the IST-aligned bar containing `seconds`. */
export function bucketStart(seconds, interval) {
  const size = INTERVAL_SECONDS[interval];
  const local = seconds + IST_OFFSET_SECONDS;
  return seconds - (((local % size) + size) % size);
}

const toChartTime = (utcSeconds) => utcSeconds + IST_OFFSET_SECONDS;

function palette() {
  return {
    background: cssVar("--surface"),
    text: cssVar("--muted"),
    grid: cssVar("--chart-grid"),
    border: cssVar("--border"),
    up: cssVar("--up"),
    down: cssVar("--down"),
    crosshair: cssVar("--faint"),
    band: cssVar("--band"),
    bandLine: cssVar("--band-line"),
    accent: cssVar("--accent"),
  };
}

/** Seconds since 1970 (UTC) of an API time (ISO string, seconds, or an IST date as reports write it), or null. */
export function apiSeconds(value) {
  const date = parseApiTime(value);
  return date ? Math.floor(date.getTime() / 1000) : null;
}

function withAlpha(color, alpha) {
  // "#rrggbb" → rgba(); other forms are returned as they are.
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// ---- alert bands (series primitive) ------------------------------------------------------------------------

class BandRenderer {
  constructor(source) {
    this.source = source;
  }

  draw() {}

  drawBackground(target) {
    const { series, bands, colors } = this.source;
    if (!series || !bands.length) return;
    target.useMediaCoordinateSpace(({ context, mediaSize }) => {
      for (const band of bands) {
        const top = series.priceToCoordinate(band.max);
        const bottom = series.priceToCoordinate(band.min);
        if (top === null || bottom === null) continue;
        const y = Math.min(top, bottom);
        const height = Math.max(1, Math.abs(bottom - top));
        context.fillStyle = band.preview ? withAlpha(colors.accent, 0.07) : band.faded ? withAlpha(colors.text, 0.07) : colors.band;
        context.fillRect(0, y, mediaSize.width, height);
      }
    });
  }
}

class BandPaneView {
  constructor(source) {
    this.rendererInstance = new BandRenderer(source);
  }

  zOrder() {
    return "bottom";
  }

  renderer() {
    return this.rendererInstance;
  }
}

class BandPrimitive {
  constructor() {
    this.bands = [];
    this.series = null;
    this.requestUpdate = null;
    this.colors = palette();
    this.views = [new BandPaneView(this)];
    this.lastPrice = null;
  }

  attached({ series, requestUpdate }) {
    this.series = series;
    this.requestUpdate = requestUpdate;
  }

  detached() {
    this.series = null;
    this.requestUpdate = null;
  }

  updateAllViews() {}

  paneViews() {
    return this.views;
  }

  /** Keeps a band near the price in view; a band far away (a typo while typing) must not squash the candles. */
  autoscaleInfo() {
    const near = this.bands.filter((b) => this.lastPrice && b.min > this.lastPrice * 0.85 && b.max < this.lastPrice * 1.15);
    if (!near.length) return null;
    return {
      priceRange: {
        minValue: Math.min(...near.map((b) => b.min)),
        maxValue: Math.max(...near.map((b) => b.max)),
      },
    };
  }

  set(bands) {
    this.bands = bands;
    this.requestUpdate?.();
  }
}

// ---- indicators ---------------------------------------------------------------------------------------------

/**
 * The indicators the stock chart offers: the API's name (`GET /api/stocks/{symbol}/indicators?indicators=…`), the
 * label in the menu, the colour (a CSS custom property, so themes apply) of each line, and where it is drawn: on
 * the price (overlay) or in a pane of its own below it. `part` names a line of a multi-line indicator.
 */
export const INDICATORS = [
  { name: "SMA_20", key: "sma", label: "SMA 20", lines: [{ color: "--ind-sma" }] },
  { name: "EMA_20", key: "ema", label: "EMA 20", lines: [{ color: "--ind-ema" }] },
  { name: "BBANDS_20_2", key: "bb", label: "Bollinger 20, 2", lines: [
    { part: "upper", title: "upper", color: "--ind-bb" },
    { part: "middle", title: "middle", color: "--ind-bb", dashed: true },
    { part: "lower", title: "lower", color: "--ind-bb" },
  ] },
  { name: "RSI_14", key: "rsi", label: "RSI 14", pane: true, range: [0, 100], levels: [30, 70],
    lines: [{ color: "--ind-rsi" }] },
  { name: "MACD_12_26_9", key: "macd", label: "MACD 12, 26, 9", pane: true, histogram: "hist", lines: [
    { part: "macd", title: "MACD", color: "--ind-macd" },
    { part: "signal", title: "signal", color: "--ind-signal" },
  ] },
];

const INDICATOR_BY_NAME = new Map(INDICATORS.map((spec) => [spec.name, spec]));

/** time (chart seconds) → value, for one line of an indicator answer (null/absent values left out). */
function indicatorValues(response, spec, part) {
  const values = new Map();
  const raw = response?.series?.[spec.name];
  const column = part ? raw?.[part] : raw;
  if (!Array.isArray(column) || !Array.isArray(response?.times)) return values;
  response.times.forEach((time, index) => {
    const value = column[index];
    const seconds = typeof time === "number" ? time : apiSeconds(time);
    if (typeof value === "number" && Number.isFinite(value) && seconds !== null) values.set(toChartTime(seconds), value);
  });
  return values;
}

function valueText(value) {
  return typeof value === "number" && Number.isFinite(value) ? num(value) : "—";
}

// ---- the chart -----------------------------------------------------------------------------------------------

function baseOptions(lib, colors) {
  return {
    autoSize: true,
    layout: {
      background: { type: lib.ColorType.Solid, color: colors.background },
      textColor: colors.text,
      fontSize: 11,
      fontFamily: getComputedStyle(document.body).fontFamily,
    },
    grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    crosshair: {
      mode: lib.CrosshairMode.Normal,
      vertLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
      horzLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
    },
    localization: { locale: "en-IN", priceFormatter: (p) => num(p) },
  };
}

function themeOptions(lib, colors) {
  return {
    layout: { background: { type: lib.ColorType.Solid, color: colors.background }, textColor: colors.text },
    grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    rightPriceScale: { borderColor: colors.border },
    timeScale: { borderColor: colors.border },
    crosshair: {
      vertLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
      horzLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
    },
  };
}

export class StockChart {
  /**
   * @param {HTMLElement} container  where the canvas goes (sized by CSS)
   * @param {HTMLElement} legend     where O/H/L/C/V of the hovered (or last) bar is written
   * @param {object} [options]
   * @param {HTMLElement} [options.paneHost]         where indicator panes (RSI, MACD) go, below the container
   * @param {HTMLElement} [options.indicatorLegend]  where the overlays' values of the hovered (or last) bar go
   */
  constructor(lib, container, legend, { paneHost = null, indicatorLegend = null } = {}) {
    this.lib = lib;
    this.container = container;
    this.legend = legend;
    this.paneHost = paneHost;
    this.indicatorLegend = indicatorLegend;
    this.interval = "5m";
    this.bars = [];
    this.lastDayVolume = null;
    this.bandLines = [];
    this.band = new BandPrimitive();
    this.hovering = false;
    this.markers = [];
    this.overlays = new Map();      // indicator name → [{series, spec line, values}]
    this.panes = new Map();         // indicator name → {el, chart, lines, hist, valueEl, spec}
    this.indicatorResponse = null;  // the last answer of the indicators route
    this.indicatorNames = [];       // the indicators to show
    this.alignedWidth = 0;
    this.alignFrame = 0;
    this.destroyed = false;

    const colors = palette();
    this.chart = lib.createChart(container, {
      ...baseOptions(lib, colors),
      rightPriceScale: { borderColor: colors.border, scaleMargins: { top: 0.08, bottom: 0.26 } },
      timeScale: { borderColor: colors.border, timeVisible: true, secondsVisible: false, rightOffset: 4, barSpacing: 7 },
      handleScale: { axisPressedMouseMove: { time: true, price: false } },
    });
    this.candles = this.chart.addCandlestickSeries({
      upColor: colors.up, downColor: colors.down, borderUpColor: colors.up, borderDownColor: colors.down,
      wickUpColor: colors.up, wickDownColor: colors.down,
      priceFormat: { type: "price", precision: 2, minMove: 0.05 },
    });
    this.volume = this.chart.addHistogramSeries({
      priceScaleId: "vol",
      priceFormat: { type: "volume" },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    this.chart.priceScale("vol").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });
    this.candles.attachPrimitive(this.band);

    this.chart.subscribeCrosshairMove((param) => {
      const bar = param?.time ? param.seriesData.get(this.candles) : null;
      const vol = param?.time ? param.seriesData.get(this.volume) : null;
      this.hovering = Boolean(bar);
      this.#writeLegend(bar ? { ...bar, volume: vol?.value } : this.bars[this.bars.length - 1]);
      this.#followCrosshair(bar ? param.time : null);
    });
    // The panes show the bars the price chart shows.
    this.chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (!range) return;
      for (const pane of this.panes.values()) pane.chart.timeScale().setVisibleLogicalRange(range);
      this.#alignScales();
    });

    this.onTheme = () => this.applyTheme();
    window.addEventListener("themechange", this.onTheme);
  }

  applyTheme() {
    const colors = palette();
    this.chart.applyOptions(themeOptions(this.lib, colors));
    this.candles.applyOptions({
      upColor: colors.up, downColor: colors.down, borderUpColor: colors.up, borderDownColor: colors.down,
      wickUpColor: colors.up, wickDownColor: colors.down,
    });
    this.volume.setData(this.bars.map((b) => this.#volumePoint(b, colors)));
    this.band.colors = colors;
    this.setBands(this.bandSpecs ?? []);
    for (const lines of this.overlays.values()) {
      for (const line of lines) line.series.applyOptions({ color: cssVar(line.line.color) });
    }
    for (const pane of this.panes.values()) {
      pane.chart.applyOptions(themeOptions(this.lib, colors));
      for (const line of pane.lines) line.series.applyOptions({ color: cssVar(line.line.color) });
      for (const level of pane.levels) level.applyOptions({ color: withAlpha(colors.text, 0.6) });
      if (pane.hist) pane.hist.series.setData(this.#histogramData(pane.hist.values, colors));
    }
    if (this.markers.length) this.setMarkers(this.markerSpecs ?? []);
  }

  /**
   * Replaces the data: candles ({time, open, high, low, close, volume}, `time` an ISO string or seconds since 1970),
   * oldest first. Candles without a volume (a backtest's) draw no volume bars.
   */
  setCandles(interval, candles, dayVolume) {
    this.interval = interval;
    this.bars = [];
    for (const c of candles) {
      const utc = apiSeconds(c.time);
      if (utc === null || (this.bars.length && utc <= this.bars[this.bars.length - 1].utc)) continue;
      this.bars.push({
        utc, time: toChartTime(utc),
        open: c.open, high: c.high, low: c.low, close: c.close,
        volume: typeof c.volume === "number" ? c.volume : null,
      });
    }
    this.lastDayVolume = dayVolume ?? null;
    const colors = palette();
    this.candles.setData(this.bars.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })));
    this.volume.setData(this.bars.map((b) => this.#volumePoint(b, colors)));
    this.chart.applyOptions({ timeScale: { timeVisible: interval !== "1d" } });
    this.chart.timeScale().scrollToRealTime();
    this.band.lastPrice = this.bars.at(-1)?.close ?? null;
    this.#writeLegend(this.bars.at(-1));
    // Indicator values belong to the bars they were computed on: until new ones arrive, the panes keep one empty
    // point per bar (so they stay aligned) and the overlays are cleared.
    this.indicatorResponse = null;
    this.#drawIndicators();
  }

  /** A live quote ({ltp, volume, time}): updates the last bar or opens the next one. */
  update(quote) {
    if (!this.bars.length || !(quote?.ltp > 0)) return;
    const utc = Math.floor(Date.parse(quote.time) / 1000);
    const start = bucketStart(utc, this.interval);
    const last = this.bars[this.bars.length - 1];
    const volumeDelta = this.lastDayVolume !== null && quote.volume >= this.lastDayVolume
      ? quote.volume - this.lastDayVolume : 0;
    this.lastDayVolume = quote.volume;
    let bar;
    if (start < last.utc) return; // an older bar: never rewrite history
    if (start === last.utc) {
      bar = last;
      bar.high = Math.max(bar.high, quote.ltp);
      bar.low = Math.min(bar.low, quote.ltp);
      bar.close = quote.ltp;
      bar.volume = this.interval === "1d" ? quote.volume : (bar.volume ?? 0) + volumeDelta;
    } else {
      bar = {
        utc: start, time: toChartTime(start), open: quote.ltp, high: quote.ltp, low: quote.ltp, close: quote.ltp,
        volume: this.interval === "1d" ? quote.volume : volumeDelta,
      };
      this.bars.push(bar);
      // A new bar: the panes get an empty point for it, so their bars stay those of the price chart.
      for (const pane of this.panes.values()) {
        for (const line of pane.lines) line.series.update({ time: bar.time });
        pane.hist?.series.update({ time: bar.time });
      }
    }
    this.candles.update({ time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close });
    this.volume.update(this.#volumePoint(bar, palette()));
    this.band.lastPrice = quote.ltp;
    if (!this.hovering) this.#writeLegend(bar);
  }

  /** Bands: [{id, min, max, label, preview, faded}] */
  setBands(bands) {
    this.bandSpecs = bands;
    for (const line of this.bandLines) this.candles.removePriceLine(line);
    this.bandLines = [];
    const colors = palette();
    for (const band of bands) {
      for (const [price, edge] of [[band.max, "max"], [band.min, "min"]]) {
        this.bandLines.push(this.candles.createPriceLine({
          price,
          color: band.preview ? withAlpha(colors.accent, 0.6) : band.faded ? withAlpha(colors.text, 0.55) : colors.bandLine,
          lineWidth: 1,
          lineStyle: this.lib.LineStyle.Dashed,
          axisLabelVisible: true,
          title: band.preview ? `new ${edge}` : `${band.label ?? "alert"} ${edge}`,
        }));
      }
    }
    this.band.colors = colors;
    this.band.set(bands);
  }

  /**
   * Trade markers: [{time (UTC seconds of the bar), side: "buy"|"sell", text}]. Buys are arrows below the bar,
   * sells arrows above it. Returns how many were drawn (those on a bar of the chart).
   */
  setMarkers(markers) {
    this.markerSpecs = markers;
    const colors = palette();
    const known = new Set(this.bars.map((b) => b.time));
    this.markers = markers
      .filter((m) => Number.isFinite(m.time) && known.has(toChartTime(m.time)))
      .map((m) => ({
        time: toChartTime(m.time),
        position: m.side === "buy" ? "belowBar" : "aboveBar",
        shape: m.side === "buy" ? "arrowUp" : "arrowDown",
        color: m.side === "buy" ? colors.accent : colors.down,
        text: m.text ?? "",
      }))
      .sort((a, b) => a.time - b.time);
    this.candles.setMarkers(this.markers);
    return this.markers.length;
  }

  /** Shows the whole history (a backtest's bars) instead of the latest ones. */
  fitAll() {
    this.chart.timeScale().fitContent();
  }

  /**
   * The indicators to draw (names of INDICATORS, in any order) and the answer of the indicators route for the
   * current bars (or null while it is being fetched, or when it failed).
   */
  setIndicators(response, names) {
    this.indicatorNames = names.filter((name) => INDICATOR_BY_NAME.has(name));
    this.indicatorResponse = response;
    this.#drawIndicators();
  }

  destroy() {
    this.destroyed = true;
    clearTimeout(this.alignFrame);
    window.removeEventListener("themechange", this.onTheme);
    for (const name of [...this.panes.keys()]) this.#removePane(name);
    this.chart.remove();
  }

  // ---- indicators -------------------------------------------------------------------------------------------

  #drawIndicators() {
    const wanted = new Set(this.indicatorNames);
    for (const [name, lines] of this.overlays) {
      if (wanted.has(name)) continue;
      for (const line of lines) this.chart.removeSeries(line.series);
      this.overlays.delete(name);
    }
    for (const name of [...this.panes.keys()]) if (!wanted.has(name)) this.#removePane(name);
    for (const spec of INDICATORS) {
      if (!wanted.has(spec.name)) continue;
      if (spec.pane) this.#drawPane(spec);
      else this.#drawOverlay(spec);
    }
    // Panes in the menu's order, whatever order they were chosen in.
    if (this.paneHost) {
      const order = INDICATORS.map((spec) => this.panes.get(spec.name)?.el).filter(Boolean);
      const shown = [...this.paneHost.children].filter((el) => order.includes(el));
      if (order.some((el, index) => shown[index] !== el)) this.paneHost.append(...order);
    }
    this.container.dataset.indicators = INDICATORS.filter((spec) => wanted.has(spec.name)).map((s) => s.name).join(",");
    this.#writeIndicatorLegend(null);
    this.#alignScales();
  }

  /** One point per bar: the value where there is one, whitespace elsewhere. */
  #lineData(values) {
    return this.bars.map((b) => (values.has(b.time) ? { time: b.time, value: values.get(b.time) } : { time: b.time }));
  }

  #histogramData(values, colors) {
    return this.bars.map((b) => {
      if (!values.has(b.time)) return { time: b.time };
      const value = values.get(b.time);
      return { time: b.time, value, color: withAlpha(value >= 0 ? colors.up : colors.down, 0.45) };
    });
  }

  #lineOptions(line) {
    return {
      color: cssVar(line.color),
      lineWidth: line.dashed ? 1 : 2,
      lineStyle: line.dashed ? this.lib.LineStyle.Dashed : this.lib.LineStyle.Solid,
      priceLineVisible: false,
      lastValueVisible: false,
      crosshairMarkerVisible: false,
      priceFormat: { type: "price", precision: 2, minMove: 0.01 },
    };
  }

  #drawOverlay(spec) {
    let lines = this.overlays.get(spec.name);
    if (!lines) {
      lines = spec.lines.map((line) => ({ line, series: this.chart.addLineSeries(this.#lineOptions(line)), values: new Map() }));
      this.overlays.set(spec.name, lines);
    }
    for (const entry of lines) {
      entry.values = indicatorValues(this.indicatorResponse, spec, entry.line.part);
      entry.series.setData(this.#lineData(entry.values));
    }
  }

  #drawPane(spec) {
    if (!this.paneHost) return;
    const pane = this.panes.get(spec.name) ?? this.#createPane(spec);
    for (const entry of pane.lines) {
      entry.values = indicatorValues(this.indicatorResponse, spec, entry.line.part);
      entry.series.setData(this.#lineData(entry.values));
    }
    if (pane.hist) {
      pane.hist.values = indicatorValues(this.indicatorResponse, spec, spec.histogram);
      pane.hist.series.setData(this.#histogramData(pane.hist.values, palette()));
    }
    const range = this.chart.timeScale().getVisibleLogicalRange();
    if (range) pane.chart.timeScale().setVisibleLogicalRange(range);
    pane.el.dataset.points = String([...pane.lines[0].values.keys()].length);
  }

  #createPane(spec) {
    const colors = palette();
    const valueEl = h("span.pane-values");
    const el = h("div.chart-pane", {
      dataset: { indicator: spec.name },
      attrs: { role: "img", "aria-label": `${spec.label} chart` },
    }, h("div.pane-legend", { attrs: { "aria-hidden": "true" } }, h("span.pane-title", { text: spec.label }), valueEl));
    this.paneHost.append(el);
    const chart = this.lib.createChart(el, {
      ...baseOptions(this.lib, colors),
      rightPriceScale: { borderColor: colors.border, scaleMargins: { top: 0.14, bottom: 0.08 } },
      timeScale: { borderColor: colors.border, visible: false, rightOffset: 4, barSpacing: 7 },
      // The price chart above leads: scrolling and zooming happen there (and the page scrolls over a pane on phones).
      handleScroll: false,
      handleScale: false,
    });
    const lines = spec.lines.map((line) => {
      const options = this.#lineOptions(line);
      if (spec.range) {
        const [minValue, maxValue] = spec.range;
        options.autoscaleInfoProvider = () => ({ priceRange: { minValue, maxValue } });
      }
      return { line, series: chart.addLineSeries(options), values: new Map() };
    });
    const levels = (spec.levels ?? []).map((price) => lines[0].series.createPriceLine({
      price, color: withAlpha(colors.text, 0.6), lineWidth: 1, lineStyle: this.lib.LineStyle.Dashed,
      axisLabelVisible: false, title: "",
    }));
    let hist = null;
    if (spec.histogram) {
      hist = {
        series: chart.addHistogramSeries({
          priceLineVisible: false, lastValueVisible: false, priceFormat: { type: "price", precision: 2, minMove: 0.01 },
        }),
        values: new Map(),
      };
    }
    const pane = { spec, el, chart, lines, levels, hist, valueEl };
    this.panes.set(spec.name, pane);
    return pane;
  }

  #removePane(name) {
    const pane = this.panes.get(name);
    if (!pane) return;
    pane.chart.remove();
    pane.el.remove();
    this.panes.delete(name);
  }

  /** The hovered bar's values (chart time), or the last ones when nothing is hovered. */
  #followCrosshair(time) {
    for (const pane of this.panes.values()) {
      const first = pane.lines[0];
      const value = time !== null ? first.values.get(time) : undefined;
      try {
        if (value !== undefined) pane.chart.setCrosshairPosition(value, time, first.series);
        else pane.chart.clearCrosshairPosition();
      } catch { /* a pane being rebuilt: the next move draws it */ }
    }
    this.#writeIndicatorLegend(time);
  }

  #valueAt(values, time) {
    if (time !== null) return values.get(time);
    for (let i = this.bars.length - 1; i >= 0; i -= 1) {
      if (values.has(this.bars[i].time)) return values.get(this.bars[i].time);
    }
    return undefined;
  }

  #writeIndicatorLegend(time) {
    for (const pane of this.panes.values()) {
      const parts = pane.lines.map((entry) => `${entry.line.title ?? ""} ${valueText(this.#valueAt(entry.values, time))}`.trim());
      if (pane.hist) parts.push(`hist ${valueText(this.#valueAt(pane.hist.values, time))}`);
      setText(pane.valueEl, parts.join(" · "));
    }
    if (!this.indicatorLegend) return;
    const items = [];
    for (const spec of INDICATORS) {
      const lines = this.overlays.get(spec.name);
      if (!lines) continue;
      const text = lines.map((entry) => valueText(this.#valueAt(entry.values, time))).join(" / ");
      items.push(h("span.legend-item", null,
        h(`span.swatch.swatch-${spec.key}`, { attrs: { "aria-hidden": "true" } }),
        h("span.legend-key", { text: spec.label }),
        h("span.legend-value", { text })));
    }
    this.indicatorLegend.replaceChildren(...items);
  }

  /** Every chart's price scale as wide as the widest, so the price chart and the panes plot the same x. */
  #alignScales() {
    if (this.alignFrame) return;
    // After the library has laid the charts out (it draws on the next frames): then the widths are known.
    this.alignFrame = setTimeout(() => {
      this.alignFrame = 0;
      if (this.destroyed) return;
      const charts = [this.chart, ...[...this.panes.values()].map((pane) => pane.chart)];
      if (charts.length === 1) {
        if (this.alignedWidth) this.chart.applyOptions({ rightPriceScale: { minimumWidth: 0 } });
        this.alignedWidth = 0;
        return;
      }
      const widths = charts.map((chart) => {
        try {
          return chart.priceScale("right").width();
        } catch {
          return 0;
        }
      });
      const widest = Math.max(...widths);
      if (widest > 0 && widths.some((width) => width !== widest)) {
        this.alignedWidth = widest;
        for (const chart of charts) chart.applyOptions({ rightPriceScale: { minimumWidth: widest } });
      }
    }, 60);
  }

  #volumePoint(bar, colors) {
    if (bar.volume === null || bar.volume === undefined) return { time: bar.time };
    return { time: bar.time, value: bar.volume, color: withAlpha(bar.close >= bar.open ? colors.up : colors.down, 0.35) };
  }

  #writeLegend(bar) {
    if (!this.legend) return;
    if (!bar) {
      this.legend.replaceChildren();
      this.legendCells = null;
      return;
    }
    const tone = bar.close >= bar.open ? "up" : "down";
    if (!this.legendCells) {
      this.legendCells = {};
      const parts = [];
      for (const key of ["O", "H", "L", "C", "V"]) {
        const value = h("span.legend-value");
        this.legendCells[key] = value;
        parts.push(h("span.legend-item", null, h("span.legend-key", { text: key }), value));
      }
      this.legend.replaceChildren(...parts);
    }
    const cells = this.legendCells;
    setText(cells.O, num(bar.open));
    setText(cells.H, num(bar.high));
    setText(cells.L, num(bar.low));
    setText(cells.C, num(bar.close));
    setText(cells.V, bar.volume != null ? fmtVolume(bar.volume) : "—");
    for (const key of ["O", "H", "L", "C"]) cells[key].className = `legend-value ${tone}`;
  }
}

// ---- line charts: equity and drawdown --------------------------------------------------------------------------

/**
 * A line chart of values over time: `kind` "equity" (an area in the accent colour, rupees) or "drawdown" (below a
 * zero baseline in red, percent). setPoints([{time: UTC seconds, value}]) in any order; repeated times keep the last.
 */
export class LineChart {
  constructor(lib, container, { kind = "equity" } = {}) {
    this.lib = lib;
    this.container = container;
    this.kind = kind;
    this.points = [];
    const colors = palette();
    const percent = kind === "drawdown";
    this.chart = lib.createChart(container, {
      ...baseOptions(lib, colors),
      localization: { locale: "en-IN", priceFormatter: percent ? (p) => `${num(p)}%` : (p) => num(p) },
      rightPriceScale: { borderColor: colors.border, scaleMargins: { top: 0.1, bottom: percent ? 0.04 : 0.08 } },
      timeScale: { borderColor: colors.border, timeVisible: false, secondsVisible: false },
      handleScale: { axisPressedMouseMove: { time: true, price: false } },
    });
    this.series = percent
      ? this.chart.addBaselineSeries({ baseValue: { type: "price", price: 0 }, lineWidth: 2, priceLineVisible: false })
      : this.chart.addAreaSeries({ lineWidth: 2, priceLineVisible: false });
    this.#colour(colors);
    this.onTheme = () => {
      const next = palette();
      this.chart.applyOptions(themeOptions(this.lib, next));
      this.#colour(next);
    };
    window.addEventListener("themechange", this.onTheme);
  }

  #colour(colors) {
    if (this.kind === "drawdown") {
      this.series.applyOptions({
        topLineColor: colors.down, topFillColor1: withAlpha(colors.down, 0), topFillColor2: withAlpha(colors.down, 0),
        bottomLineColor: colors.down, bottomFillColor1: withAlpha(colors.down, 0.08), bottomFillColor2: withAlpha(colors.down, 0.32),
      });
    } else {
      this.series.applyOptions({
        lineColor: colors.accent, topColor: withAlpha(colors.accent, 0.28), bottomColor: withAlpha(colors.accent, 0.02),
      });
    }
  }

  setPoints(points, { intraday = false } = {}) {
    const byTime = new Map();
    for (const p of points) {
      if (Number.isFinite(p.time) && Number.isFinite(p.value)) byTime.set(toChartTime(p.time), p.value);
    }
    this.points = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
    this.chart.applyOptions({ timeScale: { timeVisible: intraday } });
    this.series.setData(this.points);
    this.chart.timeScale().fitContent();
    this.container.dataset.points = String(this.points.length);
    return this.points.length;
  }

  destroy() {
    window.removeEventListener("themechange", this.onTheme);
    this.chart.remove();
  }
}

// The stock chart: TradingView Lightweight Charts v4 (fetched into Public/vendor/ by scripts/fetch-ui-vendor.sh,
// loaded on demand with a plain <script src>, which the CSP allows), candles with volume, the last candle updated
// live from the price stream, and alert ranges drawn as bands (a series primitive) with labelled edge lines.
//
// Times: the API sends UTC instants; the library labels its axis in UTC, so every time is shifted by +5:30 and the
// axis reads in IST, as Indian traders expect. Bars are bucketed exactly as the server does (aligned to IST).

import { IST_OFFSET_SECONDS, num, volume as fmtVolume } from "./format.js";
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

// ---- the chart -----------------------------------------------------------------------------------------------

export class StockChart {
  /**
   * @param {HTMLElement} container  where the canvas goes (sized by CSS)
   * @param {HTMLElement} legend     where O/H/L/C/V of the hovered (or last) bar is written
   */
  constructor(lib, container, legend) {
    this.lib = lib;
    this.container = container;
    this.legend = legend;
    this.interval = "5m";
    this.bars = [];
    this.lastDayVolume = null;
    this.bandLines = [];
    this.band = new BandPrimitive();
    this.hovering = false;

    const colors = palette();
    this.chart = lib.createChart(container, {
      autoSize: true,
      layout: {
        background: { type: lib.ColorType.Solid, color: colors.background },
        textColor: colors.text,
        fontSize: 11,
        fontFamily: getComputedStyle(document.body).fontFamily,
      },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      rightPriceScale: { borderColor: colors.border, scaleMargins: { top: 0.08, bottom: 0.26 } },
      timeScale: { borderColor: colors.border, timeVisible: true, secondsVisible: false, rightOffset: 4, barSpacing: 7 },
      crosshair: {
        mode: lib.CrosshairMode.Normal,
        vertLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
        horzLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
      },
      localization: { locale: "en-IN", priceFormatter: (p) => num(p) },
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
    });

    this.onTheme = () => this.applyTheme();
    window.addEventListener("themechange", this.onTheme);
  }

  applyTheme() {
    const colors = palette();
    this.chart.applyOptions({
      layout: { background: { type: this.lib.ColorType.Solid, color: colors.background }, textColor: colors.text },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      rightPriceScale: { borderColor: colors.border },
      timeScale: { borderColor: colors.border },
      crosshair: {
        vertLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
        horzLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
      },
    });
    this.candles.applyOptions({
      upColor: colors.up, downColor: colors.down, borderUpColor: colors.up, borderDownColor: colors.down,
      wickUpColor: colors.up, wickDownColor: colors.down,
    });
    this.volume.setData(this.bars.map((b) => this.#volumePoint(b, colors)));
    this.band.colors = colors;
    this.setBands(this.bandSpecs ?? []);
  }

  /** Replaces the data: candles from the API ({time ISO, open, high, low, close, volume}), oldest first. */
  setCandles(interval, candles, dayVolume) {
    this.interval = interval;
    this.bars = candles.map((c) => ({
      utc: Math.floor(Date.parse(c.time) / 1000),
      time: toChartTime(Math.floor(Date.parse(c.time) / 1000)),
      open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume,
    }));
    this.lastDayVolume = dayVolume ?? null;
    const colors = palette();
    this.candles.setData(this.bars.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })));
    this.volume.setData(this.bars.map((b) => this.#volumePoint(b, colors)));
    this.chart.applyOptions({ timeScale: { timeVisible: interval !== "1d" } });
    this.chart.timeScale().scrollToRealTime();
    this.band.lastPrice = this.bars.at(-1)?.close ?? null;
    this.#writeLegend(this.bars.at(-1));
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
      bar.volume = this.interval === "1d" ? quote.volume : bar.volume + volumeDelta;
    } else {
      bar = {
        utc: start, time: toChartTime(start), open: quote.ltp, high: quote.ltp, low: quote.ltp, close: quote.ltp,
        volume: this.interval === "1d" ? quote.volume : volumeDelta,
      };
      this.bars.push(bar);
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

  destroy() {
    window.removeEventListener("themechange", this.onTheme);
    this.chart.remove();
  }

  #volumePoint(bar, colors) {
    return { time: bar.time, value: bar.volume, color: withAlpha(bar.close >= bar.open ? colors.up : colors.down, 0.35) };
  }

  #writeLegend(bar) {
    if (!this.legend) return;
    if (!bar) {
      this.legend.replaceChildren();
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

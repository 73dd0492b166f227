// Small intraday sparklines for the market watch: one SVG polyline per row, drawn from 5-minute closes (the last
// session's worth, 75 bars) and extended live by the price stream. A dashed line marks the previous close; the line
// is green above it and red below.

import { svg } from "./dom.js";

export const SPARK_BARS = 75;       // 75 × 5 min = one NSE session (09:15–15:30)
const BUCKET_SECONDS = 300;

export class Sparkline {
  constructor({ width = 84, height = 26 } = {}) {
    this.width = width;
    this.height = height;
    this.points = [];                 // [{t: bucket start (s), v: close}]
    this.previousClose = null;
    this.line = svg("polyline", { class: "spark-line", fill: "none" });
    this.base = svg("line", { class: "spark-base", x1: 0, x2: width });
    this.el = svg("svg", {
      class: "spark", width, height, viewBox: `0 0 ${width} ${height}`, "aria-hidden": "true", focusable: "false",
    }, this.base, this.line);
    this.dirty = false;
  }

  /** History: candles [{time, close}] ascending. */
  setHistory(candles, previousClose) {
    this.points = candles.map((c) => ({ t: Math.floor(Date.parse(c.time) / 1000), v: c.close }));
    if (previousClose) this.previousClose = previousClose;
    this.render();
  }

  /** A live price at `time` (ISO): updates the current 5-minute bucket or starts a new one. */
  push(price, time, previousClose) {
    if (previousClose) this.previousClose = previousClose;
    if (!this.points.length) return; // no history yet: wait for it
    const t = Math.floor(Date.parse(time) / 1000);
    const bucket = t - (((t + 19800) % BUCKET_SECONDS) + BUCKET_SECONDS) % BUCKET_SECONDS;
    const last = this.points[this.points.length - 1];
    if (bucket > last.t) {
      this.points.push({ t: bucket, v: price });
      if (this.points.length > SPARK_BARS) this.points.shift();
    } else {
      last.v = price;
    }
    this.dirty = true;
  }

  render() {
    this.dirty = false;
    const { width, height } = this;
    const values = this.points.map((p) => p.v);
    if (values.length < 2) {
      this.line.setAttribute("points", "");
      return;
    }
    const reference = this.previousClose ?? values[0];
    let lo = Math.min(...values, reference);
    let hi = Math.max(...values, reference);
    if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
    const pad = 2;
    const x = (i) => (i / (values.length - 1)) * (width - 2) + 1;
    const y = (v) => pad + (1 - (v - lo) / (hi - lo)) * (height - pad * 2);
    this.line.setAttribute("points", values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "));
    const baseY = y(reference).toFixed(1);
    this.base.setAttribute("y1", baseY);
    this.base.setAttribute("y2", baseY);
    const last = values[values.length - 1];
    this.el.setAttribute("class", `spark ${last > reference ? "spark-up" : last < reference ? "spark-down" : "spark-flat"}`);
  }
}

// What the auto-trading pages (strategies, auto-trader, backtest, performance) share: their sub-navigation, the
// performance metrics table (GET /api/performance and a backtest report use the same `metrics`), equity points and
// the drawdown computed from them, and the risk decision of a signal in words.

import { h } from "./dom.js";
import { inr, int, num, pct, dateIST } from "./format.js";
import { apiSeconds } from "./chart.js";

export const AUTO_PAGES = [
  { key: "strategies", href: "#/strategies", label: "Strategies" },
  { key: "autotrader", href: "#/autotrader", label: "Auto-trader" },
  { key: "backtest", href: "#/backtest", label: "Backtest" },
  { key: "performance", href: "#/performance", label: "Performance" },
];

/** The four auto-trading pages as tabs (shown where the main navigation does not list them all). */
export function autoNav(current) {
  return h("nav.auto-nav", { attrs: { "aria-label": "Auto-trading" } },
    AUTO_PAGES.map((page) => h("a", {
      href: page.href, text: page.label, dataset: { autoNav: page.key },
      attrs: { "aria-current": page.key === current ? "page" : null },
    })));
}

// ---- metrics ----------------------------------------------------------------------------------------------------

/** Every figure of `metrics`, in reading order: [API name, label, format]. */
export const METRICS = [
  ["starting_equity", "Starting equity", "inr"],
  ["ending_equity", "Ending equity", "inr"],
  ["total_return_percent", "Total return", "pct-signed"],
  ["realised_pnl", "Realised P&L", "inr-signed"],
  ["trades", "Trades", "int"],
  ["wins", "Winning trades", "int"],
  ["losses", "Losing trades", "int"],
  ["win_rate_percent", "Win rate", "pct"],
  ["average_win", "Average win", "inr"],
  ["average_loss", "Average loss", "inr"],
  ["profit_factor", "Profit factor", "ratio"],
  ["expectancy", "Expectancy per trade", "inr-signed"],
  ["max_drawdown", "Max drawdown", "inr"],
  ["max_drawdown_percent", "Max drawdown %", "pct"],
  ["drawdown_peak", "Drawdown peak", "date"],
  ["drawdown_trough", "Drawdown trough", "date"],
  ["drawdown_recovery", "Recovered on", "date"],
  ["sharpe", "Sharpe ratio", "ratio"],
  ["sortino", "Sortino ratio", "ratio"],
  ["risk_free_rate_percent", "Risk-free rate", "pct"],
  ["exposure_percent", "Time in the market", "pct"],
];

/** An IST date, with the time when the API gave one ("2024-03-15 09:15:00"). */
export function reportDate(value) {
  if (value === null || value === undefined || value === "") return "—";
  const withTime = typeof value === "string" ? /\d{2}:\d{2}/.test(value) : typeof value === "number";
  return dateIST(value, { withTime });
}

/** {text, tone} of one figure ("—" where the API has none: no losing trade, too few days). */
export function metricText(value, format) {
  if (value === null || value === undefined) return { text: "—", tone: "" };
  const tone = value > 0 ? "up" : value < 0 ? "down" : "";
  switch (format) {
    case "inr": return { text: inr(value), tone: "" };
    case "inr-signed": return { text: inr(value, { signed: true }), tone };
    case "pct": return { text: pct(value, { signed: false }), tone: "" };
    case "pct-signed": return { text: pct(value), tone };
    case "int": return { text: int(value), tone: "" };
    case "ratio": return { text: num(value), tone: "" };
    case "date": return { text: reportDate(value), tone: "" };
    default: return { text: String(value), tone: "" };
  }
}

/**
 * A table of metrics: one row per figure, one column per set ([{label, metrics}]), e.g. overall and each strategy.
 * Cells carry data-metric and data-value for tests and copy-paste.
 */
export function metricsTable(columns, { label = "Performance metrics" } = {}) {
  return h("div.table-wrap", null, h("table.table.metrics-table", { attrs: { "aria-label": label } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Metric" }),
      columns.map((column) => h("th.num", { scope: "col", text: column.label })))),
    h("tbody", null, METRICS.map(([name, title, format]) => h("tr", { dataset: { metric: name } },
      h("th", { scope: "row", text: title }),
      columns.map((column) => {
        const value = column.metrics?.[name];
        const { text, tone } = metricText(value, format);
        return h(`td.num${tone ? "." + tone : ""}`, {
          text, dataset: { metric: name, value: value ?? "" },
          title: value === null ? "Not defined for these trades" : undefined,
        });
      }))))));
}

// ---- equity -----------------------------------------------------------------------------------------------------

/**
 * [{time, date, equity}] → [{time: UTC seconds, value}], oldest first. `time` (ISO or seconds) is used when it is
 * readable, else `date` (an IST date or date-time).
 */
export function equityPoints(list) {
  const points = [];
  for (const point of Array.isArray(list) ? list : []) {
    const time = apiSeconds(point?.time) ?? apiSeconds(point?.date);
    if (time !== null && typeof point.equity === "number" && Number.isFinite(point.equity)) {
      points.push({ time, value: point.equity });
    }
  }
  return points.sort((a, b) => a.time - b.time);
}

/** Each point's distance below the highest equity so far, in percent (0 at a new high, negative below it). */
export function drawdownPoints(points) {
  let peak = -Infinity;
  return points.map(({ time, value }) => {
    peak = Math.max(peak, value);
    return { time, value: peak > 0 ? ((value - peak) / peak) * 100 : 0 };
  });
}

// ---- signals --------------------------------------------------------------------------------------------------------

const OUTCOME = {
  approved: { label: "Approved", tone: "badge-up" },
  resized: { label: "Resized", tone: "badge-warn" },
  denied: { label: "Denied", tone: "badge-down" },
};

/** The risk manager's decision on a signal: a badge and its reason ("resized from 66 to 60: …"). */
export function riskDecision(risk) {
  if (!risk) return h("span.muted", { text: "—" });
  const outcome = OUTCOME[risk.outcome] ?? { label: risk.outcome ?? "—", tone: "badge-plain" };
  let detail = risk.reason ?? "";
  if (!detail && risk.outcome === "resized" && risk.requested_quantity != null) {
    detail = `${int(risk.quantity)} of ${int(risk.requested_quantity)} shares`;
  } else if (!detail && risk.quantity != null) {
    detail = `${int(risk.quantity)} share${risk.quantity === 1 ? "" : "s"}`;
  }
  return h("div.risk-cell", null,
    h(`span.badge.${outcome.tone}`, { text: outcome.label, dataset: { outcome: risk.outcome ?? "" } }),
    detail ? h("span.risk-reason", { text: detail }) : null);
}

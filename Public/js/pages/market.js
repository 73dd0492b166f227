// Market watch: every stock with LTP, change, change %, day range, volume and an intraday sparkline, updating live
// (the LTP cell flashes green or red on a change). Search and sector filter instantly on the client; columns sort on
// click (not on every tick: rows that jump while you aim at them are worse than a stale order). "/" focuses search;
// ↑/↓ move between rows; Enter opens a stock.

import * as api from "../api.js";
import * as store from "../store.js";
import { socket } from "../ws.js";
import { h, replace, setText, setTone, flash } from "../dom.js";
import { num, pct, volume, direction } from "../format.js";
import { navigate } from "../router.js";
import { Sparkline, SPARK_BARS } from "../sparkline.js";
import { icon } from "../icons.js";

// Kept across visits, so coming back from a stock finds the list as it was left.
const view = { search: "", sector: "", sort: "symbol", dir: "asc" };
const sparkCache = new Map(); // symbol → {candles, at}
const SPARK_TTL_MS = 5 * 60 * 1000;
const SPARK_BATCH = 100; // the most symbols GET /api/stocks/candles takes in one request

const COLUMNS = [
  { key: "symbol", label: "Instrument", sortable: true, className: "col-sym" },
  { key: "spark", label: "Intraday", className: "col-spark hide-sm", title: "Last 75 five-minute bars (one session)" },
  { key: "ltp", label: "LTP", sortable: true, className: "num col-ltp" },
  { key: "change", label: "Chg", sortable: true, className: "num hide-sm" },
  { key: "change_percent", label: "Chg %", sortable: true, className: "num hide-sm" },
  { key: "range", label: "Day range", className: "col-range hide-md" },
  { key: "volume", label: "Volume", sortable: true, className: "num hide-sm" },
];

export function mount(root, { signal }) {
  document.title = "Market watch · StockCart";
  const rows = new Map(); // symbol → row parts
  const cleanups = [];

  // ---- header: title, breadth, search, sector ----------------------------------------------------------------
  const breadthUp = h("span.up");
  const breadthDown = h("span.down");
  const shownCount = h("span");
  const search = h("input.input.search-input", {
    type: "search", value: view.search, placeholder: "Search  RELIANCE, bank, infosys…",
    attrs: { "aria-label": "Search stocks by symbol or name", autocomplete: "off", spellcheck: "false", "aria-keyshortcuts": "/" },
  });
  const sector = h("select.select.sector-select", { attrs: { "aria-label": "Filter by sector" } },
    h("option", { value: "", text: "All sectors" }));
  const head = h("div.page-head.market-head", null,
    h("div.title-block", null,
      h("h1", { text: "Market watch" }),
      h("p.page-sub", null, "NIFTY 50 · NSE · ", shownCount, " · ",
        h("span.breadth", { attrs: { title: "Advancing / declining" } }, "▲ ", breadthUp, "  ▼ ", breadthDown))),
    h("div.filters", null,
      h("label.search-box", null, icon("search"), search),
      sector));

  // ---- table ----------------------------------------------------------------------------------------------------
  const headerCells = COLUMNS.map((col) => {
    const th = h(`th.${col.className.split(" ").join(".")}`, { attrs: { scope: "col", title: col.title } });
    if (col.sortable) {
      th.append(h("button.sort-btn", { type: "button", text: col.label, on: { click: () => sortBy(col.key) } }));
    } else {
      th.textContent = col.label;
    }
    th.dataset.key = col.key;
    return th;
  });
  const tbody = h("tbody");
  const empty = h("div.empty", { hidden: true },
    h("strong", { text: "No stocks match" }),
    h("span", { text: "Try another name or symbol, or clear the filters." }),
    h("button.btn.btn-sm", { type: "button", text: "Clear filters", on: { click: () => {
      search.value = "";
      sector.value = "";
      view.search = "";
      view.sector = "";
      applyFilter();
      search.focus();
    } } }));
  const table = h("table.table.watch-table", { attrs: { "aria-label": "Market watch" } },
    h("thead", null, h("tr", null, headerCells)), tbody);
  const loading = h("div.loading", null, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Loading prices…");
  const card = h("div.card.watch-card", null, h("div.table-wrap", null, table), empty, loading);
  root.append(h("section.page.market", null, head, card));

  // ---- rows ---------------------------------------------------------------------------------------------------
  function buildRow(stock) {
    const link = h("a.sym-name", { href: `#/stock/${encodeURIComponent(stock.symbol)}`, text: stock.symbol });
    const spark = new Sparkline();
    const ltp = h("span.flash-cell");
    const ltpSub = h("span.cell-sub.show-sm");
    const change = h("span");
    const changePct = h("span");
    const lo = h("span.range-lo");
    const hi = h("span.range-hi");
    const fill = h("span.range-fill");
    const dot = h("span.range-dot");
    const vol = h("span");
    const tr = h("tr.watch-row", { dataset: { symbol: stock.symbol } },
      h("td.col-sym", null, h("div.sym", null, link, h("span.sym-sub", { text: stock.name, attrs: { title: `${stock.name} · ${stock.sector}` } }))),
      h("td.col-spark.hide-sm", null, spark.el),
      h("td.num.col-ltp", { dataset: { col: "ltp" } }, ltp, ltpSub),
      h("td.num.hide-sm", { dataset: { col: "change" } }, change),
      h("td.num.hide-sm", { dataset: { col: "change_percent" } }, changePct),
      h("td.col-range.hide-md", null, h("div.range", null, lo, h("span.range-track", null, fill, dot), hi)),
      h("td.num.hide-sm.muted", { dataset: { col: "volume" } }, vol));
    tr.addEventListener("click", (event) => {
      if (event.target.closest("a")) return;
      navigate(`/stock/${encodeURIComponent(stock.symbol)}`);
    });
    const row = { tr, link, spark, ltp, ltpSub, change, changePct, lo, hi, fill, dot, vol, td: tr.children[2] };
    rows.set(stock.symbol, row);
    paint(stock.symbol, null);
    return row;
  }

  function paint(symbol, previous) {
    const row = rows.get(symbol);
    const q = store.stock(symbol);
    if (!row || !q) return;
    setText(row.ltp, num(q.ltp));
    row.ltp.dataset.value = String(q.ltp);
    setTone(row.ltp, q.change);
    setText(row.ltpSub, pct(q.change_percent));
    setTone(row.ltpSub, q.change);
    setText(row.change, num(q.change, { signed: true }));
    setTone(row.change, q.change);
    setText(row.changePct, pct(q.change_percent));
    setTone(row.changePct, q.change);
    setText(row.lo, num(q.low));
    setText(row.hi, num(q.high));
    const span = q.high - q.low;
    const at = span > 0 ? ((q.ltp - q.low) / span) * 100 : 50;
    const open = span > 0 ? ((q.open - q.low) / span) * 100 : 50;
    row.dot.style.left = `${at.toFixed(1)}%`;
    row.fill.style.left = `${Math.min(open, at).toFixed(1)}%`;
    row.fill.style.width = `${Math.abs(at - open).toFixed(1)}%`;
    row.fill.classList.toggle("range-fill-up", at >= open);
    row.fill.classList.toggle("range-fill-down", at < open);
    setText(row.vol, volume(q.volume));
    if (previous) {
      flash(row.ltp, direction(q.ltp, previous.ltp));
      row.spark.push(q.ltp, q.time, q.previous_close);
      dirtySparks.add(row.spark);
    }
  }

  function fillSectors() {
    const sectors = [...new Set(store.stockList().map((s) => s.sector))].sort();
    sector.replaceChildren(h("option", { value: "", text: "All sectors" }),
      ...sectors.map((name) => h("option", { value: name, text: name })));
    sector.value = sectors.includes(view.sector) ? view.sector : "";
  }

  function render() {
    const list = store.stockList();
    loading.hidden = true;
    fillSectors();
    replace(tbody, list.map((stock) => buildRow(stock).tr));
    applySort();
    applyFilter();
    updateBreadth();
    loadSparklines(list.map((s) => s.symbol));
    cleanups.push(socket.watch(list.map((s) => s.symbol)));
    // For performance checks (and the browser tests): when the first full market watch was on screen.
    if (!performance.getEntriesByName("market-ready").length) performance.mark("market-ready");
  }

  // ---- filter and sort ----------------------------------------------------------------------------------------
  function applyFilter() {
    const needle = view.search.trim().toLowerCase();
    let shown = 0;
    for (const [symbol, row] of rows) {
      const s = store.stock(symbol);
      const match = (!needle || symbol.toLowerCase().includes(needle) || s.name.toLowerCase().includes(needle))
        && (!view.sector || s.sector === view.sector);
      row.tr.hidden = !match;
      if (match) shown += 1;
    }
    setText(shownCount, `${shown} of ${rows.size} stocks`);
    empty.hidden = shown > 0 || rows.size === 0;
    table.hidden = shown === 0 && rows.size > 0;
  }

  function sortBy(key) {
    if (view.sort === key) view.dir = view.dir === "asc" ? "desc" : "asc";
    else {
      view.sort = key;
      view.dir = key === "symbol" ? "asc" : "desc";
    }
    applySort();
  }

  function applySort() {
    const factor = view.dir === "asc" ? 1 : -1;
    const key = view.sort;
    const sorted = [...rows.keys()].sort((a, b) => {
      const x = store.stock(a);
      const y = store.stock(b);
      const cmp = key === "symbol" ? a.localeCompare(b) : (x[key] ?? 0) - (y[key] ?? 0);
      return cmp * factor || a.localeCompare(b);
    });
    for (const symbol of sorted) tbody.append(rows.get(symbol).tr);
    for (const th of headerCells) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", view.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  function updateBreadth() {
    let up = 0;
    let down = 0;
    for (const s of store.stockList()) {
      if (s.change > 0) up += 1;
      else if (s.change < 0) down += 1;
    }
    setText(breadthUp, String(up));
    setText(breadthDown, String(down));
  }

  let searchTimer = 0;
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      view.search = search.value;
      applyFilter();
    }, 60);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = [...tbody.rows].find((tr) => !tr.hidden);
      if (first) navigate(`/stock/${encodeURIComponent(first.dataset.symbol)}`);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      [...tbody.rows].find((tr) => !tr.hidden)?.querySelector("a")?.focus();
    }
  });
  sector.addEventListener("change", () => {
    view.sector = sector.value;
    applyFilter();
  });
  tbody.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const current = event.target.closest("tr");
    if (!current) return;
    event.preventDefault();
    const visible = [...tbody.rows].filter((tr) => !tr.hidden);
    const index = visible.indexOf(current) + (event.key === "ArrowDown" ? 1 : -1);
    if (index < 0) search.focus();
    else visible[Math.min(index, visible.length - 1)]?.querySelector("a")?.focus();
  });
  const onSlash = (event) => {
    if (event.key === "/" && !event.target.closest("input, textarea, select, [contenteditable]")) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  };
  document.addEventListener("keydown", onSlash);
  cleanups.push(() => document.removeEventListener("keydown", onSlash));

  // ---- live ---------------------------------------------------------------------------------------------------
  const dirtySparks = new Set();
  cleanups.push(store.onQuotes((changed) => {
    if (!rows.size) return;
    for (const [symbol, previous] of changed) paint(symbol, previous);
    updateBreadth();
  }));
  const sparkTimer = setInterval(() => {
    for (const spark of dirtySparks) spark.render();
    dirtySparks.clear();
  }, 1000);
  cleanups.push(() => clearInterval(sparkTimer));

  // ---- sparklines: 5-minute history, every row's in one batch request ------------------------------------------
  // One request instead of one per stock; a list longer than the server's cap (SPARK_BATCH) goes in chunks, and a
  // history cached less than SPARK_TTL_MS ago is not asked for again.
  async function loadSparklines(symbols) {
    const todo = symbols.filter((symbol) => {
      const cached = sparkCache.get(symbol);
      if (cached && Date.now() - cached.at < SPARK_TTL_MS) {
        rows.get(symbol)?.spark.setHistory(cached.candles, store.stock(symbol)?.previous_close);
        return false;
      }
      return true;
    });
    const chunks = [];
    for (let i = 0; i < todo.length; i += SPARK_BATCH) chunks.push(todo.slice(i, i + SPARK_BATCH));
    await Promise.all(chunks.map(async (chunk) => {
      const list = chunk.map(api.enc).join(",");
      try {
        const data = await api.get(`/api/stocks/candles?symbols=${list}&interval=5m&limit=${SPARK_BARS}`, { signal });
        const at = Date.now();
        for (const { symbol, candles } of data) {
          sparkCache.set(symbol, { candles, at });
          rows.get(symbol)?.spark.setHistory(candles, store.stock(symbol)?.previous_close);
        }
      } catch {
        // A failed batch leaves those sparklines blank until the next visit or reconnect (resync) asks again;
        // the prices beside them do not depend on it.
      }
    }));
  }

  // ---- first paint ----------------------------------------------------------------------------------------------
  if (store.stockList().length) {
    render();
  } else {
    store.loadStocks().then(() => {
      if (!signal.aborted) render();
    }).catch((error) => {
      if (signal.aborted) return;
      replace(loading, h("span", { text: error.reason ?? "Could not load prices." }),
        h("button.btn.btn-sm", { type: "button", text: "Retry", on: { click: () => {
          replace(loading, h("span.spinner"), "Loading prices…");
          store.loadStocks().then(() => !signal.aborted && render()).catch(() => {});
        } } }));
    });
  }

  return {
    unmount() {
      clearTimeout(searchTimer);
      for (const fn of cleanups) fn();
    },
    resync() {
      // Quotes are reloaded by the app after a reconnect; the rows repaint through onQuotes.
      sparkCache.clear();
      loadSparklines([...rows.keys()]);
    },
  };
}

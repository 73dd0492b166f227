// Strategies: the user's strategies (kind and parameters, timeframe, watchlist, sizing, exits, mode, enabled), and
// the form (js/strategy-form.js) that creates one or edits one. Enable and disable in place; delete after
// confirming. The API's refusals appear next to the field they name (`parameters.fast`, `watchlist`, `mode`, …).

import * as api from "../api.js";
import * as store from "../store.js";
import { h, replace, setText, field, setFieldError, loadFailed, emptyState } from "../dom.js";
import { confirmDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { autoNav } from "../autotrading.js";
import { isLive } from "../status.js";
import {
  FormErrors, FieldProblem, kindSection, sizingSection, exitsSection, selectField, checkboxField, TIMEFRAMES,
  strategyLabel, sizingLabel, exitsLabel, timeframeLabel, parseWatchlist,
} from "../strategy-form.js";

export function mount(root, { signal }) {
  document.title = "Strategies · StockCart";
  let strategies = [];
  let editing = null;   // the strategy in the form, or null for a new one
  let busy = false;
  let loaded = false;

  const countEl = h("span.page-sub");
  const newButton = h("button.btn.btn-sm", { type: "button", dataset: { action: "new" }, on: { click: () => startNew() } },
    icon("edit"), "New strategy");
  const listBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading strategies…"));
  const formCard = h("div.card.strategy-card");
  const tbody = h("tbody");
  const table = h("table.table.strategies-table.stack-sm", { attrs: { "aria-label": "Your strategies" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Strategy" }),
      h("th", { scope: "col", text: "Watchlist" }),
      h("th.hide-md", { scope: "col", text: "Size and exits" }),
      h("th", { scope: "col", text: "State" }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    tbody);

  root.append(h("section.page.strategies", null,
    h("div.page-head", null, h("h1", { text: "Strategies" }), countEl, newButton),
    autoNav("strategies"),
    h("div.strategies-grid", null,
      h("div.card.strategies-list", null,
        h("div.card-head", null, h("h2", { text: "Your strategies" }),
          h("a.btn.btn-sm.btn-ghost.card-head-link", { href: "#/autotrader" }, icon("play"), "Auto-trader")),
        listBody),
      formCard)));

  // ---- list ---------------------------------------------------------------------------------------------------
  function render() {
    const enabled = strategies.filter((s) => s.enabled).length;
    setText(countEl, strategies.length
      ? `${strategies.length} strateg${strategies.length === 1 ? "y" : "ies"} · ${enabled} enabled` : "");
    if (!strategies.length) {
      replace(listBody, emptyState({ icon: icon("bolt", { size: 40 }), title: "No strategies yet",
        text: "Create one with the form: pick a kind, its parameters and the stocks it watches. Try it on history first on the backtest page.",
        link: { href: "#/backtest", text: "Run a backtest" } }));
      return;
    }
    replace(tbody, strategies.map(renderRow));
    replace(listBody, h("div.table-wrap", null, table));
  }

  function renderRow(strategy) {
    const watchlist = strategy.watchlist ?? [];
    const shown = watchlist.slice(0, 4).join(", ");
    const more = watchlist.length > 4 ? ` +${watchlist.length - 4}` : "";
    const toggleWord = strategy.enabled ? "Disable" : "Enable";
    const toggle = h("button.btn.btn-sm.btn-ghost", {
      type: "button", dataset: { action: "toggle" },
      attrs: { "aria-label": `${toggleWord} ${strategy.name}` },
      on: { click: () => setEnabled(strategy, !strategy.enabled) },
    }, icon(strategy.enabled ? "pause" : "play"), h("span.hide-sm", { text: toggleWord }));
    const edit = h("button.btn.btn-sm.btn-ghost", {
      type: "button", dataset: { action: "edit" }, attrs: { "aria-label": `Edit ${strategy.name}` },
      on: { click: () => startEdit(strategy) },
    }, icon("edit"), h("span.hide-sm", { text: "Edit" }));
    const remove = h("button.btn.btn-sm.btn-ghost.btn-danger", {
      type: "button", dataset: { action: "delete" }, attrs: { "aria-label": `Delete ${strategy.name}` },
      on: { click: () => removeStrategy(strategy) },
    }, icon("trash"));
    return h("tr", {
      class: editing?.id === strategy.id ? "row-current" : "",
      dataset: { strategyId: strategy.id, enabled: String(Boolean(strategy.enabled)), name: strategy.name },
    },
      h("td.c-strategy", null, h("div.sym", null,
        h("span.sym-name", { text: strategy.name }),
        h("span.sym-sub", { text: `${strategyLabel(strategy.kind, strategy.parameters)} · ${timeframeLabel(strategy.timeframe)} bars` }))),
      h("td.c-watch", { title: watchlist.join(", ") }, h("span.watch-text", { text: shown + more })),
      h("td.hide-md.c-size", null, h("div.sym", null,
        h("span", { text: sizingLabel(strategy.sizing) }),
        h("span.sym-sub", { text: exitsLabel(strategy.exits) }))),
      h("td.c-state", null, h("div.state-badges", null,
        h(`span.badge.${strategy.enabled ? "badge-up.badge-dot" : "badge-plain"}`, {
          text: strategy.enabled ? "Enabled" : "Disabled", dataset: { testid: "strategy-state" },
        }),
        strategy.mode === "live"
          ? h("span.badge.badge-down", { text: "Live", title: "Orders go to your broker: real money" })
          : h("span.badge", { text: "Paper" }))),
      h("td.actions.c-actions", null, toggle, edit, remove));
  }

  function upsert(strategy) {
    const index = strategies.findIndex((s) => s.id === strategy.id);
    if (index >= 0) strategies[index] = strategy;
    else strategies.unshift(strategy);
    render();
    tbody.querySelector(`tr[data-strategy-id="${CSS.escape(strategy.id)}"]`)?.classList.add("row-updated");
  }

  async function setEnabled(strategy, enabled) {
    try {
      const updated = await api.post(`/api/strategies/${api.enc(strategy.id)}/${enabled ? "enable" : "disable"}`, {}, { signal });
      upsert(updated);
      tbody.querySelector(`tr[data-strategy-id="${CSS.escape(updated.id)}"] [data-action="toggle"]`)?.focus();
      toast({ title: updated.enabled ? "Strategy enabled" : "Strategy disabled",
        text: updated.enabled ? `${updated.name}: a running auto-trader trades it from its next bar.` : updated.name });
    } catch (error) {
      if (signal.aborted) return;
      toastError(error, "Could not change the strategy");
      if (error.status === 404) load();
    }
  }

  async function removeStrategy(strategy) {
    const ok = await confirmDialog({
      title: "Delete this strategy?",
      text: `${strategy.name} (${strategyLabel(strategy.kind, strategy.parameters)}). Its signals stay listed and the positions it opened stay in your portfolio.`,
      confirmLabel: "Delete strategy",
      cancelLabel: "Keep it",
      kind: "sell",
    });
    if (!ok || signal.aborted) return;
    try {
      await api.del(`/api/strategies/${api.enc(strategy.id)}`, { signal });
      strategies = strategies.filter((s) => s.id !== strategy.id);
      if (editing?.id === strategy.id) renderForm(null);
      render();
      toast({ title: "Strategy deleted", text: strategy.name });
    } catch (error) {
      if (signal.aborted) return;
      toastError(error, "Could not delete the strategy");
      if (error.status === 404) load();
    }
  }

  // ---- form ---------------------------------------------------------------------------------------------------
  function watchlistField(symbols, errors) {
    const f = field({
      label: "Watchlist", name: "watchlist", value: symbols.join(", "), autocomplete: "off",
      hint: "1 to 50 NSE symbols, separated by commas (RELIANCE, TCS, INFY), or ticked below.",
    });
    f.input.spellcheck = false;
    f.input.setAttribute("autocapitalize", "characters");
    errors.set("watchlist", f.input);
    errors.set("symbols", f.input);
    errors.set("symbol", f.input);
    const countEl = h("span.muted");
    const list = h("div.symbol-picker-list", { attrs: { role: "group", "aria-label": "NIFTY 50 stocks" } });
    const picker = h("details.symbol-picker", null, h("summary", null, "Choose from the NIFTY 50 ", countEl), list);
    const boxes = new Map();

    function syncBoxes() {
      const chosen = new Set(parseWatchlist(f.input.value));
      for (const [symbol, box] of boxes) box.checked = chosen.has(symbol);
      setText(countEl, chosen.size ? `(${chosen.size} chosen)` : "");
    }
    function toggle(symbol, on) {
      let chosen = parseWatchlist(f.input.value);
      if (on && !chosen.includes(symbol)) chosen.push(symbol);
      if (!on) chosen = chosen.filter((s) => s !== symbol);
      f.input.value = chosen.join(", ");
      setFieldError(f.input, "");
      syncBoxes();
    }
    function fill() {
      const stocks = store.stockList().slice().sort((a, b) => a.symbol.localeCompare(b.symbol));
      if (!stocks.length) {
        picker.hidden = true;
        return;
      }
      boxes.clear();
      replace(list, stocks.map((stock) => {
        const box = h("input.checkbox", { type: "checkbox", value: stock.symbol });
        box.addEventListener("change", () => toggle(stock.symbol, box.checked));
        boxes.set(stock.symbol, box);
        return h("label.picker-option", { title: stock.name ?? stock.symbol }, box, h("span", { text: stock.symbol }));
      }));
      syncBoxes();
    }
    f.input.addEventListener("input", syncBoxes);
    f.input.addEventListener("blur", () => {
      const chosen = parseWatchlist(f.input.value);
      if (chosen.length) f.input.value = chosen.join(", ");
    });
    syncBoxes();
    store.loadStocks().then(() => { if (!signal.aborted) fill(); }).catch(() => { picker.hidden = true; });
    return { el: h("div.watchlist-field", null, f.field, picker), input: f.input, read: () => parseWatchlist(f.input.value) };
  }

  function modeField(value, errors) {
    const paper = h("input", { type: "radio", name: "strategy-mode", value: "paper", checked: value !== "live" });
    const live = h("input", { type: "radio", name: "strategy-mode", value: "live", checked: value === "live" });
    const error = h("div.field-error", { attrs: { "aria-live": "polite" } });
    errors.set("mode", paper);
    const el = h("div.field", { dataset: { field: "mode" } },
      h("fieldset.choice-group", null, h("legend", { text: "Orders go to" }),
        h("label.choice", { dataset: { value: "paper" } }, paper, h("strong", { text: "Paper" }), h("span", { text: "the paper broker: no money at risk" })),
        h("label.choice", { dataset: { value: "live" } }, live, h("strong", { text: "Live" }), h("span", { text: "your broker: real orders, real money" }))),
      error);
    return { el, read: () => (live.checked ? "live" : "paper") };
  }

  function renderForm(strategy) {
    editing = strategy;
    for (const tr of tbody.querySelectorAll("tr")) tr.classList.toggle("row-current", tr.dataset.strategyId === strategy?.id);
    const formError = h("div.form-error", { attrs: { role: "alert" } });
    const errors = new FormErrors(formError);
    const nameF = field({ label: "Name", name: "name", value: strategy?.name ?? "", autocomplete: "off",
      placeholder: "e.g. Banks SMA", hint: "Optional: named after its kind otherwise." });
    errors.set("name", nameF.input);
    const timeframeF = selectField({ label: "Timeframe", name: "timeframe", options: TIMEFRAMES,
      value: strategy?.timeframe ?? "5m", hint: "It reads each bar's close." });
    errors.set("timeframe", timeframeF.input);
    errors.set("interval", timeframeF.input);
    const kind = kindSection({ kind: strategy?.kind, parameters: strategy?.parameters, errors });
    const watch = watchlistField(strategy?.watchlist ?? [], errors);
    const sizing = sizingSection({ sizing: strategy?.sizing, defaultPercent: 10, errors });
    const exits = exitsSection({ exits: strategy?.exits, errors });
    // A new strategy takes the server's mode: orders go to its one broker (docs/api.md, Strategies).
    const mode = modeField(strategy?.mode ?? (isLive() ? "live" : "paper"), errors);
    const enabledF = strategy ? null : checkboxField({ label: "Enable it now", name: "enabled", checked: true,
      hint: "A running auto-trader trades enabled strategies." });
    if (enabledF) errors.set("enabled", enabledF.input);
    const submitLabel = strategy ? "Save changes" : "Create strategy";
    const submit = h("button.btn.btn-primary", { type: "submit", text: submitLabel });
    const cancel = strategy
      ? h("button.btn.btn-ghost", { type: "button", text: "Cancel", on: { click: () => { renderForm(null); newButton.focus(); } } })
      : null;
    const titleId = "strategy-form-title";
    const form = h("form.strategy-form", {
      noValidate: true, attrs: { "aria-labelledby": titleId }, dataset: { mode: strategy ? "edit" : "create" },
    },
      h("div.field-grid", null, nameF.field, timeframeF.field),
      kind.el,
      watch.el,
      sizing.el,
      exits.el,
      mode.el,
      enabledF?.field,
      formError,
      h("div.form-actions", null, submit, cancel));
    replace(formCard,
      h("div.card-head", null, h("h2", { id: titleId, text: strategy ? `Edit ${strategy.name}` : "New strategy" })),
      h("div.card-body", null, form));

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      errors.clear();
      let body;
      try {
        const { kind: kindName, parameters } = kind.read();
        body = {
          kind: kindName, parameters, timeframe: timeframeF.input.value, watchlist: watch.read(),
          sizing: sizing.read(), exits: exits.read(), mode: mode.read(),
        };
      } catch (problem) {
        if (problem instanceof FieldProblem) {
          errors.local(problem);
          return;
        }
        throw problem;
      }
      const name = nameF.input.value.trim();
      if (name) body.name = name;
      if (enabledF) body.enabled = enabledF.input.checked;
      busy = true;
      submit.disabled = true;
      replace(submit, h("span.spinner", { attrs: { "aria-hidden": "true" } }), strategy ? "Saving…" : "Creating…");
      try {
        const saved = strategy
          ? await api.patch(`/api/strategies/${api.enc(strategy.id)}`, body, { signal })
          : await api.post("/api/strategies", body, { signal });
        busy = false;
        editing = null;
        upsert(saved);
        toast({ title: strategy ? "Strategy saved" : "Strategy created",
          text: `${saved.name}: ${strategyLabel(saved.kind, saved.parameters)} on ${saved.watchlist?.length ?? 0} stock${saved.watchlist?.length === 1 ? "" : "s"}${saved.enabled ? ", enabled" : ""}.`,
          tone: "up", action: { label: "Auto-trader", href: "#/autotrader" } });
        renderForm(null);
      } catch (error) {
        busy = false;
        if (signal.aborted) return;
        submit.disabled = false;
        submit.textContent = submitLabel;
        errors.show(error, "Could not save the strategy.");
        if (error.status === 404 && strategy) load();
      }
    });
    return nameF.input;
  }

  function startNew() {
    const first = renderForm(null);
    formCard.scrollIntoView({ block: "start", behavior: "smooth" });
    first.focus({ preventScroll: true });
  }

  function startEdit(strategy) {
    const first = renderForm(strategy);
    formCard.scrollIntoView({ block: "start", behavior: "smooth" });
    first.focus({ preventScroll: true });
  }

  // ---- load -----------------------------------------------------------------------------------------------------
  async function load() {
    try {
      const data = await api.get("/api/strategies", { signal });
      strategies = Array.isArray(data?.strategies) ? data.strategies : Array.isArray(data) ? data : [];
      loaded = true;
      if (signal.aborted) return;
      // The strategy being edited may have changed or gone meanwhile (another tab).
      if (editing && !strategies.some((s) => s.id === editing.id)) renderForm(null);
      render();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (!loaded) replace(listBody, loadFailed("your strategies", error, load));
      else toastError(error, "Could not refresh the strategies");
    }
  }

  renderForm(null);
  load();
  return {
    resync: load,
    unmount() { busy = false; },
  };
}

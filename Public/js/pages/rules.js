// Alerts (price-range rules): symbol, range, LTP and how far it is from the range, state, fire count and last
// fired time, with pause/resume, edit (a dialog) and delete (confirmed). LTP and distance update live; a rule that
// fires updates its row from the event.

import * as api from "../api.js";
import * as store from "../store.js";
import { bus } from "../events.js";
import { socket } from "../ws.js";
import { h, replace, setText, field, setFieldError, loadFailed, emptyState } from "../dom.js";
import { num, pct, whenIST, parseAmount, inputPrice } from "../format.js";
import { openDialog, confirmDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";
import { icon } from "../icons.js";
import { ruleRange } from "../notifications.js";

const STATE_LABEL = { watching: "Watching", inside: "In range", fired: "Fired", paused: "Paused" };
const STATE_TONE = { watching: "badge-accent", inside: "badge-up", fired: "badge-plain", paused: "badge-warn" };

export function mount(root, { signal }) {
  document.title = "Alerts · StockCart";
  const cleanups = [];
  let rules = [];
  const rows = new Map(); // id → {tr, ltp, distance}
  let unwatch = null;

  const count = h("span.page-sub");
  const tbody = h("tbody");
  const table = h("table.table.rules-table.stack-sm", { attrs: { "aria-label": "Your price alerts" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Symbol" }),
      h("th.num", { scope: "col", text: "Range" }),
      h("th.num", { scope: "col", text: "LTP" }),
      h("th.num.hide-sm", { scope: "col", text: "Distance" }),
      h("th", { scope: "col", text: "State" }),
      h("th.num.hide-sm", { scope: "col", text: "Fired" }),
      h("th.hide-md", { scope: "col", text: "Last fired" }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    tbody);
  const body = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading alerts…"));
  root.append(h("section.page.rules", null,
    h("div.page-head", null,
      h("h1", { text: "Alerts" }), count,
      h("a.btn.btn-sm", { href: "#/" }, icon("chart"), "New alert from market watch")),
    h("div.card", null, body)));

  function stateBadge(rule) {
    return h(`span.badge.${STATE_TONE[rule.state] ?? "badge-plain"}`, {
      text: STATE_LABEL[rule.state] ?? rule.state, dataset: { testid: "rule-state" },
    });
  }

  function render() {
    rows.clear();
    setText(count, rules.length ? `${rules.length} alert${rules.length === 1 ? "" : "s"}` : "");
    unwatch?.();
    unwatch = socket.watch(rules.map((r) => r.symbol));
    if (!rules.length) {
      replace(body, emptyState({ icon: icon("alert", { size: 40 }), title: "No alerts yet",
        text: "Open a stock and set a price range. When the price enters it, the stock lands in your cart.",
        link: { href: "#/", text: "Browse the market" } }));
      return;
    }
    replace(tbody, rules.map(renderRow));
    replace(body, h("div.table-wrap", null, table));
    paintPrices();
  }

  function renderRow(rule) {
    const ltp = h("span");
    const distance = h("span");
    const distanceSm = h("span.cell-sub.show-sm");
    const resumeWord = rule.state === "fired" ? "Re-arm" : "Resume";
    const pauseButton = h("button.btn.btn-sm.btn-ghost", {
      type: "button",
      attrs: { "aria-label": `${rule.active ? "Pause" : resumeWord} alert on ${rule.symbol} ${ruleRange(rule)}` },
      dataset: { action: rule.active ? "pause" : "resume" },
      on: { click: () => toggle(rule) },
    }, icon(rule.active ? "pause" : "play"), h("span.hide-sm", { text: rule.active ? "Pause" : resumeWord }));
    const editButton = h("button.btn.btn-sm.btn-ghost", {
      type: "button", attrs: { "aria-label": `Edit alert on ${rule.symbol} ${ruleRange(rule)}` },
      on: { click: () => edit(rule) },
    }, icon("edit"), h("span.hide-sm", { text: "Edit" }));
    const deleteButton = h("button.btn.btn-sm.btn-ghost.btn-danger", {
      type: "button", attrs: { "aria-label": `Delete alert on ${rule.symbol} ${ruleRange(rule)}` },
      on: { click: () => remove(rule) },
    }, icon("trash"));
    const tr = h("tr", { dataset: { ruleId: rule.id, symbol: rule.symbol, state: rule.state } },
      h("td.c-sym", null, h("div.sym", null,
        h("a.sym-name", { href: `#/stock/${encodeURIComponent(rule.symbol)}`, text: rule.symbol }),
        h("span.sym-sub", { text: rule.mode === "rearm" ? "Re-arms" : "Once" }))),
      h("td.num.c-range", null, h("span.range-text", { text: ruleRange(rule) })),
      h("td.num.c-ltp", { dataset: { col: "ltp" } }, ltp, distanceSm),
      h("td.num.hide-sm", { dataset: { col: "distance" } }, distance),
      h("td.c-state", null, stateBadge(rule),
        h("span.show-sm.muted.state-sub", { text: rule.fire_count ? `fired ${rule.fire_count}× · ${whenIST(rule.last_fired_at)}` : "" })),
      h("td.num.hide-sm", { dataset: { col: "fire_count" }, text: String(rule.fire_count) }),
      h("td.hide-md.muted.nowrap", { text: rule.last_fired_at ? whenIST(rule.last_fired_at) : "—" }),
      h("td.actions.c-actions", null, pauseButton, editButton, deleteButton));
    rows.set(rule.id, { tr, ltp, distance, distanceSm, rule });
    return tr;
  }

  function paintPrices() {
    for (const { rule, ltp, distance, distanceSm } of rows.values()) {
      const q = store.stock(rule.symbol);
      if (!q) continue;
      setText(ltp, num(q.ltp));
      let text;
      let cls;
      if (q.ltp < rule.min_price) {
        text = `↑ ${pct(((rule.min_price - q.ltp) / q.ltp) * 100, { signed: false })} to min`;
        cls = "dist-away";
      } else if (q.ltp > rule.max_price) {
        text = `↓ ${pct(((q.ltp - rule.max_price) / q.ltp) * 100, { signed: false })} to max`;
        cls = "dist-away";
      } else {
        text = "In range";
        cls = "dist-in";
      }
      setText(distance, text);
      setText(distanceSm, text);
      distance.className = cls;
    }
  }

  function replaceRule(updated) {
    const index = rules.findIndex((r) => r.id === updated.id);
    if (index < 0) return false;
    rules[index] = updated;
    const old = rows.get(updated.id);
    if (old) {
      const tr = renderRow(updated);
      old.tr.replaceWith(tr);
      tr.classList.add("row-updated");
      paintPrices();
    }
    return true;
  }

  async function toggle(rule) {
    try {
      const updated = await api.patch(`/api/rules/${rule.id}`, { active: !rule.active }, { signal });
      replaceRule(updated);
      rows.get(updated.id)?.tr.querySelector(".actions button")?.focus();
      toast({ title: updated.active ? (rule.state === "fired" ? "Alert re-armed" : "Alert resumed") : "Alert paused",
        text: `${updated.symbol} ${ruleRange(updated)}` });
    } catch (error) {
      if (!signal.aborted) toastError(error, "Could not change the alert");
    }
  }

  function edit(rule) {
    const minF = field({ label: "Min price", name: "min_price", inputmode: "decimal", prefix: "₹", value: inputPrice(rule.min_price), inputClass: "input-num" });
    const maxF = field({ label: "Max price", name: "max_price", inputmode: "decimal", prefix: "₹", value: inputPrice(rule.max_price), inputClass: "input-num" });
    const once = h("input", { type: "radio", name: "edit-mode", value: "once", checked: rule.mode !== "rearm" });
    const rearm = h("input", { type: "radio", name: "edit-mode", value: "rearm", checked: rule.mode === "rearm" });
    const formError = h("div.form-error", { attrs: { role: "alert" } });
    const q = store.stock(rule.symbol);
    openDialog({
      title: `Edit alert · ${rule.symbol}`,
      description: q ? `LTP ${num(q.ltp)}. Changing the range or mode of an active alert re-arms it.` : null,
      body: [
        h("div.field-row", null, minF.field, maxF.field),
        h("fieldset.choice-group", null, h("legend", { text: "When it fires" }),
          h("label.choice", null, once, h("strong", { text: "Once" }), h("span", { text: "then stops" })),
          h("label.choice", null, rearm, h("strong", { text: "Re-arm" }), h("span", { text: "after leaving" }))),
        formError,
      ],
      actions: [
        { label: "Cancel", id: "cancel", onClick: (_e, d) => d.close() },
        { label: "Save alert", id: "save", kind: "primary", type: "submit" },
      ],
      onSubmit: async () => {
        setText(formError, "");
        setFieldError(minF.input, "");
        setFieldError(maxF.input, "");
        const min = parseAmount(minF.input.value);
        const max = parseAmount(maxF.input.value);
        if (!Number.isFinite(min)) { setFieldError(minF.input, "Enter the min price as a number."); minF.input.focus(); return false; }
        if (!Number.isFinite(max)) { setFieldError(maxF.input, "Enter the max price as a number."); maxF.input.focus(); return false; }
        try {
          const updated = await api.patch(`/api/rules/${rule.id}`,
            { min_price: min, max_price: max, mode: rearm.checked ? "rearm" : "once" }, { signal });
          replaceRule(updated);
          toast({ title: "Alert saved", text: `${updated.symbol} ${ruleRange(updated)}` });
          return true;
        } catch (error) {
          const target = { min_price: minF.input, max_price: maxF.input }[error.field];
          if (target) {
            setFieldError(target, error.reason);
            target.focus();
          } else {
            setText(formError, error.reason ?? "Could not save the alert.");
          }
          return false;
        }
      },
    });
  }

  async function remove(rule) {
    const ok = await confirmDialog({
      title: "Delete this alert?",
      text: `${rule.symbol} ${ruleRange(rule)}. Items it already added stay in your cart.`,
      confirmLabel: "Delete alert",
      kind: "sell",
    });
    if (!ok) return;
    try {
      await api.del(`/api/rules/${rule.id}`, { signal });
      rules = rules.filter((r) => r.id !== rule.id);
      render();
      toast({ title: "Alert deleted", text: `${rule.symbol} ${ruleRange(rule)}` });
    } catch (error) {
      if (!signal.aborted) toastError(error, "Could not delete the alert");
    }
  }

  async function load() {
    try {
      const since = performance.now();
      rules = store.freshen("rule", await api.get("/api/rules", { signal }), since);
      await store.loadStocks().catch(() => {});
      if (!signal.aborted) render();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      replace(body, loadFailed("your alerts", error, load));
    }
  }

  cleanups.push(store.onQuotes((changed) => {
    for (const { rule } of rows.values()) {
      if (changed.has(rule.symbol)) {
        paintPrices();
        return;
      }
    }
  }));
  const onRule = ({ rule }) => {
    if (rule && !replaceRule(rule)) load();
  };
  cleanups.push(bus.on("rule.fired", onRule));
  cleanups.push(bus.on("cart.added", onRule));

  load();
  return {
    unmount() {
      unwatch?.();
      cleanups.forEach((fn) => fn());
    },
    resync: load,
  };
}

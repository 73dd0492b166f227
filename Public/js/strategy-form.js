// The strategy form, shared by the strategies page and the backtest page: the kind with its parameters (prefilled
// with the kind's defaults and rebuilt when the kind changes), the position sizing, the exits; the words the pages
// use for a strategy (its label, sizing and exits in a line); and FormErrors, which puts an API refusal next to the
// field it names ("parameters.fast", "sizing.percent", "exits.stop_loss_percent", "watchlist[2]") or, for a field
// the form does not have, above the submit button.
//
// Numbers are only parsed here (a value that is not a number is explained at once); every rule about them (periods
// 1–1000, fast below slow, percentages in range) is the server's, and its reason is shown next to the field.

import { h, replace, setText, field, setFieldError, nextId } from "./dom.js";
import { parseAmount, inr, int } from "./format.js";

/** The six kinds, with each parameter's label and the server's default, in the order the API lists them. */
export const KINDS = [
  {
    kind: "sma-cross", label: "SMA crossover",
    about: "Buys when the fast simple moving average crosses above the slow one; sells when it crosses below.",
    params: [
      { name: "fast", label: "Fast period", value: 10, hint: "bars" },
      { name: "slow", label: "Slow period", value: 30, hint: "bars" },
    ],
  },
  {
    kind: "ema-cross", label: "EMA crossover",
    about: "The same crossover on exponential moving averages.",
    params: [
      { name: "fast", label: "Fast period", value: 12, hint: "bars" },
      { name: "slow", label: "Slow period", value: 26, hint: "bars" },
    ],
  },
  {
    kind: "rsi", label: "RSI",
    about: "Buys when the RSI falls into oversold; sells when it rises into overbought.",
    params: [
      { name: "period", label: "RSI period", value: 14, hint: "bars" },
      { name: "oversold", label: "Oversold level", value: 30, hint: "0–100" },
      { name: "overbought", label: "Overbought level", value: 70, hint: "0–100" },
    ],
  },
  {
    kind: "macd-cross", label: "MACD crossover",
    about: "Buys when the MACD line crosses above its signal line; sells when it crosses below.",
    params: [
      { name: "fast", label: "Fast EMA", value: 12, hint: "bars" },
      { name: "slow", label: "Slow EMA", value: 26, hint: "bars" },
      { name: "signal", label: "Signal EMA", value: 9, hint: "bars" },
    ],
  },
  {
    kind: "bollinger-breakout", label: "Bollinger breakout",
    about: "Buys when the close breaks above the upper band; sells when it falls below the lower band.",
    params: [
      { name: "period", label: "Period", value: 20, hint: "bars" },
      { name: "deviations", label: "Deviations", value: 2, hint: "standard deviations, up to 10" },
    ],
  },
  {
    kind: "bollinger-reversion", label: "Bollinger mean reversion",
    about: "Buys when the close falls below the lower band; sells when it climbs back above the middle band.",
    params: [
      { name: "period", label: "Period", value: 20, hint: "bars" },
      { name: "deviations", label: "Deviations", value: 2, hint: "standard deviations, up to 10" },
    ],
  },
];

export const TIMEFRAMES = [
  { value: "1m", label: "1 minute" },
  { value: "5m", label: "5 minutes" },
  { value: "15m", label: "15 minutes" },
  { value: "1h", label: "1 hour" },
  { value: "1d", label: "1 day" },
];

/** Position sizing: each type's fields (the API's names) with the values a new form starts with. */
export const SIZINGS = [
  { type: "percent_of_equity", label: "Percent of equity",
    fields: [{ name: "percent", label: "Percent of equity (%)", value: 10, hint: "above 0, at most 100" }] },
  { type: "fixed_quantity", label: "Fixed quantity",
    fields: [{ name: "quantity", label: "Shares per trade", value: 1, integer: true }] },
  { type: "fixed_amount", label: "Fixed amount",
    fields: [{ name: "amount", label: "Amount per trade", value: 50000, prefix: "₹" }] },
  { type: "atr_risk", label: "ATR risk",
    fields: [
      { name: "risk_percent", label: "Risk per trade (% of equity)", value: 1 },
      { name: "atr_multiple", label: "Stop distance (× 14-bar ATR)", value: 2 },
    ] },
];

const EXITS = [
  { name: "stop_loss_percent", label: "Stop loss (%)", hint: "below the entry price" },
  { name: "take_profit_percent", label: "Take profit (%)", hint: "above the entry price" },
  { name: "trailing_stop_percent", label: "Trailing stop (%)", hint: "below the highest price since entry" },
];

export const TRIGGER_LABEL = {
  signal: "Signal", stop_loss: "Stop loss", take_profit: "Take profit", trailing_stop: "Trailing stop",
  square_off: "Square-off",
};

export function kindSpec(kind) {
  return KINDS.find((k) => k.kind === kind) ?? null;
}

/** 10 → "10", 2.5 → "2.5" (numbers as a person types them). */
function plain(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  return String(Math.round(value * 1e6) / 1e6);
}

// ---- words -----------------------------------------------------------------------------------------------------

/** "SMA(10, 30) crossover", "RSI(14) 30/70", … (missing parameters take the kind's defaults). */
export function strategyLabel(kind, parameters = {}) {
  const spec = kindSpec(kind);
  if (!spec) return String(kind ?? "");
  const v = (name) => plain(parameters?.[name] ?? spec.params.find((p) => p.name === name)?.value);
  switch (kind) {
    case "sma-cross": return `SMA(${v("fast")}, ${v("slow")}) crossover`;
    case "ema-cross": return `EMA(${v("fast")}, ${v("slow")}) crossover`;
    case "rsi": return `RSI(${v("period")}) ${v("oversold")}/${v("overbought")}`;
    case "macd-cross": return `MACD(${v("fast")}, ${v("slow")}, ${v("signal")}) crossover`;
    case "bollinger-breakout": return `Bollinger(${v("period")}, ${v("deviations")}) breakout`;
    case "bollinger-reversion": return `Bollinger(${v("period")}, ${v("deviations")}) mean reversion`;
    default: return spec.label;
  }
}

export function timeframeLabel(value) {
  return TIMEFRAMES.find((t) => t.value === value)?.label ?? String(value ?? "");
}

/** "10% of equity", "5 shares a trade", "₹50,000.00 a trade", "1% risk, stop 2× ATR". */
export function sizingLabel(sizing) {
  if (!sizing) return "—";
  switch (sizing.type) {
    case "percent_of_equity": return `${plain(sizing.percent)}% of equity`;
    case "fixed_quantity": return `${int(sizing.quantity)} share${sizing.quantity === 1 ? "" : "s"} a trade`;
    case "fixed_amount": return `${inr(sizing.amount)} a trade`;
    case "atr_risk": return `${plain(sizing.risk_percent)}% risk, stop ${plain(sizing.atr_multiple)}× ATR`;
    default: return String(sizing.type ?? "—");
  }
}

/** "Stop 2% · target 5% · sells on its signal", or "Sells on its signal" with no stops. */
export function exitsLabel(exits) {
  if (!exits) return "—";
  const parts = [];
  if (exits.stop_loss_percent != null) parts.push(`stop ${plain(exits.stop_loss_percent)}%`);
  if (exits.take_profit_percent != null) parts.push(`target ${plain(exits.take_profit_percent)}%`);
  if (exits.trailing_stop_percent != null) parts.push(`trailing ${plain(exits.trailing_stop_percent)}%`);
  parts.push(exits.on_opposite_signal === false ? "not on its sell signal" : "sells on its signal");
  const text = parts.join(" · ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "reliance, tcs  INFY,,TCS" → ["RELIANCE", "TCS", "INFY"] (order kept, repeats dropped). */
export function parseWatchlist(text) {
  const seen = new Set();
  for (const part of String(text ?? "").split(/[\s,;]+/)) {
    const symbol = part.trim().toUpperCase();
    if (symbol) seen.add(symbol);
  }
  return [...seen];
}

// ---- fields -----------------------------------------------------------------------------------------------------

/** A value the form cannot send (not a number), with the input it belongs to. */
export class FieldProblem extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

function lowerFirst(label) {
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** The number typed in `input` ("1,00,000", "₹2.5" are fine); null when empty and optional. */
export function readNumber(input, label, { optional = false } = {}) {
  const text = input.value.trim();
  const noun = lowerFirst(label.replace(/\s*\(.*\)$/, ""));
  if (text === "") {
    if (optional) return null;
    throw new FieldProblem(input, `Enter the ${noun}.`);
  }
  const value = parseAmount(text.replace(/%$/, ""));
  if (!Number.isFinite(value)) throw new FieldProblem(input, `Enter the ${noun} as a number.`);
  return value;
}

/** A number input in a labelled field (dom.js field()). */
export function numberField({ label, name, value, hint, prefix, integer = false, placeholder }) {
  return field({
    label, name, hint, prefix, placeholder,
    value: typeof value === "number" ? plain(value) : value ?? "",
    inputmode: integer ? "numeric" : "decimal",
    autocomplete: "off",
    inputClass: "input-num",
  });
}

/** A labelled <select> with the same error wiring as field(): {field, input, error}. */
export function selectField({ label, name, options, value, hint }) {
  const id = nextId(name);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const input = h("select.select", {
    id, name, attrs: { "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") },
  }, options.map((option) => h("option", { value: option.value, text: option.label })));
  if (value !== undefined && value !== null) input.value = value;
  const error = h("div.field-error", { id: errorId, attrs: { "aria-live": "polite" } });
  const fieldEl = h("div.field", { dataset: { field: name } },
    h("label", { htmlFor: id, text: label }),
    input,
    hint ? h("div.hint", { id: hintId, text: hint }) : null,
    error);
  input.addEventListener("change", () => { if (input.getAttribute("aria-invalid")) setFieldError(input, ""); });
  return { field: fieldEl, input, error };
}

/** A labelled checkbox with an error line: {field, input, error}. */
export function checkboxField({ label, name, checked = false, hint }) {
  const id = nextId(name);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const input = h("input.checkbox", {
    type: "checkbox", id, name, checked,
    attrs: { "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") },
  });
  const error = h("div.field-error", { id: errorId, attrs: { "aria-live": "polite" } });
  const fieldEl = h("div.field.field-check", { dataset: { field: name } },
    h("label.check-label", { htmlFor: id }, input, h("span", { text: label })),
    hint ? h("div.hint", { id: hintId, text: hint }) : null,
    error);
  input.addEventListener("change", () => { if (input.getAttribute("aria-invalid")) setFieldError(input, ""); });
  return { field: fieldEl, input, error };
}

// ---- errors -----------------------------------------------------------------------------------------------------

/**
 * Where a form's errors go. Fields register under the API's names (`set("parameters.fast", input)`); show(error)
 * writes the server's reason next to the field its `field` names (an exact name; the same without list indexes;
 * the name's first part; the first field under that part, `sizing.percent` → the sizing fields; or a nested field
 * named without its part, `fast` → `parameters.fast`), moves focus there, or writes it above the submit button when
 * no field matches.
 */
export class FormErrors {
  constructor(formError) {
    this.formError = formError;
    this.targets = new Map();
  }

  set(name, input) {
    this.targets.set(name, input);
  }

  /** Forgets `prefix` and every `prefix.…` field (when a section is rebuilt). */
  drop(prefix) {
    for (const name of [...this.targets.keys()]) {
      if (name === prefix || name.startsWith(`${prefix}.`)) this.targets.delete(name);
    }
  }

  clear() {
    for (const input of new Set(this.targets.values())) {
      if (input.isConnected) setFieldError(input, "");
    }
    setText(this.formError, "");
  }

  resolve(name) {
    if (!name) return null;
    const exact = this.targets.get(name) ?? this.targets.get(name.replace(/\[\d+\]/g, ""));
    if (exact) return exact;
    const head = name.split(/[.[]/)[0];
    if (this.targets.has(head)) return this.targets.get(head);
    for (const [key, input] of this.targets) {
      if (key.startsWith(`${head}.`)) return input;
    }
    // A bare name for a nested field ("fast" for "parameters.fast").
    for (const [key, input] of this.targets) {
      if (key.endsWith(`.${name}`)) return input;
    }
    return null;
  }

  /** An ApiError (or any error): next to its field, or above the submit button. True when it went to a field. */
  show(error, fallback = "That didn't work.") {
    const input = error?.status >= 400 && error.status < 500 && error.status !== 401 ? this.resolve(error.field) : null;
    if (input?.isConnected) {
      setFieldError(input, error.reason);
      input.focus();
      return true;
    }
    setText(this.formError, error?.reason ?? error?.message ?? fallback);
    return false;
  }

  /** A FieldProblem found before sending. */
  local(problem) {
    setFieldError(problem.input, problem.message);
    problem.input.focus();
  }
}

// ---- sections ---------------------------------------------------------------------------------------------------

/**
 * The kind and its parameters. A new kind brings its own parameter inputs, prefilled with its defaults; the values
 * given (an edited strategy's) fill the first build. read() → {kind, parameters} or throws a FieldProblem.
 */
export function kindSection({ kind = "sma-cross", parameters = {}, errors = null, legend = "Strategy" } = {}) {
  const kindF = selectField({
    label: "Kind", name: "kind", value: kindSpec(kind) ? kind : KINDS[0].kind,
    options: KINDS.map((k) => ({ value: k.kind, label: k.label })),
  });
  const about = h("p.hint.kind-about", { attrs: { "aria-live": "polite" } });
  const grid = h("div.field-grid.param-grid", { attrs: { role: "group", "aria-label": "Parameters" } });
  let inputs = [];

  function build(name, values) {
    const spec = kindSpec(name) ?? KINDS[0];
    errors?.drop("parameters");
    inputs = spec.params.map((param) => {
      const f = numberField({ label: param.label, name: param.name, value: values?.[param.name] ?? param.value, hint: param.hint });
      errors?.set(`parameters.${param.name}`, f.input);
      return { param, ...f };
    });
    replace(grid, inputs.map((entry) => entry.field));
    setText(about, spec.about);
    grid.dataset.kind = spec.kind;
  }

  build(kindF.input.value, parameters);
  kindF.input.addEventListener("change", () => build(kindF.input.value, null));
  errors?.set("kind", kindF.input);
  errors?.set("strategy", kindF.input);

  const el = h("fieldset.form-section", null, h("legend", { text: legend }), kindF.field, about, grid);
  return {
    el,
    kindInput: kindF.input,
    read() {
      const parameters = {};
      for (const { param, input } of inputs) parameters[param.name] = readNumber(input, param.label);
      return { kind: kindF.input.value, parameters };
    },
  };
}

/**
 * Position sizing: the type and its value(s); another type brings its own inputs with their starting values
 * (`defaultPercent` for percent of equity: 10 for a strategy, 100 for a backtest). read() → the API's `sizing`.
 */
export function sizingSection({ sizing = null, defaultPercent = 10, errors = null } = {}) {
  const starting = sizing && SIZINGS.some((s) => s.type === sizing.type) ? sizing : { type: "percent_of_equity", percent: defaultPercent };
  const typeF = selectField({
    label: "Size each buy by", name: "sizing_type", value: starting.type,
    options: SIZINGS.map((s) => ({ value: s.type, label: s.label })),
  });
  // The value inputs are rebuilt in their own (layout-less) box, so the type select keeps its place and focus.
  const valueBox = h("div.field-contents");
  const grid = h("div.field-grid", null, typeF.field, valueBox);
  let inputs = [];

  function build(type, values) {
    const spec = SIZINGS.find((s) => s.type === type) ?? SIZINGS[0];
    errors?.drop("sizing");
    errors?.set("sizing", typeF.input);
    errors?.set("sizing.type", typeF.input);
    inputs = spec.fields.map((f) => {
      const fallback = f.name === "percent" ? defaultPercent : f.value;
      const built = numberField({ label: f.label, name: f.name, value: values?.[f.name] ?? fallback, hint: f.hint,
        prefix: f.prefix, integer: f.integer });
      errors?.set(`sizing.${f.name}`, built.input);
      return { spec: f, ...built };
    });
    replace(valueBox, inputs.map((entry) => entry.field));
  }

  build(starting.type, starting);
  typeF.input.addEventListener("change", () => build(typeF.input.value, null));
  const el = h("fieldset.form-section", null, h("legend", { text: "Position size" }), grid);
  return {
    el,
    read() {
      const body = { type: typeF.input.value };
      for (const { spec, input } of inputs) body[spec.name] = readNumber(input, spec.label);
      return body;
    },
  };
}

/** Exits: three optional percentages (empty: none) and whether the strategy's own sell signal sells. */
export function exitsSection({ exits = null, errors = null } = {}) {
  const inputs = EXITS.map((spec) => {
    const f = numberField({ label: spec.label, name: spec.name, value: exits?.[spec.name] ?? "", hint: spec.hint, placeholder: "none" });
    errors?.set(`exits.${spec.name}`, f.input);
    return { spec, ...f };
  });
  const opposite = checkboxField({
    label: "Sell on the strategy's own sell signal", name: "on_opposite_signal",
    checked: exits?.on_opposite_signal !== false,
  });
  errors?.set("exits.on_opposite_signal", opposite.input);
  errors?.set("exits", inputs[0].input);
  const el = h("fieldset.form-section", null, h("legend", { text: "Exits" }),
    h("div.field-grid", null, inputs.map((entry) => entry.field)),
    opposite.field,
    h("p.hint", { text: "Leave a stop empty for none. Stops are watched on every price tick." }));
  return {
    el,
    read() {
      const body = {};
      for (const { spec, input } of inputs) body[spec.name] = readNumber(input, spec.label, { optional: true });
      body.on_opposite_signal = opposite.input.checked;
      return body;
    },
  };
}

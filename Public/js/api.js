// The HTTP client: JSON in and out, the bearer token on every call, and one error type for every failure.
//
// Errors become ApiError {status, reason, field}: the server's own `reason` (written for people) and the snake_case
// `field` it names, so forms can show the message next to that field. Network failures are status 0. A 401 on an
// authenticated call means the token expired or was revoked: "unauthorized" is emitted, and the app sends the user
// to log in, remembering where they were going. A 403 saying the account has been disabled emits "disabled" with
// that reason: the app signs out and the login page shows it. Both carry the token that was refused.

import { bus } from "./events.js";
import { token } from "./session.js";

export class ApiError extends Error {
  constructor(status, reason, { field = null, requestId = null, retryAfter = null } = {}) {
    super(reason);
    this.name = "ApiError";
    this.status = status;
    this.reason = reason;
    this.field = field;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** True for a refusal the user can fix (4xx other than 401), false for outages. */
  get isValidation() {
    return this.status === 422 || this.status === 409 || this.status === 400;
  }
}

const DEFAULT_TIMEOUT_MS = 15000;
// The 403 of an account an administrator disabled (any other 403, such as "administrators only", is a plain refusal).
const DISABLED_REASON = /account has been disabled/i;

function messageFor(status, body, response) {
  if (body && typeof body.reason === "string" && body.reason) {
    // Server reasons are lower-case fragments ("min_price must not be greater than max_price"): make them
    // sentences and speak of fields the way the form labels them.
    return humanize(body.reason);
  }
  if (status === 429) return "Too many attempts. Please wait a minute and try again.";
  if (status >= 500) {
    const id = response.headers.get("X-Request-Id");
    return `Something went wrong on the server${id ? ` (request ${id.slice(0, 8)})` : ""}. Please try again.`;
  }
  return `The server answered ${status}.`;
}

const FIELD_WORDS = {
  min_price: "Min price",
  max_price: "Max price",
  limit_price: "Limit price",
  cart_item_id: "Cart item",
  email: "Email",
  current_password: "Current password",
  new_password: "New password",
  password: "Password",
  quantity: "Quantity",
  symbol: "Symbol",
  mode: "Mode",
  api_key: "API key",
  client_code: "Client code",
  pin: "PIN",
  totp_secret: "TOTP secret",
  stop_loss_percent: "Stop loss",
  take_profit_percent: "Take profit",
  trailing_stop_percent: "Trailing stop",
  on_opposite_signal: "Sell on the opposite signal",
  risk_percent: "Risk per trade",
  atr_multiple: "ATR multiple",
  risk_free_rate_percent: "Risk-free rate",
  max_open_positions: "Max open positions",
  max_symbol_exposure: "Max exposure per symbol",
  max_total_exposure: "Max total exposure",
  max_order_value: "Max order value",
  max_orders_per_second: "Max orders per second",
  max_daily_loss: "Max daily loss",
  square_off: "Square-off",
};
const FIELD_PATTERN = new RegExp(`\\b(${Object.keys(FIELD_WORDS).join("|")})\\b`, "g");

/** A field's words inside a sentence: lower-case, except acronyms ("PIN", "API key", "TOTP secret"). */
function midSentence(words) {
  return /^[A-Z]{2}/.test(words) ? words : words.toLowerCase();
}

/** "min_price must not be greater than max_price" → "Min price must not be greater than max price." */
export function humanize(reason) {
  let text = String(reason).replace(FIELD_PATTERN,
    (word, _m, offset) => (offset === 0 ? FIELD_WORDS[word] : midSentence(FIELD_WORDS[word])));
  text = text.replace(/items\[\d+\]\.(\w+)/g, (_m, f) => (FIELD_WORDS[f] ?? f).toLowerCase());
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!/[.!?]$/.test(text)) text += ".";
  return text;
}

/**
 * request("POST", "/api/rules", {body}) → parsed JSON (or null for 204).
 * Options: body, headers, signal, auth (default true), timeout (ms), keepalive (the browser delivers the request
 * even if the page unloads meanwhile; for saves flushed on `pagehide`).
 */
export async function request(method, path, { body, headers = {}, signal, auth = true, timeout = DEFAULT_TIMEOUT_MS, keepalive = false } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, cache: "no-store" };
  if (keepalive) init.keepalive = true;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const bearer = auth ? token() : null;
  if (auth) {
    if (!bearer) {
      bus.emit("unauthorized");
      throw new ApiError(401, "Please log in again.");
    }
    init.headers.Authorization = `Bearer ${bearer}`;
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), timeout);
  const onAbort = () => controller.abort(signal.reason);
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  init.signal = controller.signal;

  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (signal?.aborted) throw error; // the caller gave up (page left): not an error to show
    const timedOut = error?.name === "TimeoutError" || controller.signal.reason?.name === "TimeoutError";
    throw new ApiError(0, timedOut
      ? "StockCart took too long to answer. Check your connection and try again."
      : "Can't reach StockCart. Check your connection and try again.");
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }

  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;

  if (response.status === 401 && auth) {
    // Only an authenticated call can tell us the session is gone; login's own 401 is a wrong password.
    if (token() === bearer) bus.emit("unauthorized", { token: bearer });
    throw new ApiError(401, "Your session has ended. Please log in again.");
  }
  const message = messageFor(response.status, data, response);
  if (response.status === 403 && auth && DISABLED_REASON.test(data?.reason ?? "")) {
    if (token() === bearer) bus.emit("disabled", { token: bearer, reason: message });
    throw new ApiError(403, message);
  }
  const retry = Number(response.headers.get("Retry-After"));
  throw new ApiError(response.status, message, {
    field: data?.field ?? null,
    requestId: response.headers.get("X-Request-Id"),
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
  });
}

export const get = (path, options) => request("GET", path, options);
export const post = (path, body, options) => request("POST", path, { ...options, body });
export const patch = (path, body, options) => request("PATCH", path, { ...options, body });
export const put = (path, body, options) => request("PUT", path, { ...options, body });
export const del = (path, options) => request("DELETE", path, options);

/** "M&M" → "M%26M" for paths. */
export const enc = (value) => encodeURIComponent(value);

/** A fresh idempotency key (crypto-random). */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Number, money and time formatting for an Indian audience: ₹ with Indian digit grouping (10,00,000.00), signed
// changes with a real minus sign, volumes in lakh/crore, times in IST whatever the browser's own time zone.

const MINUS = "\u2212";
const IST = "Asia/Kolkata";

const grouped2 = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const grouped0 = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 0 });
const upTo2 = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 0, maximumFractionDigits: 2 });

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function withSign(text, value, signed) {
  if (value < 0) return MINUS + text;
  if (signed && value > 0) return "+" + text;
  return text;
}

/** 2800.5 → "2,800.50"; 1000000 → "10,00,000.00". `signed` adds "+" to positives. */
export function num(value, { signed = false } = {}) {
  if (!finite(value)) return "—";
  return withSign(grouped2.format(Math.abs(value)), value, signed);
}

/** 2800.5 → "₹2,800.50"; −12 → "−₹12.00". */
export function inr(value, { signed = false } = {}) {
  if (!finite(value)) return "—";
  return withSign("₹" + grouped2.format(Math.abs(value)), value, signed);
}

/** A price without needless decimals: 2750 → "2,750", 2750.5 → "2,750.50". */
export function priceShort(value) {
  if (!finite(value)) return "—";
  const text = Number.isInteger(Math.round(value * 100) / 100) && Math.round(value * 100) % 100 === 0
    ? grouped0.format(Math.abs(value))
    : grouped2.format(Math.abs(value));
  return withSign(text, value, false);
}

/** 0.4412 (already a percentage) → "+0.44%". */
export function pct(value, { signed = true } = {}) {
  if (!finite(value)) return "—";
  return withSign(grouped2.format(Math.abs(value)) + "%", value, signed);
}

/** Whole numbers with Indian grouping: 1000000 → "10,00,000". */
export function int(value) {
  if (!finite(value)) return "—";
  return withSign(grouped0.format(Math.abs(value)), value, false);
}

/** Compact volumes: 12,34,567 → "12.35 L", 3,45,67,890 → "3.46 Cr", 9,876 → "9,876". */
export function volume(value) {
  if (!finite(value)) return "—";
  const abs = Math.abs(value);
  if (abs >= 1e7) return upTo2.format(value / 1e7) + " Cr";
  if (abs >= 1e5) return upTo2.format(value / 1e5) + " L";
  return grouped0.format(value);
}

/** A decimal input value for a price field: 2800.5 → "2800.50" (no grouping, input-friendly). */
export function inputPrice(value) {
  return finite(value) ? value.toFixed(2) : "";
}

/** Rounds to the NSE tick of ₹0.05. */
export function toTick(value) {
  return Math.round(value * 20) / 20;
}

const timeFmt = new Intl.DateTimeFormat("en-IN", { timeZone: IST, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const dayTimeFmt = new Intl.DateTimeFormat("en-IN", { timeZone: IST, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
const dayKeyFmt = new Intl.DateTimeFormat("en-CA", { timeZone: IST, year: "numeric", month: "2-digit", day: "2-digit" });

function toDate(value) {
  if (value instanceof Date) return value;
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:32:05" IST. */
export function timeIST(value) {
  const date = toDate(value);
  return date ? timeFmt.format(date) : "—";
}

/** "14:32" today, or "21 Nov, 14:32" on another day (IST). */
export function whenIST(value) {
  const date = toDate(value);
  if (!date) return "—";
  if (dayKeyFmt.format(date) === dayKeyFmt.format(new Date())) return timeFmt.format(date).slice(0, 5);
  return dayTimeFmt.format(date);
}

/** "just now", "5 min ago", "3 h ago", else the IST date and time. */
export function ago(value, now = Date.now()) {
  const date = toDate(value);
  if (!date) return "—";
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 6 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return whenIST(date);
}

/** Seconds to shift a UTC timestamp so the chart (which shows UTC) shows IST. */
export const IST_OFFSET_SECONDS = 19800;

/** Chooses "up", "down" or "" for a change. */
export function direction(now, before) {
  if (!finite(now) || !finite(before) || now === before) return "";
  return now > before ? "up" : "down";
}

/** Parses a rupee amount typed by a user: "2,800.50" or "₹2800.5" → 2800.5; NaN if it is not a number. */
export function parseAmount(text) {
  const cleaned = String(text ?? "").replace(/[₹,\s]/g, "").replace(MINUS, "-");
  if (cleaned === "" || !/^-?\d*(\.\d*)?$/.test(cleaned)) return NaN;
  return Number(cleaned);
}

const dateFmt = new Intl.DateTimeFormat("en-IN", { timeZone: IST, day: "numeric", month: "short", year: "numeric" });
const dateTimeFmt = new Intl.DateTimeFormat("en-IN", { timeZone: IST, day: "numeric", month: "short", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * A time from the API as a Date (or null): ISO-8601 with its zone ("2026-11-21T09:51:34Z"), seconds since 1970 (or
 * milliseconds, for numbers too large to be seconds), or an IST date ("2024-03-15") or date-time
 * ("2024-03-15 09:15:00") without a zone, as backtest reports and performance figures write them.
 */
export function parseApiTime(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    return new Date(Math.abs(value) > 1e11 ? value : value * 1000);
  }
  if (typeof value !== "string" || !value) return null;
  let text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00+05:30";
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = text.replace(" ", "T") + "+05:30";
  else if (/^\d+(\.\d+)?$/.test(text)) return parseApiTime(Number(text));
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** "15 Mar 2024" (the IST date), or "15 Mar 2024, 09:15" with `withTime`. */
export function dateIST(value, { withTime = false } = {}) {
  const date = parseApiTime(value);
  if (!date) return typeof value === "string" && value ? value : "—";
  return (withTime ? dateTimeFmt : dateFmt).format(date);
}

// Estimated charges for a delivery BUY or SELL on NSE, with the rates the server actually charges: they come from
// GET /api/charges (the server's ChargeSchedule, including its configured BROKERAGE), loaded once per page load.
// The arithmetic mirrors Sources/TradingCore/Charges/ChargeSchedule.swift: each component rounded half-up to the
// paisa, GST on brokerage + exchange + SEBI. Until the schedule arrives the NSE statutory rates and ₹20 brokerage
// stand in; the executed order always shows the exact figure.
import * as api from "./api.js";

let schedule = {
  brokerage: { type: "flat", amount: 20 },
  stt_rate: 0.001, exchange_rate: 0.0000297, sebi_rate: 0.000001, stamp_duty_rate: 0.00015, gst_rate: 0.18,
  stt_rounding: "paisa",
};
let loading = null;

/** Fetches the server's schedule once; resolves when estimates use it (never rejects). */
export function loadChargeSchedule() {
  loading ??= api.get("/api/charges").then((fetched) => { schedule = fetched; }).catch(() => { loading = null; });
  return loading;
}

function brokerageFor(turnover) {
  const b = schedule.brokerage;
  if (b.type === "percent") return Math.max(b.floor, Math.min(b.cap, turnover * b.rate));
  return b.amount;
}

function roundPaise(rupees) {
  // half-up on a value in paise, guarding against binary noise (2.675 → 267.49999…)
  return Math.round(rupees * 100 + 1e-7) / 100;
}

export function estimateCharges({ side = "BUY", price, quantity }) {
  if (!(price > 0) || !(quantity > 0)) {
    return { brokerage: 0, stt: 0, exchange: 0, sebi: 0, stamp_duty: 0, gst: 0, total: 0 };
  }
  const turnover = price * quantity;
  const brokerage = brokerageFor(turnover);
  const exchangeRaw = turnover * schedule.exchange_rate;
  const sebiRaw = turnover * schedule.sebi_rate;
  const sttRaw = turnover * schedule.stt_rate;
  const parts = {
    brokerage: roundPaise(brokerage),
    stt: schedule.stt_rounding === "rupee" ? Math.round(sttRaw + 1e-9) : roundPaise(sttRaw),
    exchange: roundPaise(exchangeRaw),
    sebi: roundPaise(sebiRaw),
    stamp_duty: side === "BUY" ? roundPaise(turnover * schedule.stamp_duty_rate) : 0,
    gst: roundPaise((brokerage + exchangeRaw + sebiRaw) * schedule.gst_rate),
  };
  parts.total = roundPaise(parts.brokerage + parts.stt + parts.exchange + parts.sebi + parts.stamp_duty + parts.gst);
  return parts;
}

// The notifications list: every alert that fired and every order that settled, newest first, with an unread count
// on the bell. It is kept per user in localStorage (the last 100), so it survives reloads and new sessions.
//
// "What the user missed": events only reach open sockets, so after signing in and after every reconnect the list
// is reconciled with the server: rules whose last_fired_at and orders whose updated_at are newer than the newest
// server time seen before (the watermark) become notifications too. Keys (rule id + fire count, order id + status)
// make the socket event and the reconciliation of the same thing one entry.

import * as api from "./api.js";
import { bus } from "./events.js";
import { inr, priceShort } from "./format.js";

const LIMIT = 100;
let userId = null;
let state = { items: [], watermark: null, lastSeen: null };

function storageKey(id) {
  return `stockcart.notifications.${id}`;
}

function load(id) {
  try {
    const raw = window.localStorage.getItem(storageKey(id));
    const parsed = raw ? JSON.parse(raw) : null;
    if (parsed && Array.isArray(parsed.items)) return parsed;
  } catch { /* corrupt or unavailable: start empty */ }
  return { items: [], watermark: null, lastSeen: null };
}

function save() {
  if (!userId) return;
  try {
    window.localStorage.setItem(storageKey(userId), JSON.stringify(state));
  } catch { /* storage full or disabled: keep it in memory */ }
}

function changed() {
  save();
  bus.emit("notifications", { unread: unreadCount(), items: state.items });
}

/** Switches to the signed-in user's list (or none). */
export function useUser(id) {
  userId = id ? String(id).toLowerCase() : null;
  state = userId ? load(userId) : { items: [], watermark: null, lastSeen: null };
  bus.emit("notifications", { unread: unreadCount(), items: state.items });
}

export function items() {
  return state.items;
}

export function unreadCount() {
  return state.items.filter((item) => !item.read).length;
}

export function markAllRead() {
  let any = false;
  for (const item of state.items) {
    if (!item.read) {
      item.read = true;
      any = true;
    }
  }
  state.lastSeen = new Date().toISOString();
  if (any) changed();
  else save();
}

export function clearAll() {
  state.items = [];
  changed();
}

function advanceWatermark(time) {
  if (time && (!state.watermark || time > state.watermark)) state.watermark = time;
}

function add(entry) {
  if (!userId) return false;
  if (state.items.some((item) => item.key === entry.key)) return false;
  state.items.unshift({ read: false, ...entry });
  state.items.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  if (state.items.length > LIMIT) state.items.length = LIMIT;
  return true;
}

// ---- describing events -----------------------------------------------------------------------------------------

export function ruleRange(rule) {
  return `${priceShort(rule.min_price)}–${priceShort(rule.max_price)}`;
}

/** "RELIANCE added to cart at ₹2,800.50 — rule 2,750–2,850" */
export function cartAddedText(item, rule) {
  return `${item.symbol} added to cart at ${inr(item.added_price)}${rule ? ` — rule ${ruleRange(rule)}` : ""}`;
}

export function orderText(order) {
  const what = `${order.side} ${order.quantity} ${order.symbol}`;
  switch (order.status) {
    case "EXECUTED":
      return `${what} executed at ${inr(order.fill_price)}${order.charges != null ? ` · charges ${inr(order.charges)}` : ""}`;
    case "FAILED":
      return `${what} failed${order.reason ? `: ${order.reason}` : ""}`;
    case "CANCELLED":
      return `${what} cancelled`;
    default:
      return `${what} ${String(order.status).toLowerCase()}`;
  }
}

// ---- from the socket -----------------------------------------------------------------------------------------

export function recordCartAdded({ item, rule }) {
  const time = item.added_at ?? new Date().toISOString();
  advanceWatermark(rule?.last_fired_at ?? time);
  const isNew = add({
    key: `rule:${String(rule?.id ?? item.rule_id).toLowerCase()}:${rule?.fire_count ?? item.fire_number ?? ""}`,
    kind: "cart.added",
    time,
    symbol: item.symbol,
    title: "Added to cart",
    text: cartAddedText(item, rule),
    href: "#/cart",
  });
  changed();
  return isNew;
}

export function recordOrder(order) {
  if (order.status === "PENDING") return false;
  advanceWatermark(order.updated_at);
  const isNew = add({
    key: `order:${String(order.id).toLowerCase()}:${order.status}`,
    kind: "order",
    status: order.status,
    time: order.updated_at ?? new Date().toISOString(),
    symbol: order.symbol,
    title: `Order ${order.status.toLowerCase()}`,
    text: orderText(order),
    href: "#/orders",
  });
  changed();
  return isNew;
}

// ---- reconciliation --------------------------------------------------------------------------------------------

/**
 * Fetches rules and orders and records what happened after the watermark. The first time a user is seen there is
 * no watermark: everything already there is history, not news, so only the watermark is set.
 * Returns the number of new entries.
 */
export async function reconcile({ signal } = {}) {
  if (!userId) return 0;
  const forUser = userId;
  const [rules, orders] = await Promise.all([
    api.get("/api/rules", { signal }),
    api.get("/api/orders", { signal }),
  ]);
  if (forUser !== userId) return 0; // signed out meanwhile
  const since = state.watermark;
  let added = 0;
  let newest = since;
  for (const rule of rules ?? []) {
    if (rule.last_fired_at && (!newest || rule.last_fired_at > newest)) newest = rule.last_fired_at;
    if (since && rule.last_fired_at && rule.last_fired_at > since) {
      if (add({
        key: `rule:${String(rule.id).toLowerCase()}:${rule.fire_count}`,
        kind: "cart.added",
        time: rule.last_fired_at,
        symbol: rule.symbol,
        title: "Alert fired",
        text: `${rule.symbol} entered ${ruleRange(rule)} — added to cart`,
        href: "#/cart",
      })) added += 1;
    }
  }
  for (const order of orders?.orders ?? []) {
    if (order.updated_at && (!newest || order.updated_at > newest)) newest = order.updated_at;
    if (since && order.status !== "PENDING" && order.updated_at > since) {
      if (add({
        key: `order:${String(order.id).toLowerCase()}:${order.status}`,
        kind: "order",
        status: order.status,
        time: order.updated_at,
        symbol: order.symbol,
        title: `Order ${order.status.toLowerCase()}`,
        text: orderText(order),
        href: "#/orders",
      })) added += 1;
    }
  }
  state.watermark = newest ?? new Date().toISOString();
  changed();
  return added;
}

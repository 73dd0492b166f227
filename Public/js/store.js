// Shared client state: the stock catalogue with live quotes, and the cart count for the navigation badge.
//
// Quotes arrive up to a few hundred times a second (50 symbols × 4/s). They are written into a map at once and
// listeners are told once per animation frame with only the symbols that changed, so the DOM work per frame is
// bounded however fast prices come; a hidden tab does no DOM work at all.

import * as api from "./api.js";
import { bus } from "./events.js";

// ---- market --------------------------------------------------------------------------------------------------

const stocks = new Map();       // symbol → {symbol, name, sector, exchange, ltp, change, …}
const listeners = new Set();    // fn(changedSymbols: Map<symbol, previousQuote>)
let pending = new Map();        // symbol → previous quote (before the first change this frame)
let frame = 0;
let loaded = null;              // the promise of the first catalogue load

/** Loads (or reloads) every stock with its quote. */
export function loadStocks({ force = false } = {}) {
  if (loaded && !force) return loaded;
  const request = api.get("/api/stocks").then((list) => {
    for (const stock of list) applyQuote(stock);
    return list;
  });
  loaded = request.catch((error) => {
    loaded = null; // try again next time
    throw error;
  });
  return loaded;
}

export function stockList() {
  return [...stocks.values()];
}

export function stock(symbol) {
  return stocks.get(symbol) ?? null;
}

/** Merges a quote (REST stock or WebSocket price message) and schedules listeners. */
export function applyQuote(quote) {
  if (!quote?.symbol) return;
  const previous = stocks.get(quote.symbol);
  if (previous && quote.time && previous.time && quote.time < previous.time) return; // an older snapshot
  const next = { ...(previous ?? {}), ...quote };
  delete next.type;
  stocks.set(quote.symbol, next);
  if (!pending.has(quote.symbol)) pending.set(quote.symbol, previous ?? null);
  if (!frame) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  const changed = pending;
  pending = new Map();
  for (const fn of [...listeners]) {
    try {
      fn(changed);
    } catch (error) {
      console.warn("quote listener failed", error);
    }
  }
}

/** fn(changed: Map<symbol, previousQuote|null>) once per frame with new quotes; returns the unsubscribe function. */
export function onQuotes(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// ---- cart count ----------------------------------------------------------------------------------------------

let cartCount = 0;

export function getCartCount() {
  return cartCount;
}

export function setCartCount(count, { bump = false } = {}) {
  const next = Math.max(0, count | 0);
  if (next === cartCount && !bump) return;
  cartCount = next;
  bus.emit("cart", { count: cartCount, bump });
}

export async function refreshCartCount() {
  const cart = await api.get("/api/cart");
  setCartCount(cart?.count ?? cart?.items?.length ?? 0);
  return cart;
}

/** Forgets everything that belongs to a user (sign-out); quotes are public and stay. */
export function resetUserState() {
  cartCount = 0;
  forgetEvents();
  bus.emit("cart", { count: 0, bump: false });
}

// ---- recent events: fresher than a fetch that was already under way ---------------------------------------------
//
// A page fetches a list (orders, alerts, cart) while events keep arriving. An event that arrives between the
// request and its response describes a newer state than the response: without care the page would show the order
// as PENDING although the socket already said EXECUTED. Events are remembered here (with their arrival time), and
// pages pass fetched lists through freshen() before showing them.

const recent = { rule: new Map(), order: new Map(), cart: new Map() };
const RECENT_LIMIT = 200;
const key = (id) => String(id).toLowerCase();

export function noteEvent(kind, value) {
  if (!value?.id) return;
  const map = recent[kind];
  map.delete(key(value.id));
  map.set(key(value.id), { value, at: performance.now() });
  if (map.size > RECENT_LIMIT) map.delete(map.keys().next().value);
}

function isNewer(kind, candidate, current) {
  if (kind === "order") return current.status === "PENDING" && candidate.status !== "PENDING";
  if (kind === "rule") {
    return (candidate.fire_count ?? 0) > (current.fire_count ?? 0)
      || (candidate.updated_at ?? "") > (current.updated_at ?? "");
  }
  return false;
}

/**
 * The fetched list with every record replaced by a newer one heard on the socket since `since` (performance.now()
 * when the request started); for the cart, lines added since then and missing from the answer are appended.
 */
export function freshen(kind, list, since) {
  const map = recent[kind];
  const out = list.map((item) => {
    const heard = map.get(key(item.id));
    return heard && heard.at >= since && isNewer(kind, heard.value, item) ? heard.value : item;
  });
  if (kind === "cart") {
    const present = new Set(list.map((item) => key(item.id)));
    for (const [id, heard] of map) if (heard.at >= since && !present.has(id)) out.push(heard.value);
  }
  return out;
}

export function forgetEvents() {
  for (const map of Object.values(recent)) map.clear();
}

// The live connection: one WebSocket to /api/ws per tab, with authentication, subscriptions that survive
// reconnects, a heartbeat that notices dead connections, and reconnection with exponential backoff and jitter.
//
// States (shown by the connection indicator):
//   connecting    first attempt after sign-in
//   live          authenticated ("welcome" received); subscriptions sent
//   reconnecting  the connection dropped; retrying (0.5 s, 1 s, 2 s, 4 s, 8 s … at most 10 s, ±25 % jitter)
//   offline       the browser reports no network, or retries have failed for a while (retrying continues)
//   idle          signed out / stopped
//
// The token goes in a first {"type":"auth"} message, not the URL, so it never lands in access logs. A close with
// code 4401 (token refused) or 4001 (token revoked: a logout, a password change, an account disabled) stops retrying
// and emits "unauthorized" with the code and the token this connection used; the shell finds out whether the session
// is over (the API says 401 or 403) or was renewed meanwhile (a new token: it starts the socket again).
// Pages say which symbols they need with watch(symbols) → unwatch(); the socket subscribes to the union and, after
// every reconnect, subscribes again to all of it.

import { Emitter } from "./events.js";
import { token } from "./session.js";

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10000;
const OFFLINE_AFTER_FAILURES = 6;     // about 15 s of failed attempts
const HEARTBEAT_EVERY_MS = 10000;      // check the line this often
const SILENCE_PING_MS = 15000;         // nothing heard for this long: send {"type":"ping"}
const SILENCE_DEAD_MS = 30000;         // nothing heard for this long (after a ping): the connection is dead
const AUTH_CLOSE_CODES = new Set([4401, 4001]);
const AUTH_TIMEOUT_MS = 10000;         // no "welcome" this long after opening: retry

export class LiveSocket extends Emitter {
  #url;
  #getToken;
  #ws = null;
  #state = "idle";
  #attempt = 0;
  #retryTimer = null;
  #heartbeatTimer = null;
  #authTimer = null;
  #lastHeard = 0;
  #wanted = new Map();        // symbol → number of watchers
  #sent = new Set();          // symbols the server knows we want (this connection)
  #syncTimer = null;
  #everLive = false;
  #running = false;

  constructor({ url, getToken }) {
    super();
    this.#url = url;
    this.#getToken = getToken;
    window.addEventListener("online", () => this.#wake());
    window.addEventListener("offline", () => {
      // No network: whatever the socket says, nothing reaches us. Drop it and wait for "online" (or the backoff).
      if (!this.#running) return;
      this.#drop(4000, "offline");
      clearInterval(this.#heartbeatTimer);
      this.#scheduleRetry();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#wake();
    });
  }

  get state() {
    return this.#state;
  }

  /** Connects (after sign-in). */
  start() {
    if (this.#running) return;
    this.#running = true;
    this.#everLive = false;
    this.#attempt = 0;
    this.#connect();
  }

  /** Disconnects and stops retrying (sign-out). */
  stop() {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#authTimer);
    clearInterval(this.#heartbeatTimer);
    this.#drop(1000, "signed out");
    this.#sent.clear();
    this.#setState("idle");
  }

  /** Retry now (the user clicked the indicator, the network came back, the tab became visible). */
  reconnectNow() {
    if (!this.#running || this.#state === "live" || this.#state === "connecting") return;
    if (this.#ws?.readyState === WebSocket.CONNECTING) return; // an attempt is already under way
    clearTimeout(this.#retryTimer);
    this.#attempt = Math.min(this.#attempt, 1);
    if (navigator.onLine) this.#setState(this.#everLive ? "reconnecting" : "connecting");
    this.#connect();
  }

  /** Asks for live prices of `symbols` until the returned function is called. */
  watch(symbols) {
    const list = [...new Set(symbols)].filter(Boolean);
    for (const symbol of list) this.#wanted.set(symbol, (this.#wanted.get(symbol) ?? 0) + 1);
    this.#scheduleSync();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const symbol of list) {
        const count = (this.#wanted.get(symbol) ?? 0) - 1;
        if (count > 0) this.#wanted.set(symbol, count);
        else this.#wanted.delete(symbol);
      }
      this.#scheduleSync();
    };
  }

  // ---- connection ---------------------------------------------------------------------------------------------

  #connect() {
    const token = this.#getToken();
    if (!token) {
      this.#running = false;
      this.#setState("idle");
      return;
    }
    clearTimeout(this.#retryTimer);
    this.#drop(1000, "reconnecting");
    if (this.#state !== "offline") this.#setState(this.#everLive ? "reconnecting" : "connecting");

    let ws;
    try {
      ws = new WebSocket(this.#url);
    } catch (error) {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    this.#sent.clear();

    ws.onopen = () => {
      if (ws !== this.#ws) return;
      this.#lastHeard = Date.now();
      ws.send(JSON.stringify({ type: "auth", token }));
      // The server answers "welcome" (or closes with 4401) within its 5 s auth window; silence means a stuck
      // connection: start over.
      clearTimeout(this.#authTimer);
      this.#authTimer = setTimeout(() => {
        if (ws !== this.#ws || this.#state === "live") return;
        this.#drop(4000, "no welcome");
        this.#scheduleRetry();
      }, AUTH_TIMEOUT_MS);
    };
    ws.onmessage = (event) => {
      if (ws !== this.#ws) return;
      this.#lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.#handle(message);
    };
    ws.onclose = (event) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      clearInterval(this.#heartbeatTimer);
      if (AUTH_CLOSE_CODES.has(event.code)) {
        this.#running = false;
        this.#setState("idle");
        this.emit("unauthorized", { code: event.code, reason: event.reason, token });
        return;
      }
      if (this.#running) this.#scheduleRetry();
    };
    ws.onerror = () => {
      // The browser already logs the failure; onclose follows and schedules the retry.
    };
  }

  #handle(message) {
    switch (message.type) {
      case "welcome": {
        clearTimeout(this.#authTimer);
        const wasLive = this.#everLive;
        this.#everLive = true;
        this.#attempt = 0;
        this.#setState("live");
        this.#startHeartbeat();
        this.#sent.clear();
        this.#syncNow();
        this.emit("live", { reconnected: wasLive });
        break;
      }
      case "prices":
        // One frame per round with every changed quote (the subscription asks for it: batch: true).
        for (const quote of message.prices || []) this.emit("price", quote);
        break;
      case "price":
      case "cart.added":
      case "rule.fired":
      case "order.updated":
      case "signal":
      case "autotrader":
      case "backtest.progress":
      case "backtest.done":
        this.emit(message.type, message);
        break;
      case "error":
        if (message.reason) console.info("live connection:", message.reason);
        break;
      case "closing":
        // The server is going away (shutdown): reconnect as soon as it closes.
        this.#attempt = 0;
        break;
      default:
        break; // subscribed, pong: nothing to do
    }
  }

  #scheduleRetry() {
    this.#attempt += 1;
    const offline = !navigator.onLine || this.#attempt > OFFLINE_AFTER_FAILURES;
    this.#setState(offline ? "offline" : "reconnecting");
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.#attempt - 1));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    this.emit("retry", { attempt: this.#attempt, delay });
  }

  #wake() {
    if (this.#running && (this.#state === "offline" || this.#state === "reconnecting")) this.reconnectNow();
  }

  #drop(code, reason) {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    } catch { /* already closing */ }
  }

  #startHeartbeat() {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(() => {
      const ws = this.#ws;
      if (!ws || this.#state !== "live") return;
      const silence = Date.now() - this.#lastHeard;
      if (silence > SILENCE_DEAD_MS) {
        // Half-open connection (laptop slept, NAT dropped it): start over.
        this.#drop(4000, "no heartbeat");
        clearInterval(this.#heartbeatTimer);
        this.#scheduleRetry();
      } else if (silence > SILENCE_PING_MS) {
        this.#send({ type: "ping" });
      }
    }, HEARTBEAT_EVERY_MS);
  }

  #send(message) {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN && this.#state === "live") {
      ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  // ---- subscriptions ---------------------------------------------------------------------------------------

  #scheduleSync() {
    // Coalesce: leaving a page (unwatch) and entering the next (watch) in the same turn sends one diff.
    if (this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = null;
      this.#syncNow();
    }, 30);
  }

  #syncNow() {
    if (this.#state !== "live") return;
    const wanted = new Set(this.#wanted.keys());
    const add = [...wanted].filter((s) => !this.#sent.has(s));
    const remove = [...this.#sent].filter((s) => !wanted.has(s));
    if (add.length && this.#send({ type: "subscribe", symbols: add, batch: true })) add.forEach((s) => this.#sent.add(s));
    if (remove.length && this.#send({ type: "unsubscribe", symbols: remove })) remove.forEach((s) => this.#sent.delete(s));
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }
}

/** The tab's one live connection (same origin: ws:// or wss:// to match the page). */
export const socket = new LiveSocket({
  url: `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/api/ws`,
  getToken: token,
});

// What the shell shows about the server beyond the socket: the market feed's health (in the connection indicator),
// whether orders are real (the LIVE marker) and, when they are, whether this user's broker can take them (the
// reconnect banner).
//
// GET /api/status is read on sign-in, every 30 seconds, when the tab becomes visible again and after the socket
// reconnects; it carries the user's broker connection too (`account`, null when none is connected), which matters
// only when orders are live. The broker page hands over the answers of its own actions (noteAccount), so the banner
// follows them at once. Every change is emitted on the bus as "status".

import * as api from "./api.js";
import { bus } from "./events.js";
import { h } from "./dom.js";

const REFRESH_EVERY_MS = 30000;

let running = false;
let timer = null;
let generation = 0;   // answers of an older refresh (or of the previous user) are ignored
let inFlight = null;  // the refresh under way, shared by callers that ask meanwhile
let server = null;    // the last /api/status answer
let account;          // undefined: not known or not needed; null: no broker connected; else the broker status

/** {server, account} as last known: server is null before the first answer. */
export function current() {
  return { server, account };
}

/** True when orders go to a real broker. */
export function isLive() {
  return Boolean(server?.broker?.live);
}

function emit() {
  bus.emit("status", current());
}

/** Starts reading the status (on sign-in). */
export function start() {
  if (running) return;
  running = true;
  refresh();
  // A hidden tab does not poll; it catches up when it becomes visible again.
  timer = setInterval(() => { if (document.visibilityState !== "hidden") refresh(); }, REFRESH_EVERY_MS);
}

/** Stops and forgets everything (on sign-out: one user's broker must never show for the next). */
export function stop() {
  running = false;
  clearInterval(timer);
  timer = null;
  generation += 1;
  inFlight = null;
  server = null;
  account = undefined;
  emit();
}

/** Reads /api/status now; resolves when done. Never rejects. */
export function refresh() {
  if (!running) return Promise.resolve();
  if (inFlight) return inFlight;
  const mine = generation;
  inFlight = (async () => {
    try {
      const status = await api.get("/api/status");
      if (mine !== generation) return;
      server = status;
      if (status?.broker?.live) {
        account = status.account ?? null; // null: none connected
      } else {
        account = undefined;
      }
      emit();
    } catch {
      // Not reachable right now (the indicator already says so): keep the last answer, try again later.
    } finally {
      if (mine === generation) inFlight = null;
    }
  })();
  return inFlight;
}

/** The broker page's own answers (null after disconnecting): the banner follows at once. */
export function noteAccount(value) {
  if (!running) return;
  if (isLive()) {
    account = value;
    emit();
  }
}

/** True for an order or checkout refused because the user's broker cannot take orders (409, field "broker"). */
export function isBrokerRefusal(error) {
  return error?.status === 409 && error?.field === "broker";
}

/**
 * What to show for a refusal: the server's reason (which says what to do) and a link to the broker page. The
 * banner is brought up to date too. `onFollow` runs when the link is used (a dialog closes itself).
 */
export function brokerRefusal(error, { onFollow } = {}) {
  refresh();
  return [
    h("span", { text: `${error.reason} ` }),
    h("a.broker-link", { href: "#/broker", text: "Open broker settings", on: onFollow ? { click: onFollow } : undefined }),
  ];
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh();
});

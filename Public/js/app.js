// The StockCart web app: wires the session, the live socket, the shared stores, the notifications and the router
// together, and owns the shell (navigation, badges, connection indicator with the feed's health, the LIVE marker and
// the broker banner, toasts for live events, the auto-trading events handed to the pages, the account links with the
// administrators' one, logging out, and the end of a session: expired, revoked or the account disabled).

import { bus } from "./events.js";
import * as session from "./session.js";
import * as api from "./api.js";
import * as store from "./store.js";
import * as notifications from "./notifications.js";
import { socket } from "./ws.js";
import { route, start as startRouter, navigate, currentPath, resyncCurrent, location, safeNext } from "./router.js";
import { initTheme } from "./theme.js";
import { toast, clearToasts } from "./toast.js";
import { inr, timeIST } from "./format.js";
import { prefetchChartLibrary } from "./chart.js";
import * as status from "./status.js";
import { h, replace } from "./dom.js";

import * as authPage from "./pages/auth.js";
import * as marketPage from "./pages/market.js";
import * as stockPage from "./pages/stock.js";
import * as rulesPage from "./pages/rules.js";
import * as cartPage from "./pages/cart.js";
import * as ordersPage from "./pages/orders.js";
import * as portfolioPage from "./pages/portfolio.js";
import * as notificationsPage from "./pages/notifications.js";
import * as brokerPage from "./pages/broker.js";
import * as reconciliationPage from "./pages/reconciliation.js";
import * as strategiesPage from "./pages/strategies.js";
import * as autotraderPage from "./pages/autotrader.js";
import * as backtestPage from "./pages/backtest.js";
import * as performancePage from "./pages/performance.js";
import * as accountPage from "./pages/account.js";
import * as adminPage from "./pages/admin.js";

// Any Content-Security-Policy violation is a bug: make it loud in the console (the browser tests fail on it).
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});

initTheme();

// ---- routes --------------------------------------------------------------------------------------------------

route("/login", authPage.login, { isPublic: true, name: "login" });
route("/signup", authPage.signup, { isPublic: true, name: "signup" });
route("/", marketPage, { name: "market" });
route("/stock/:symbol", stockPage, { name: "stock" });
route("/rules", rulesPage, { name: "rules" });
route("/cart", cartPage, { name: "cart" });
route("/orders", ordersPage, { name: "orders" });
route("/portfolio", portfolioPage, { name: "portfolio" });
route("/notifications", notificationsPage, { name: "notifications" });
route("/broker", brokerPage, { name: "broker" });
route("/reconciliation", reconciliationPage, { name: "reconciliation" });
route("/strategies", strategiesPage, { name: "strategies" });
route("/autotrader", autotraderPage, { name: "autotrader" });
route("/backtest", backtestPage, { name: "backtest" });
route("/backtest/:id", backtestPage, { name: "backtest-one" });
route("/performance", performancePage, { name: "performance" });
route("/account", accountPage, { name: "account" });
route("/admin", adminPage, { name: "admin" });

const NAV_FOR_ROUTE = { market: "market", stock: "market", rules: "rules", cart: "cart", orders: "orders",
  portfolio: "portfolio", notifications: "notifications", broker: "broker", reconciliation: "broker",
  strategies: "strategies", autotrader: "autotrader", backtest: "backtest", "backtest-one": "backtest",
  performance: "performance", account: "account", admin: "admin" };
// Where the navigation has one entry for several pages (the auto-trading ones on narrow screens and phones).
const NAV_GROUP = { strategies: "auto", autotrader: "auto", backtest: "auto", performance: "auto" };

function guard(match, loc) {
  const signedIn = Boolean(session.getSession());
  if (!match.isPublic && !signedIn) {
    return `/login?next=${encodeURIComponent(loc.full)}`;
  }
  if (match.isPublic && signedIn) {
    return safeNext(loc.query.next);
  }
  return null;
}

function markNav(match) {
  const current = NAV_FOR_ROUTE[match.name];
  const group = NAV_GROUP[current];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === current || (group && link.dataset.nav === group)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// ---- shell: badges, indicator, account -------------------------------------------------------------------------

const connEl = document.getElementById("conn");
const CONN_TEXT = {
  idle: ["Offline", "Live prices: not connected"],
  connecting: ["Connecting…", "Live prices: connecting"],
  live: ["Live", "Live prices: connected"],
  reconnecting: ["Reconnecting…", "Live prices: connection lost, reconnecting"],
  offline: ["Offline", "Live prices: offline, retrying. Select to retry now"],
};

const FEED_NAME = { simulated: "simulated prices", angelone: "Angel One" };
let connState = socket.state;

/**
 * The feed's health from /api/status, in words: [label to show instead of "Live" (or null), sentence for the
 * tooltip, "ok" | "down" | "closed"]. The socket may be live while the server's own feed is not.
 */
function describeFeed(feed) {
  if (!feed) return [null, "", "ok"];
  const name = FEED_NAME[feed.name] ?? feed.name;
  const parts = [];
  let label = null;
  let health = "ok";
  if (feed.state === "connecting" || feed.state === "reconnecting") {
    label = feed.state === "connecting" ? "Feed connecting…" : "Feed reconnecting…";
    health = "down";
    parts.push(`Market feed (${name}): ${feed.state}, prices may be stale${feed.problem ? ` — ${feed.problem}` : ""}.`);
  } else {
    parts.push(`Market feed: ${name}${feed.state === "live" ? ", live" : ""}.`);
  }
  if (feed.last_tick_at) parts.push(`Last tick ${timeIST(feed.last_tick_at)} IST.`);
  if (!feed.market_open) {
    label ??= "Market closed";
    if (health === "ok") health = "closed";
    parts.push("Market closed: alerts fire and orders fill when it opens.");
  }
  return [label, parts.join(" "), health];
}

function showConnection(state = connState) {
  connState = state;
  const [label, description] = CONN_TEXT[state] ?? CONN_TEXT.idle;
  const feed = status.current().server?.feed ?? null;
  const [feedLabel, feedText, health] = describeFeed(feed);
  const live = state === "live";
  connEl.dataset.state = state;
  document.body.dataset.conn = state;
  // The feed's own state matters only while the socket is live (otherwise the socket is the problem).
  connEl.dataset.feed = live && feed ? feed.state : "";
  connEl.dataset.health = live ? health : "";
  document.body.dataset.feed = live && health === "down" ? "down" : "";
  connEl.querySelector(".conn-label").textContent = live && feedLabel ? feedLabel : label;
  const full = live && feedText ? `${description}. ${feedText}` : description;
  connEl.setAttribute("aria-label", full);
  connEl.title = state === "offline" || state === "reconnecting" ? "Select to retry now" : full;
}
connEl.addEventListener("click", () => socket.reconnectNow());
socket.on("state", (state) => showConnection(state));
showConnection(socket.state);

// ---- live trading: the LIVE marker and the broker banner --------------------------------------------------------

const liveMarker = document.getElementById("live-marker");
const bannerEl = document.getElementById("broker-banner");

function showBrokerBanner({ server, account }) {
  const live = Boolean(server?.broker?.live);
  liveMarker.hidden = !live;
  document.body.classList.toggle("live-trading", live);
  let message = null;
  let action = null;
  if (live && account === null) {
    message = "Connect your broker to place live orders.";
    action = "Connect broker";
  } else if (live && account?.state === "reconnect_needed") {
    message = `Your broker needs reconnecting before it can take orders${account.last_error ? `: ${account.last_error}` : "."}`;
    action = "Reconnect broker";
  }
  if (!message) {
    bannerEl.hidden = true;
    bannerEl.replaceChildren();
    delete bannerEl.dataset.reason;
    delete bannerEl.dataset.message;
    return;
  }
  // Unchanged at the 30-second refresh: left alone, so a screen reader does not hear it again.
  if (!bannerEl.hidden && bannerEl.dataset.message === message) return;
  bannerEl.dataset.reason = account === null ? "none" : "reconnect_needed";
  bannerEl.dataset.message = message;
  replace(bannerEl,
    h("span.broker-banner-mark", { text: "LIVE", attrs: { "aria-hidden": "true" } }),
    h("span.broker-banner-text", { text: message }),
    h("a.btn.btn-sm.broker-banner-link", { href: "#/broker", text: action }));
  bannerEl.hidden = false;
}

bus.on("status", (current) => {
  showBrokerBanner(current);
  showConnection();
});

function showCount(selector, count, bump) {
  for (const badge of document.querySelectorAll(selector)) {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    if (bump) {
      badge.classList.remove("bump");
      void badge.offsetWidth; // restart the animation (rare event, a reflow is fine)
      badge.classList.add("bump");
    }
  }
}

bus.on("cart", ({ count, bump }) => {
  showCount("[data-cart-count]", count, bump);
  for (const link of document.querySelectorAll('[data-nav="cart"]')) {
    link.setAttribute("aria-label", count ? `Cart, ${count} item${count === 1 ? "" : "s"}` : "Cart");
  }
});
bus.on("notifications", ({ unread }) => {
  showCount("[data-unread-count]", unread, false);
  document.getElementById("bell").setAttribute("aria-label", unread ? `Notifications, ${unread} unread` : "Notifications");
});

document.getElementById("skip-link").addEventListener("click", () => document.getElementById("main").focus());

// Logging out (the top bar's button, or "logout" on the bus from the account page, where it is on phones) revokes
// the token on the server (every token of the user: all devices) before the local session is forgotten; if the
// server cannot be reached the local session ends all the same.
const LOGOUT_TIMEOUT_MS = 5000;
const logoutButton = document.getElementById("logout");
let loggingOut = false;
async function logOut() {
  if (loggingOut || !session.getSession()) return;
  loggingOut = true;
  logoutButton.disabled = true;
  const bearer = session.token();
  // The server closes this user's sockets (4401/4001) as it revokes the token: that is this logout, not a session ending.
  socket.stop();
  if (bearer) {
    try {
      await api.post("/api/auth/logout", undefined, {
        auth: false, headers: { Authorization: `Bearer ${bearer}` }, timeout: LOGOUT_TIMEOUT_MS,
      });
    } catch { /* already revoked, offline, server down: signed out here regardless */ }
  }
  loggingOut = false;
  logoutButton.disabled = false;
  session.signOut();
  navigate("/login");
  toast({ title: "Logged out", text: "You are signed out on every device." });
}
logoutButton.addEventListener("click", () => logOut());
bus.on("logout", () => logOut());

// ---- live events ---------------------------------------------------------------------------------------------

socket.on("price", (message) => store.applyQuote(message));

socket.on("cart.added", (message) => {
  const { item, rule } = message;
  store.noteEvent("cart", item);
  store.noteEvent("rule", rule);
  notifications.recordCartAdded(message);
  store.setCartCount(store.getCartCount() + 1, { bump: true });
  toast({
    title: "Alert fired · added to cart",
    text: notifications.cartAddedText(item, rule),
    tone: "up",
    action: location().path === "/cart" ? null : { label: "View cart", href: "#/cart" },
  });
  bus.emit("cart.added", message);
});

socket.on("rule.fired", (message) => {
  store.noteEvent("rule", message.rule);
  bus.emit("rule.fired", message);
});

socket.on("order.updated", ({ order }) => {
  store.noteEvent("order", order);
  notifications.recordOrder(order);
  const tone = order.status === "EXECUTED" ? "up" : order.status === "FAILED" ? "down" : "warn";
  if (order.status !== "PENDING") {
    toast({
      title: `Order ${order.status.toLowerCase()}`,
      text: notifications.orderText(order),
      tone,
      action: location().path === "/orders" ? null : { label: "View orders", href: "#/orders" },
    });
  }
  bus.emit("order.updated", order);
});

// Auto-trading: the pages listen on the bus; the shell speaks up when something happens elsewhere.
let killTripped = null;
socket.on("autotrader", ({ state }) => {
  if (!state) return;
  const tripped = Boolean(state.kill_switch?.tripped);
  if (tripped && killTripped !== true && location().path !== "/autotrader") {
    toast({
      title: "Kill switch tripped",
      text: `${state.kill_switch.reason ?? "The auto-trader stopped."} New buys are refused until you re-arm it.`,
      tone: "down",
      action: { label: "Open the auto-trader", href: "#/autotrader" },
    });
  }
  killTripped = tripped;
  bus.emit("autotrader", state);
});

socket.on("signal", ({ signal }) => {
  if (signal) bus.emit("signal", signal);
});

socket.on("backtest.progress", (message) => bus.emit("backtest.progress", message));

socket.on("backtest.done", ({ backtest }) => {
  if (!backtest) return;
  if (!location().path.startsWith("/backtest")) {
    const failed = backtest.status === "failed";
    const result = typeof backtest.total_return_percent === "number"
      ? ` · ${backtest.total_return_percent > 0 ? "+" : ""}${backtest.total_return_percent.toFixed(2)}%` : "";
    toast({
      title: failed ? "Backtest failed" : "Backtest finished",
      text: failed ? `${backtest.symbol ?? ""}: ${backtest.error ?? "it could not run."}` : `${backtest.symbol ?? ""}${result}`,
      tone: failed ? "down" : "up",
      action: { label: "Open it", href: `#/backtest/${encodeURIComponent(backtest.id)}` },
    });
  }
  bus.emit("backtest.done", backtest);
});

socket.on("live", ({ reconnected }) => {
  if (!reconnected) return;
  // Whatever happened while we were away: fresh quotes, cart count, missed events, and the page's own data.
  store.loadStocks({ force: true }).catch(() => {});
  store.refreshCartCount().catch(() => {});
  notifications.reconcile().catch(() => {});
  status.refresh();
  resyncCurrent();
});

// The server closed the socket for its token (4401 refused, 4001 revoked). If the session was renewed meanwhile (a
// password change) the socket starts again with the new token; otherwise the API says why: a 401 (revoked, expired)
// or a 403 (account disabled) ends the session through api.js; any other answer ends it too.
socket.on("unauthorized", (detail) => afterRenewal(() => {
  if (loggingOut || !session.getSession()) return;
  if (detail?.token && detail.token !== session.token()) {
    socket.start();
    return;
  }
  api.get("/api/auth/me").then(
    () => bus.emit("unauthorized", detail),
    (error) => { if (error.status !== 401 && error.status !== 403) bus.emit("unauthorized", detail); },
  );
}));

// ---- session lifecycle -------------------------------------------------------------------------------------------

let signedInAs = null;

/** The account's e-mail, and the administrators' links (shown to the admin role only; the server checks it anyway). */
function showUser(user) {
  const emailEl = document.getElementById("account-email");
  emailEl.textContent = user?.email ?? "";
  emailEl.title = user?.email ?? "";
  const admin = user?.role === "admin";
  for (const link of document.querySelectorAll("[data-admin-only]")) link.hidden = !admin;
}

/** The user as the server knows it now (the role may have changed since the session was stored). */
async function loadMe() {
  try {
    const me = await api.get("/api/auth/me");
    if (me?.id) session.updateUser(me);
  } catch { /* a 401 or 403 ends the session (api.js); otherwise the stored role stands until the next sign-in */ }
}

function onSignedIn(current) {
  showUser(current.user);
  if (signedInAs === current.user.id) return;
  signedInAs = current.user.id;
  document.body.classList.remove("signed-out");
  loadMe();
  notifications.useUser(current.user.id);
  store.resetUserState();
  socket.start();
  status.start();
  store.loadStocks().catch(() => {});
  store.refreshCartCount().catch(() => {});
  notifications.reconcile().then((missed) => {
    if (missed > 0) {
      toast({ title: "While you were away", text: `${missed} update${missed === 1 ? "" : "s"} — see notifications.`,
        action: { label: "Open notifications", href: "#/notifications" } });
    }
  }).catch(() => {});
  prefetchChartLibrary();
}

function onSignedOut() {
  signedInAs = null;
  killTripped = null;
  clearToasts();
  document.body.classList.add("signed-out");
  showUser(null);
  socket.stop();
  status.stop();
  store.resetUserState();
  notifications.useUser(null);
}

bus.on("session", (current) => (current ? onSignedIn(current) : onSignedOut()));

/** Runs `fn` now, or once the token change under way (a password change) has settled. */
function afterRenewal(fn) {
  const pending = session.renewal();
  if (pending) pending.then(() => fn());
  else fn();
}

// A 401 from the API (or the socket refused, confirmed by one): the token expired or was revoked. Back to log in,
// and then back to where the user was. A 403 "account disabled": signed out, and the login page says why. Either is
// ignored for a token older than the session's (renewed meanwhile) and while logging out.
let expiring = false;
let resyncTimer = null;
function endSession(detail, { disabledReason = null } = {}) {
  if (expiring || loggingOut) return;
  if (detail?.token && session.token() && detail.token !== session.token()) {
    // A request that crossed a password change: the page asks again, with the new token (once for a burst).
    clearTimeout(resyncTimer);
    resyncTimer = setTimeout(() => resyncCurrent(), 100);
    return;
  }
  expiring = true;
  const here = currentPath();
  const wasSignedIn = Boolean(session.getSession());
  session.signOut({ reason: disabledReason });
  if (disabledReason) {
    navigate("/login?disabled=1", { replace: true });
  } else {
    const next = here.startsWith("/login") || here.startsWith("/signup") ? "/" : here;
    navigate(`/login?next=${encodeURIComponent(next)}&expired=1`, { replace: true });
    if (wasSignedIn) toast({ title: "Session ended", text: "Please log in again to continue.", tone: "warn" });
  }
  setTimeout(() => { expiring = false; }, 500);
}

bus.on("unauthorized", (detail) => afterRenewal(() => endSession(detail)));
bus.on("disabled", (detail) => afterRenewal(() => endSession(detail,
  { disabledReason: detail?.reason || "This account has been disabled by an administrator." })));

// ---- go ------------------------------------------------------------------------------------------------------

const initial = session.getSession();
if (initial) onSignedIn(initial);
startRouter(document.getElementById("main"), { guard, onChange: markNav });

// The StockCart web app: wires the session, the live socket, the shared stores, the notifications and the router
// together, and owns the shell (navigation, badges, connection indicator, toasts for live events).

import { bus } from "./events.js";
import * as session from "./session.js";
import * as store from "./store.js";
import * as notifications from "./notifications.js";
import { socket } from "./ws.js";
import { route, start as startRouter, navigate, currentPath, resyncCurrent, location, safeNext } from "./router.js";
import { initTheme } from "./theme.js";
import { toast, clearToasts } from "./toast.js";
import { inr } from "./format.js";
import { prefetchChartLibrary } from "./chart.js";

import * as authPage from "./pages/auth.js";
import * as marketPage from "./pages/market.js";
import * as stockPage from "./pages/stock.js";
import * as rulesPage from "./pages/rules.js";
import * as cartPage from "./pages/cart.js";
import * as ordersPage from "./pages/orders.js";
import * as portfolioPage from "./pages/portfolio.js";
import * as notificationsPage from "./pages/notifications.js";

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

const NAV_FOR_ROUTE = { market: "market", stock: "market", rules: "rules", cart: "cart", orders: "orders",
  portfolio: "portfolio", notifications: "notifications" };

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
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === current) link.setAttribute("aria-current", "page");
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

function showConnection(state) {
  const [label, description] = CONN_TEXT[state] ?? CONN_TEXT.idle;
  connEl.dataset.state = state;
  document.body.dataset.conn = state;
  connEl.querySelector(".conn-label").textContent = label;
  connEl.setAttribute("aria-label", description);
  connEl.title = state === "offline" || state === "reconnecting" ? "Select to retry now" : description;
}
connEl.addEventListener("click", () => socket.reconnectNow());
socket.on("state", showConnection);
showConnection(socket.state);

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
document.getElementById("logout").addEventListener("click", () => {
  session.signOut();
  navigate("/login");
  toast({ title: "Logged out", text: "See you soon." });
});

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

socket.on("live", ({ reconnected }) => {
  if (!reconnected) return;
  // Whatever happened while we were away: fresh quotes, cart count, missed events, and the page's own data.
  store.loadStocks({ force: true }).catch(() => {});
  store.refreshCartCount().catch(() => {});
  notifications.reconcile().catch(() => {});
  resyncCurrent();
});

socket.on("unauthorized", () => bus.emit("unauthorized"));

// ---- session lifecycle -------------------------------------------------------------------------------------------

let signedInAs = null;

function onSignedIn(current) {
  if (signedInAs === current.user.id) return;
  signedInAs = current.user.id;
  document.body.classList.remove("signed-out");
  document.getElementById("account-email").textContent = current.user.email;
  document.getElementById("account-email").title = current.user.email;
  notifications.useUser(current.user.id);
  store.resetUserState();
  socket.start();
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
  clearToasts();
  document.body.classList.add("signed-out");
  document.getElementById("account-email").textContent = "";
  socket.stop();
  store.resetUserState();
  notifications.useUser(null);
}

bus.on("session", (current) => (current ? onSignedIn(current) : onSignedOut()));

// A 401 from the API or a 4401 from the socket: the token expired or was revoked. Back to log in, and then back
// to where the user was.
let expiring = false;
bus.on("unauthorized", () => {
  if (expiring) return;
  expiring = true;
  const here = currentPath();
  const wasSignedIn = Boolean(session.getSession());
  session.signOut();
  const next = here.startsWith("/login") || here.startsWith("/signup") ? "/" : here;
  navigate(`/login?next=${encodeURIComponent(next)}&expired=1`, { replace: true });
  if (wasSignedIn) toast({ title: "Session ended", text: "Please log in again to continue.", tone: "warn" });
  setTimeout(() => { expiring = false; }, 500);
});

// ---- go ------------------------------------------------------------------------------------------------------

const initial = session.getSession();
if (initial) onSignedIn(initial);
startRouter(document.getElementById("main"), { guard, onChange: markNav });

// Hash routes (#/stock/RELIANCE), so the server needs no single-page fallback and a reload lands on the same page.
//
// A route table maps patterns to page modules. Each page exports `mount(root, ctx)` and returns an object with an
// optional `unmount()` (and optional `resync()`, called after the live connection comes back). ctx carries the
// route params, the query and an AbortSignal that fires when the page is left.

const routes = [];
let current = null; // {route, page, controller, path}
let guard = null;
let onChange = null;

/** route("/stock/:symbol", page, {public: true, name: "stock"}) */
export function route(pattern, page, { isPublic = false, name } = {}) {
  const keys = [];
  const regex = new RegExp("^" + pattern.replace(/\/:(\w+)/g, (_m, key) => {
    keys.push(key);
    return "/([^/]+)";
  }) + "/?$");
  routes.push({ pattern, regex, keys, page, isPublic, name: name ?? pattern });
}

/** The current location as {path, query} ("#/login?next=%2Fcart" → {"/login", {next: "/cart"}}). */
export function location() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = hash.split("?");
  return { path: path || "/", query: Object.fromEntries(new URLSearchParams(search)), full: hash };
}

export function navigate(path, { replace = false } = {}) {
  const target = "#" + (path.startsWith("/") ? path : "/" + path);
  if (window.location.hash === target) {
    render(); // same route: re-render (e.g. after login to the same "next")
    return;
  }
  if (replace) {
    window.history.replaceState(null, "", target);
    render();
  } else {
    window.location.hash = target;
  }
}

/**
 * start(root, {guard, onChange}): guard(route, location) returns a path to redirect to (or null), e.g. to log in
 * first; onChange(route) lets the shell mark the current navigation item.
 */
export function start(root, options = {}) {
  guard = options.guard ?? null;
  onChange = options.onChange ?? null;
  window.addEventListener("hashchange", () => render(root));
  render(root);
}

let rootEl = null;

export function render(root = rootEl) {
  rootEl = root;
  const loc = location();
  let match = null;
  let params = {};
  for (const candidate of routes) {
    const m = candidate.regex.exec(loc.path);
    if (m) {
      match = candidate;
      params = Object.fromEntries(candidate.keys.map((key, i) => [key, safeDecode(m[i + 1])]));
      break;
    }
  }
  if (!match) {
    navigate("/", { replace: true });
    return;
  }
  const redirect = guard?.(match, loc);
  if (redirect) {
    navigate(redirect, { replace: true });
    return;
  }

  const previous = current;
  if (previous) {
    previous.controller.abort();
    try {
      previous.instance?.unmount?.();
    } catch (error) {
      console.warn("page unmount failed", error);
    }
  }
  const controller = new AbortController();
  root.replaceChildren();
  root.removeAttribute("aria-busy");
  const samePage = previous && previous.route === match;
  current = { route: match, controller, instance: null, path: loc.full };
  onChange?.(match, loc);
  const instance = match.page.mount(root, { params, query: loc.query, signal: controller.signal, path: loc.full });
  current.instance = instance ?? null;
  if (!samePage) {
    window.scrollTo(0, 0);
    // Move focus to the new page for keyboard and screen-reader users (not on the first load).
    if (previous) root.focus({ preventScroll: true });
  }
}

/** Calls the current page's resync() (after a reconnect). */
export function resyncCurrent() {
  try {
    current?.instance?.resync?.();
  } catch (error) {
    console.warn("page resync failed", error);
  }
}

/** The current route's full hash path, for "come back here after logging in". */
export function currentPath() {
  return location().full;
}

function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Only in-app paths are followed after logging in (never another site, never back to a login page). */
export function safeNext(next) {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//")) return "/";
  if (next.startsWith("/login") || next.startsWith("/signup")) return "/";
  return next;
}

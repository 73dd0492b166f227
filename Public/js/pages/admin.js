// Administration, for the admin role (the server refuses everyone else with 403 "administrators only", which this
// page shows as such): the system's health (GET /api/admin/health) with Refresh; the cluster (GET /api/cluster: alone
// or sharing the symbols, each live instance with its start, last heartbeat and symbols, and any symbol no instance
// runs) with a Refresh of its own; the users (GET /api/admin/users,
// oldest first, "Load more" pages on with next_after), each with Disable (after a confirmation that starts on "Keep
// it") or Enable, and the server's refusal (say 409, one's own account) in a toast; the audit log
// (GET /api/admin/audit, newest first) filtered by user (id or e-mail), action (exact, or a prefix ending in `*`)
// and a period typed in IST, with "Load more". Times are shown in IST, as everywhere else.

import * as api from "../api.js";
import * as session from "../session.js";
import { h, replace, setText, field, setFieldError, loadFailed, emptyState } from "../dom.js";
import { int, whenIST, dateIST, timeIST, ago } from "../format.js";
import { confirmDialog } from "../dialog.js";
import { toast, toastError } from "../toast.js";

const USERS_PAGE = 100;
const AUDIT_PAGE = 100;
const FEED_NAME = { simulated: "Simulated prices", angelone: "Angel One" };
const FILTERS = ["user", "action", "from", "to"];

// The audit filters are kept while the tab lives, as the performance page keeps its period.
let lastFilters = { user: "", action: "", from: "", to: "" };

/** 93784 → "1 d 2 h", 4500 → "1 h 15 min", 75 → "1 min", 12 → "12 s". */
function duration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min`;
  return `${s} s`;
}

/** How long ago a heartbeat was, to the second while it is recent ("3 s ago"), else as `ago` says it. */
function heartbeatAge(value) {
  const at = Date.parse(value ?? "");
  if (!Number.isFinite(at)) return null;
  const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
  return seconds < 60 ? `${seconds} s ago` : ago(value);
}

function milliseconds(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return `${value < 10 ? value.toFixed(1) : int(value)} ms`;
}

/**
 * A datetime-local value ("2026-05-04T09:30", typed in IST) as ISO-8601 with the IST offset; `to` takes in the whole
 * minute shown ("…T09:30:59+05:30"). "" for an empty input, null when it is not a date-time.
 */
function istDateTime(value, { endOfMinute = false } = {}) {
  const text = String(value ?? "").trim();
  if (!text) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(text);
  if (!m) return null;
  return `${m[1]}T${m[2]}${m[3] ?? (endOfMinute ? ":59" : ":00")}+05:30`;
}

export function mount(root, { signal }) {
  document.title = "Administration · StockCart";
  const me = session.user();
  let users = [];
  let usersNext = null;
  let entries = [];
  let auditNext = null;
  let applied = { ...lastFilters };
  let auditRequest = null;
  let denied = false;

  // ---- layout -------------------------------------------------------------------------------------------------
  const checkedEl = h("span.page-sub", { dataset: { testid: "health-checked" } });
  const statusBadge = h("span.badge", { hidden: true, dataset: { testid: "health-status" } });
  const refreshButton = h("button.btn.btn-sm.card-head-link", { type: "button", text: "Refresh",
    dataset: { testid: "health-refresh" }, on: { click: () => loadHealth() } });
  const healthBody = h("div.card-body", null, h("div.loading", null, h("span.spinner"), "Checking the system…"));
  const healthCard = h("div.card.admin-health", { dataset: { testid: "health" } },
    h("div.card-head", null, h("h2", { text: "System health" }), statusBadge, refreshButton),
    healthBody);

  const clusterBadge = h("span.badge", { hidden: true, dataset: { testid: "cluster-mode" } });
  const clusterRefresh = h("button.btn.btn-sm.card-head-link", { type: "button", text: "Refresh",
    attrs: { "aria-label": "Refresh the cluster" }, dataset: { testid: "cluster-refresh" },
    on: { click: () => loadCluster() } });
  const clusterBody = h("div.card-body", null, h("div.loading", null, h("span.spinner"), "Reading the instances…"));
  const clusterCard = h("div.card.admin-cluster", { dataset: { testid: "cluster-card" } },
    h("div.card-head", null, h("h2", { text: "Cluster" }), clusterBadge, clusterRefresh),
    clusterBody);

  const usersCount = h("span.page-sub");
  const usersTbody = h("tbody");
  const usersTable = h("table.table.users-table.stack-sm", { attrs: { "aria-label": "Users" }, dataset: { testid: "users-table" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "E-mail" }),
      h("th", { scope: "col", text: "Role" }),
      h("th.hide-sm", { scope: "col", text: "Created" }),
      h("th", { scope: "col", text: "Status" }),
      h("th.actions", { scope: "col" }, h("span.visually-hidden", { text: "Actions" })))),
    usersTbody);
  const usersBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading users…"));
  const usersMore = h("button.btn.btn-sm", { type: "button", text: "Load more", dataset: { testid: "users-more" },
    on: { click: () => loadUsers({ more: true }) } });
  const usersFoot = h("div.card-foot", { hidden: true }, usersMore);
  const usersCard = h("div.card.admin-users", null,
    h("div.card-head", null, h("h2", { text: "Users" }), usersCount),
    usersBody,
    usersFoot);

  const inputs = {
    user: field({ label: "User", name: "user", placeholder: "id or e-mail", autocomplete: "off" }),
    action: field({ label: "Action", name: "action", placeholder: "auth.*", autocomplete: "off",
      hint: "Exact, or a prefix ending in *" }),
    from: field({ label: "From (IST)", name: "from", type: "datetime-local" }),
    to: field({ label: "To (IST)", name: "to", type: "datetime-local" }),
  };
  for (const name of FILTERS) {
    inputs[name].input.value = lastFilters[name];
    inputs[name].input.spellcheck = false;
    inputs[name].input.setAttribute("autocapitalize", "off");
  }
  const auditError = h("div.form-error", { attrs: { role: "alert" }, dataset: { testid: "audit-error" } });
  const applyButton = h("button.btn.btn-primary", { type: "submit", text: "Apply", dataset: { testid: "audit-apply" } });
  const clearButton = h("button.btn", { type: "button", text: "Clear", dataset: { testid: "audit-clear" },
    on: { click: () => clearFilters() } });
  const auditForm = h("form.audit-filters", { noValidate: true, attrs: { "aria-label": "Filter the audit log" },
    dataset: { testid: "audit-form" } },
    FILTERS.map((name) => inputs[name].field),
    h("div.audit-buttons", null, applyButton, clearButton));
  auditForm.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });

  const auditCount = h("span.page-sub");
  const auditTbody = h("tbody");
  const auditTable = h("table.table.audit-table.stack-sm", { attrs: { "aria-label": "Audit log" }, dataset: { testid: "audit-table" } },
    h("thead", null, h("tr", null,
      h("th", { scope: "col", text: "Time (IST)" }),
      h("th", { scope: "col", text: "User" }),
      h("th", { scope: "col", text: "Action" }),
      h("th", { scope: "col", text: "Detail" }),
      h("th", { scope: "col", text: "IP" }))),
    auditTbody);
  const auditBody = h("div.card-content", null, h("div.loading", null, h("span.spinner"), "Loading the audit log…"));
  const auditMore = h("button.btn.btn-sm", { type: "button", text: "Load more", dataset: { testid: "audit-more" },
    on: { click: () => loadAudit({ more: true }) } });
  const auditFoot = h("div.card-foot", { hidden: true }, auditMore);
  const auditCard = h("div.card.admin-audit", null,
    h("div.card-head", null, h("h2", { text: "Audit log" }), auditCount),
    h("div.card-body", null, auditForm, auditError),
    auditBody,
    auditFoot);

  const content = h("div.admin-content", null, healthCard, clusterCard, usersCard, auditCard);
  root.append(h("section.page.admin", null,
    h("div.page-head", null, h("h1", { text: "Administration" }), checkedEl),
    content));

  /** A 403 for this page: the user is not an administrator (any more). */
  function showDenied(error) {
    denied = true;
    replace(content, emptyState({
      card: true,
      title: "Administrators only",
      text: `${error.reason ?? "Administrators only."} This page is for StockCart's administrators.`,
      link: { href: "#/", text: "Back to the market" },
    }));
    content.firstElementChild.dataset.testid = "admin-denied";
    setText(checkedEl, "");
  }

  function isDenied(error) {
    return error?.status === 403;
  }

  // ---- health -------------------------------------------------------------------------------------------------
  async function loadHealth() {
    refreshButton.disabled = true;
    healthCard.setAttribute("aria-busy", "true");
    try {
      const health = await api.get("/api/admin/health", { signal });
      if (signal.aborted) return;
      renderHealth(health);
      return true;
    } catch (error) {
      if (signal.aborted || error.status === 401) return false;
      if (isDenied(error)) {
        showDenied(error);
        return false;
      }
      statusBadge.hidden = true;
      replace(healthBody, loadFailed("the system's health", error, () => loadHealth()));
      return true;
    } finally {
      refreshButton.disabled = false;
      healthCard.removeAttribute("aria-busy");
    }
  }

  function fact(label, testid, value, { sub = null, tone = "" } = {}) {
    return h("div", { dataset: { testid } },
      h("dt", { text: label }),
      h(`dd${tone ? "." + tone : ""}`, null, value, sub ? h("span.muted", { text: ` · ${sub}` }) : null));
  }

  function renderHealth(health) {
    const ok = health.status === "ok";
    const statusText = ok ? "OK" : health.status === "degraded" ? "Degraded" : String(health.status ?? "Unknown");
    statusBadge.className = `badge badge-dot ${ok ? "badge-up" : "badge-warn"}`;
    statusBadge.dataset.status = health.status ?? "";
    setText(statusBadge, statusText);
    statusBadge.hidden = false;
    setText(checkedEl, `checked ${timeIST(new Date())} IST`);

    const db = health.database ?? {};
    const feed = health.feed ?? {};
    const database = fact("Database", "health-database", db.ok ? "OK" : "Failing",
      { sub: milliseconds(db.latency_ms), tone: db.ok ? "up" : "down" });
    database.dataset.ok = String(Boolean(db.ok));
    const feedFact = fact("Market feed", "health-feed", `${FEED_NAME[feed.name] ?? feed.name ?? "—"}, ${feed.state ?? "unknown"}`,
      { sub: feed.market_open ? "market open" : "market closed" });
    feedFact.dataset.state = feed.state ?? "";
    const admins = health.admins ?? 0;
    const disabled = health.disabled_users ?? 0;
    replace(healthBody, h("dl.admin-facts", null,
      fact("Status", "health-status-text", statusText, { tone: ok ? "up" : "warn-text" }),
      fact("Instance", "health-instance", health.instance ?? "—"),
      fact("Up for", "health-uptime", duration(health.uptime_seconds),
        { sub: health.started_at ? `since ${whenIST(health.started_at)} IST` : null }),
      database,
      feedFact,
      fact("Last tick", "health-last-tick", feed.last_tick_at ? `${timeIST(feed.last_tick_at)} IST` : "—",
        { sub: feed.last_tick_at ? ago(feed.last_tick_at) : null }),
      fact("Open sockets", "health-sockets", int(health.open_sockets)),
      fact("Rules watched", "health-rules", int(health.rules_watched)),
      fact("Users", "health-users", int(health.users),
        { sub: `${int(admins)} admin${admins === 1 ? "" : "s"}, ${int(disabled)} disabled` }),
      fact("Auto-traders running", "health-autotraders", int(health.autotraders_running))));
  }

  // ---- cluster ------------------------------------------------------------------------------------------------
  async function loadCluster() {
    clusterRefresh.disabled = true;
    clusterCard.setAttribute("aria-busy", "true");
    try {
      const cluster = await api.get("/api/cluster", { signal });
      if (signal.aborted || denied) return;
      renderCluster(cluster);
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (isDenied(error)) {
        showDenied(error);
        return;
      }
      clusterBadge.hidden = true;
      delete clusterCard.dataset.clustered;
      replace(clusterBody, loadFailed("the cluster", error, () => loadCluster()));
    } finally {
      clusterRefresh.disabled = false;
      clusterCard.removeAttribute("aria-busy");
    }
  }

  /** Symbols as wrapped chips, each a link to its stock page. */
  function symbolChips(symbols, label) {
    return h("ul.cluster-chips", { attrs: { "aria-label": label } },
      symbols.map((symbol) => h("li", null,
        h("a.cluster-chip", { href: `#/stock/${encodeURIComponent(symbol)}`, text: symbol }))));
  }

  function renderCluster(cluster) {
    const clustered = cluster?.clustered === true;
    const instances = Array.isArray(cluster?.instances) ? cluster.instances : [];
    const unowned = Array.isArray(cluster?.unowned) ? cluster.unowned : [];
    const owned = instances.reduce((sum, i) => sum + (Array.isArray(i.symbols) ? i.symbols.length : 0), 0);
    const plural = (n, word) => `${int(n)} ${word}${n === 1 ? "" : "s"}`;

    clusterCard.dataset.clustered = String(clustered);
    clusterBadge.className = clustered ? `badge badge-dot ${unowned.length ? "badge-warn" : "badge-up"}` : "badge";
    setText(clusterBadge, clustered ? plural(instances.length, "instance") : "Alone");
    clusterBadge.hidden = false;

    const symbolsFact = fact("Symbols run", "cluster-symbols", int(owned),
      { sub: unowned.length ? `${int(unowned.length)} unowned` : null, tone: unowned.length ? "warn-text" : "" });
    const facts = h("dl.admin-facts", null,
      fact("Clustered", "cluster-clustered", clustered ? "Yes" : "No",
        { sub: clustered ? "symbols shared through leases" : "this instance runs every symbol" }),
      fact("Instances", "cluster-count", int(instances.length)),
      symbolsFact,
      clustered ? fact("Lease", "cluster-lease", `${cluster.lease_seconds ?? "—"} s`) : null);

    const unownedBlock = unowned.length
      ? h("div.cluster-unowned", { attrs: { role: "status" }, dataset: { testid: "cluster-unowned" } },
        h("p", null, h("strong", { text: `${plural(unowned.length, "symbol")} without an instance` }),
          h("span.muted", { text: " · nothing is matched on them until an instance takes them over" })),
        symbolChips(unowned, "Symbols no instance runs"))
      : null;

    const list = instances.length
      ? h("ul.cluster-instances", { attrs: { "aria-label": "Instances" } }, instances.map(instanceItem))
      : emptyState({ title: "No live instance",
        text: "No instance has renewed its heartbeat in the last few seconds." });
    replace(clusterBody, facts, unownedBlock, list);
  }

  function instanceItem(instance) {
    const symbols = Array.isArray(instance.symbols) ? instance.symbols : [];
    const name = instance.name || instance.id || "—";
    const age = heartbeatAge(instance.heartbeat_at);
    return h("li.cluster-instance", {
      dataset: { testid: "cluster-instance", instanceId: instance.id ?? "", this: String(instance.this === true),
        symbols: String(symbols.length) },
    },
      h("div.cluster-instance-head", null,
        h("span.cluster-instance-name", { text: name, title: instance.id ?? "" }),
        instance.this
          ? h("span.badge.badge-accent", { text: "This instance", dataset: { testid: "cluster-this" } })
          : null),
      h("dl.cluster-instance-facts", null,
        h("div", null, h("dt", { text: "Started" }),
          h("dd", { text: instance.started_at ? `${whenIST(instance.started_at)} IST` : "—" })),
        h("div", null, h("dt", { text: "Last heartbeat" }),
          h("dd", null, instance.heartbeat_at ? `${timeIST(instance.heartbeat_at)} IST` : "—",
            age ? h("span.muted", { text: ` · ${age}` }) : null)),
        h("div", null, h("dt", { text: "Symbols" }), h("dd", { text: int(symbols.length) }))),
      symbols.length
        ? h("details.cluster-symbols", null,
          h("summary", { text: `Show its ${symbols.length === 1 ? "symbol" : `${int(symbols.length)} symbols`}` }),
          symbolChips(symbols, `Symbols run by ${name}`))
        : h("p.muted.cluster-none", { text: "No symbols right now." }));
  }

  // ---- users --------------------------------------------------------------------------------------------------
  async function loadUsers({ more = false } = {}) {
    if (more && !usersNext) return;
    usersMore.disabled = true;
    try {
      const params = new URLSearchParams({ limit: String(USERS_PAGE) });
      if (more) params.set("after", usersNext);
      const data = await api.get(`/api/admin/users?${params}`, { signal });
      if (signal.aborted) return;
      const page = Array.isArray(data?.users) ? data.users : [];
      if (more) {
        const known = new Set(users.map((u) => u.id));
        users.push(...page.filter((u) => !known.has(u.id)));
      } else {
        users = page;
      }
      usersNext = data?.next_after ?? null;
      renderUsers();
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (isDenied(error)) showDenied(error);
      else if (more) toastError(error, "Could not load more users");
      else replace(usersBody, loadFailed("the users", error, () => loadUsers()));
    } finally {
      usersMore.disabled = false;
    }
  }

  function renderUsers() {
    if (denied) return;
    usersFoot.hidden = !usersNext;
    setText(usersCount, users.length ? `${int(users.length)}${usersNext ? "+" : ""}` : "");
    if (!users.length) {
      replace(usersBody, emptyState({ title: "No users yet" }));
      return;
    }
    replace(usersTbody, users.map(userRow));
    if (!usersBody.contains(usersTable)) replace(usersBody, h("div.table-wrap", null, usersTable));
  }

  function userRow(user) {
    const self = user.id === me?.id;
    const admin = user.role === "admin";
    const toggle = h(`button.btn.btn-sm${user.disabled ? "" : ".btn-danger"}`, {
      type: "button",
      text: user.disabled ? "Enable" : "Disable",
      dataset: { testid: "user-toggle", action: user.disabled ? "enable" : "disable" },
      attrs: { "aria-label": `${user.disabled ? "Enable" : "Disable"} ${user.email}` },
    });
    toggle.addEventListener("click", () => setDisabled(user, !user.disabled, toggle));
    return h("tr", { dataset: { userId: user.id, email: user.email, role: user.role ?? "", disabled: String(Boolean(user.disabled)) } },
      h("td.c-email", null, h("div.sym", null,
        h("span.sym-line", null,
          h("span.admin-email", { text: user.email }),
          self ? h("span.badge.badge-accent", { text: "You" }) : null),
        h("span.sym-sub.show-sm", { text: user.created_at ? `Joined ${dateIST(user.created_at)}` : "" }))),
      h("td.c-role", null, h(`span.badge${admin ? ".badge-accent" : ""}`, { text: admin ? "Admin" : "User", dataset: { testid: "user-role" } })),
      h("td.hide-sm.nowrap.c-created", { text: user.created_at ? dateIST(user.created_at) : "—" }),
      h("td.c-status", null, h(`span.badge.badge-dot.${user.disabled ? "badge-down" : "badge-up"}`, {
        text: user.disabled ? "Disabled" : "Active",
        title: user.disabled && user.disabled_at ? `Disabled ${dateIST(user.disabled_at, { withTime: true })} IST` : "",
        dataset: { testid: "user-status" },
      })),
      h("td.actions.c-actions", null, toggle));
  }

  async function setDisabled(user, disable, button) {
    if (button.disabled) return;
    if (disable) {
      const ok = await confirmDialog({
        title: "Disable this account?",
        text: `${user.email} is signed out on every device at once and cannot log in until an administrator enables `
          + "the account again. Their data stays.",
        confirmLabel: "Disable",
        cancelLabel: "Keep it",
        kind: "sell",
      });
      if (!ok || signal.aborted) return;
    }
    button.disabled = true;
    try {
      const updated = await api.post(`/api/admin/users/${api.enc(user.id)}/${disable ? "disable" : "enable"}`, {}, { signal });
      if (signal.aborted) return;
      const index = users.findIndex((u) => u.id === user.id);
      if (index >= 0) users[index] = { ...user, ...updated };
      renderUsers();
      usersTbody.querySelector(`tr[data-user-id="${CSS.escape(user.id)}"] [data-testid="user-toggle"]`)?.focus();
      toast({ title: disable ? "Account disabled" : "Account enabled",
        text: disable ? `${user.email} was signed out everywhere.` : `${user.email} can log in again.`,
        tone: disable ? "warn" : "up" });
      loadHealth(); // its count of disabled users
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      button.disabled = false;
      if (isDenied(error) && error.reason && /administrators only/i.test(error.reason)) {
        showDenied(error);
        return;
      }
      toastError(error, disable ? "Could not disable the account" : "Could not enable the account");
      if (error.status === 404) loadUsers();
    }
  }

  // ---- audit log ----------------------------------------------------------------------------------------------
  function readFilters() {
    const values = Object.fromEntries(FILTERS.map((name) => [name, inputs[name].input.value.trim()]));
    let problem = null;
    const from = istDateTime(values.from);
    const to = istDateTime(values.to, { endOfMinute: true });
    if (from === null) problem = ["from", "Enter a date and time."];
    else if (to === null) problem = ["to", "Enter a date and time."];
    else if (from && to && from > to) problem = ["to", "The end must not be before the start."];
    return { values, problem };
  }

  function clearFieldErrors() {
    for (const name of FILTERS) setFieldError(inputs[name].input, "");
    setText(auditError, "");
  }

  function applyFilters() {
    clearFieldErrors();
    const { values, problem } = readFilters();
    if (problem) {
      setFieldError(inputs[problem[0]].input, problem[1]);
      inputs[problem[0]].input.focus();
      return;
    }
    applied = values;
    lastFilters = { ...values };
    loadAudit();
  }

  function clearFilters() {
    for (const name of FILTERS) inputs[name].input.value = "";
    applyFilters();
  }

  function auditQuery(filters) {
    const params = new URLSearchParams({ limit: String(AUDIT_PAGE) });
    if (filters.user) params.set("user", filters.user);
    if (filters.action) params.set("action", filters.action);
    const from = istDateTime(filters.from);
    const to = istDateTime(filters.to, { endOfMinute: true });
    if (from) params.set("from", from);
    if (to) params.set("to", to);
    return params;
  }

  async function loadAudit({ more = false } = {}) {
    if (more && !auditNext) return;
    auditRequest?.abort();
    const controller = new AbortController();
    auditRequest = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    const filters = applied;
    auditMore.disabled = true;
    applyButton.disabled = !more;
    auditBody.setAttribute("aria-busy", "true");
    try {
      const params = auditQuery(filters);
      if (more) params.set("after", auditNext);
      const data = await api.get(`/api/admin/audit?${params}`, { signal: controller.signal });
      if (controller.signal.aborted) return;
      const page = Array.isArray(data?.entries) ? data.entries : [];
      if (more) {
        const known = new Set(entries.map((e) => e.id));
        entries.push(...page.filter((e) => !known.has(e.id)));
      } else {
        entries = page;
      }
      auditNext = data?.next_after ?? null;
      renderAudit();
    } catch (error) {
      if (controller.signal.aborted || error.status === 401) return;
      if (isDenied(error)) {
        showDenied(error);
        return;
      }
      const input = inputs[error.field]?.input;
      if (input && error.status >= 400 && error.status < 500) {
        setFieldError(input, error.reason);
        input.focus();
      } else if (more) {
        toastError(error, "Could not load more of the audit log");
      } else if (!entries.length) {
        replace(auditBody, loadFailed("the audit log", error, () => loadAudit()));
      } else {
        setText(auditError, error.reason ?? "Could not load the audit log.");
      }
    } finally {
      if (auditRequest === controller) {
        auditMore.disabled = false;
        applyButton.disabled = false;
        auditBody.removeAttribute("aria-busy");
      }
    }
  }

  function renderAudit() {
    if (denied) return;
    auditFoot.hidden = !auditNext;
    const filtered = FILTERS.some((name) => applied[name]);
    setText(auditCount, entries.length ? `${int(entries.length)}${auditNext ? "+" : ""} entr${entries.length === 1 ? "y" : "ies"}` : "");
    if (!entries.length) {
      replace(auditBody, emptyState({
        title: filtered ? "Nothing matches" : "No entries yet",
        text: filtered ? "No audit entry matches these filters." : "Sign-ins, refusals and administrators' actions are listed here.",
      }));
      auditBody.firstElementChild.dataset.testid = "audit-empty";
      return;
    }
    replace(auditTbody, entries.map(auditRow));
    if (!auditBody.contains(auditTable)) replace(auditBody, h("div.table-wrap", null, auditTable));
  }

  function auditRow(entry) {
    const when = entry.at ? `${dateIST(entry.at, { withTime: true })}:${timeIST(entry.at).slice(6)} IST` : "";
    return h("tr", { dataset: { entryId: entry.id, action: entry.action ?? "", userId: entry.user_id ?? "", email: entry.email ?? "" } },
      h("td.c-time.nowrap", { title: [when, entry.request_id ? `request ${entry.request_id}` : ""].filter(Boolean).join(" · ") },
        h("time", { text: whenIST(entry.at), attrs: { datetime: entry.at ?? null } })),
      h("td.c-user", null, entry.email
        ? h("span.admin-email", { text: entry.email, title: entry.user_id ?? "" })
        : h("span.muted", { text: entry.user_id ? entry.user_id : "—" })),
      h("td.c-action", null, h("code.audit-action", { text: entry.action ?? "" })),
      h("td.c-detail", null,
        entry.detail ? h("span.audit-detail", { text: entry.detail }) : h("span.muted", { text: "—" }),
        entry.entity_id ? h("span.cell-sub.muted.audit-entity", { text: entry.entity_id }) : null),
      h("td.c-ip.nowrap", null, entry.ip ? h("span", { text: entry.ip }) : h("span.muted", { text: "—" })));
  }

  // ---- load -----------------------------------------------------------------------------------------------------
  async function load() {
    // Health first: its 403 says at once that this user is not an administrator (one refusal, not three).
    const allowed = await loadHealth();
    if (!allowed || signal.aborted || denied) return;
    loadCluster();
    loadUsers();
    loadAudit();
  }

  load();
  return {
    unmount() { auditRequest?.abort(); },
    resync: () => {
      if (denied) return;
      loadHealth();
      loadCluster();
    },
  };
}

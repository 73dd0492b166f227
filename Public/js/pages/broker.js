// The user's broker account (Angel One). With none connected: a form for the API key, client code, PIN and TOTP
// secret (PUT /api/broker), with the API's refusals next to the field they name. With one: its state (coloured),
// since when, when the session expires, the broker's last error, Reconnect, Disconnect (after confirming), new
// credentials, and the way to the reconciliation page.
//
// The PIN and the TOTP secret are password fields; they are sent once and never shown, stored or kept in the page
// after the answer (the server never sends them back either). Every answer is handed to the shell (status.js), so
// the reconnect banner follows at once.

import * as api from "../api.js";
import * as status from "../status.js";
import { h, replace, setText, field, setFieldError, loadFailed } from "../dom.js";
import { whenIST, ago } from "../format.js";
import { confirmDialog } from "../dialog.js";
import { toast } from "../toast.js";

const BROKER_TIMEOUT_MS = 35000; // a login answers within 10 s, or says "connecting"; leave room for a slow broker
const POLL_CONNECTING_MS = 2000;

/** Each state's words and colour (badge tone; the card's edge takes the same colour). */
export const BROKER_STATES = {
  connected: { label: "Connected", tone: "badge-up", text: "Logged in at Angel One: orders can be placed." },
  connecting: { label: "Connecting", tone: "badge-warn badge-pulse", text: "Logging in at Angel One…" },
  reconnect_needed: { label: "Reconnect needed", tone: "badge-down",
    text: "Angel One refused the login, or the stored credentials cannot be opened. Reconnect, or enter your credentials again." },
  disconnected: { label: "Disconnected", tone: "badge-plain", text: "Not logged in at Angel One yet." },
};

const FIELDS = ["api_key", "client_code", "pin", "totp_secret"];

export function mount(root, { signal }) {
  document.title = "Broker · StockCart";
  let account = null;
  let pollTimer = null;
  let busy = false;

  const content = h("div.broker-content", null, h("div.loading", null, h("span.spinner"), "Loading your broker account…"));
  root.append(h("section.page.broker", null,
    h("div.page-head", null, h("h1", { text: "Broker account" }), h("span.page-sub", { text: "Angel One SmartAPI" })),
    content));

  // ---- the form (connect, or new credentials for the account connected) ---------------------------------------
  function connectForm({ clientCode = "", replacing = false, onCancel = null } = {}) {
    const inputs = {
      api_key: field({ label: "API key", name: "api_key", autocomplete: "off",
        hint: "The key of your SmartAPI app." }),
      client_code: field({ label: "Client code", name: "client_code", autocomplete: "off", value: clientCode,
        hint: "Your Angel One client ID: letters and digits." }),
      pin: field({ label: "PIN", name: "pin", type: "password", autocomplete: "off", inputmode: "numeric",
        hint: "4 to 8 digits." }),
      totp_secret: field({ label: "TOTP secret", name: "totp_secret", type: "password", autocomplete: "off",
        hint: "The base32 secret behind the TOTP QR code (letters A–Z and digits 2–7), not a 6-digit code." }),
    };
    for (const { input } of Object.values(inputs)) {
      input.spellcheck = false;
      input.setAttribute("autocapitalize", "off");
    }
    inputs.client_code.input.setAttribute("autocapitalize", "characters");
    const formError = h("div.form-error", { attrs: { role: "alert" }, dataset: { testid: "broker-form-error" } });
    const submit = h("button.btn.btn-primary", { type: "submit", text: replacing ? "Save and log in" : "Connect broker" });
    const cancel = onCancel ? h("button.btn.btn-ghost", { type: "button", text: "Cancel", on: { click: onCancel } }) : null;
    const titleId = replacing ? "broker-form-title-replace" : "broker-form-title";
    const form = h("form.broker-form", { noValidate: true, attrs: { "aria-labelledby": titleId } },
      h("p.hint", { text: "StockCart logs in to Angel One with these on your behalf. They are stored encrypted on this "
        + "server and never shown again; this browser does not keep them." }),
      h("div.broker-fields", null, FIELDS.map((name) => inputs[name].field)),
      formError,
      h("div.broker-actions", null, submit, cancel));

    function clearSecrets() {
      inputs.pin.input.value = "";
      inputs.totp_secret.input.value = "";
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      setText(formError, "");
      for (const name of FIELDS) setFieldError(inputs[name].input, "");
      const body = Object.fromEntries(FIELDS.map((name) => [name, inputs[name].input.value]));
      busy = true;
      submit.disabled = true;
      replace(submit, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Logging in at Angel One…");
      try {
        const answer = await api.put("/api/broker", body, { signal, timeout: BROKER_TIMEOUT_MS });
        clearSecrets();
        busy = false;
        show(answer, { announce: replacing ? "Credentials saved" : "Broker connected" });
      } catch (error) {
        busy = false;
        if (signal.aborted) return;
        submit.disabled = false;
        submit.textContent = replacing ? "Save and log in" : "Connect broker";
        const target = inputs[error.field]?.input;
        if (target && error.status === 422) {
          setFieldError(target, error.reason);
          target.focus();
        } else {
          setText(formError, error.reason ?? "Could not connect the broker.");
        }
      }
    });
    return { form, inputs, titleId, clearSecrets };
  }

  function renderForm() {
    const { form, inputs, titleId } = connectForm();
    replace(content, h("div.card.broker-card", { dataset: { testid: "broker-connect" } },
      h("div.card-head", null, h("h2", { id: titleId, text: "Connect your Angel One account" })),
      h("div.card-body", null, form)));
    inputs.api_key.input.focus({ preventScroll: true });
  }

  // ---- the account connected ----------------------------------------------------------------------------------
  function renderAccount() {
    const meta = BROKER_STATES[account.state] ?? { label: account.state, tone: "badge-plain", text: "" };
    const actionError = h("div.form-error", { attrs: { role: "alert" } });
    const reconnect = h("button.btn", { type: "button", text: "Reconnect", on: { click: () => doReconnect(reconnect, actionError) } });
    const disconnect = h("button.btn.btn-danger", { type: "button", text: "Disconnect", on: { click: () => doDisconnect(disconnect, actionError) } });
    const replaceButton = h("button.btn.btn-ghost", { type: "button", text: "Enter new credentials" });
    const replaceSlot = h("div.broker-replace");
    replaceButton.addEventListener("click", () => {
      const { form, inputs, titleId } = connectForm({
        clientCode: account.client_code, replacing: true,
        onCancel: () => { replaceSlot.replaceChildren(); replaceButton.hidden = false; replaceButton.focus(); },
      });
      replaceButton.hidden = true;
      replace(replaceSlot, h("div.card-head.sub-head", null, h("h2", { id: titleId, text: "New credentials" })),
        h("div.card-body", null, form));
      inputs.api_key.input.focus();
    });

    const facts = h("dl.broker-facts", null,
      h("div", null, h("dt", { text: "Client code" }), h("dd", { text: account.client_code, dataset: { testid: "broker-client" } })),
      h("div", null, h("dt", { text: `${meta.label} since` }),
        h("dd", { dataset: { testid: "broker-since" } }, account.since ? `${whenIST(account.since)} IST` : "—",
          account.since ? h("span.muted", { text: ` · ${ago(account.since)}` }) : null)),
      h("div", null, h("dt", { text: "Session expires" }),
        h("dd", { dataset: { testid: "broker-expires" }, text: account.session_expires_at ? `${whenIST(account.session_expires_at)} IST` : "—" })),
      h("div", null, h("dt", { text: "Last error" }),
        account.last_error
          ? h("dd.broker-last-error", { text: account.last_error, dataset: { testid: "broker-last-error" } })
          : h("dd.muted", { text: "None", dataset: { testid: "broker-last-error" } })));

    replace(content, h(`div.card.broker-card.broker-state-${account.state}`, { dataset: { testid: "broker-account", state: account.state } },
      h("div.card-head", null,
        h("h2", { text: "Angel One" }),
        h(`span.badge.badge-dot.${meta.tone.split(" ").join(".")}`, { text: meta.label, dataset: { testid: "broker-state", state: account.state } })),
      h("div.card-body.broker-body", null,
        meta.text ? h("p.broker-state-text", { text: meta.text }) : null,
        facts,
        actionError,
        h("div.broker-actions", null, reconnect, disconnect, replaceButton),
        h("p.broker-recon", null, h("a", { href: "#/reconciliation", text: "Compare orders and holdings with Angel One" }),
          h("span.muted", { text: " — the reconciliation page lists every difference." }))),
      replaceSlot));
  }

  // ---- actions --------------------------------------------------------------------------------------------------
  function show(answer, { announce = null } = {}) {
    account = answer;
    status.noteAccount(answer);
    clearTimeout(pollTimer);
    if (!answer) {
      renderForm();
      return;
    }
    renderAccount();
    if (answer.state === "connecting") pollTimer = setTimeout(poll, POLL_CONNECTING_MS);
    if (!announce) return;
    if (answer.state === "connected") {
      toast({ title: announce, text: `Angel One · ${answer.client_code}`, tone: "up" });
    } else if (answer.state === "reconnect_needed") {
      toast({ title: "Angel One refused the login", text: answer.last_error ?? "Check your credentials and try again.", tone: "down" });
    } else if (answer.state === "connecting") {
      toast({ title: "Still logging in", text: "This page shows how it ends." });
    }
  }

  async function poll() {
    if (signal.aborted) return;
    try {
      const answer = await api.get("/api/broker", { signal });
      if (signal.aborted) return;
      const wasConnecting = account?.state === "connecting";
      show(answer, { announce: wasConnecting && answer.state !== "connecting" ? "Broker connected" : null });
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (error.status === 404) show(null);
      else pollTimer = setTimeout(poll, POLL_CONNECTING_MS * 2);
    }
  }

  function setBusy(button, label) {
    busy = Boolean(label);
    for (const b of content.querySelectorAll(".broker-actions .btn")) b.disabled = busy;
    if (label) replace(button, h("span.spinner", { attrs: { "aria-hidden": "true" } }), label);
  }

  async function doReconnect(button, errorEl) {
    if (busy) return;
    setText(errorEl, "");
    setBusy(button, "Reconnecting…");
    try {
      const answer = await api.post("/api/broker/reconnect", undefined, { signal, timeout: BROKER_TIMEOUT_MS });
      busy = false;
      show(answer, { announce: "Broker reconnected" });
    } catch (error) {
      if (signal.aborted) return;
      setBusy(null, null);
      button.textContent = "Reconnect";
      if (error.status === 404) show(null);
      else setText(errorEl, error.reason ?? "Could not reconnect.");
    }
  }

  async function doDisconnect(button, errorEl) {
    if (busy) return;
    setText(errorEl, "");
    const ok = await confirmDialog({
      title: "Disconnect your broker?",
      text: `StockCart logs out of Angel One (${account.client_code}) and deletes the stored credentials. `
        + "Orders cannot be sent to your broker until you connect again.",
      confirmLabel: "Disconnect",
      cancelLabel: "Keep it",
      kind: "sell",
    });
    if (!ok || signal.aborted) return;
    setBusy(button, "Disconnecting…");
    try {
      await api.del("/api/broker", { signal, timeout: BROKER_TIMEOUT_MS });
      busy = false;
      show(null);
      toast({ title: "Broker disconnected", text: "The stored credentials were deleted." });
    } catch (error) {
      if (signal.aborted) return;
      setBusy(null, null);
      button.textContent = "Disconnect";
      if (error.status === 404) show(null); // already gone (another tab)
      else setText(errorEl, error.reason ?? "Could not disconnect.");
    }
  }

  // ---- load -------------------------------------------------------------------------------------------------------
  async function load() {
    if (busy) return;
    try {
      show(await api.get("/api/broker", { signal }));
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      if (error.status === 404) show(null);
      else replace(content, loadFailed("your broker account", error, load, { card: true }));
    }
  }

  load();
  return {
    unmount() { clearTimeout(pollTimer); },
    // After a reconnect: the account's state may have moved on (never while credentials are being typed).
    resync: () => { if (account && !content.querySelector("form")) load(); },
  };
}

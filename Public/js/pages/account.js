// The signed-in user's account: e-mail, role (with the way to the administration for administrators), member since,
// Log out (here on phones, where the top bar has no room for it), and changing the password (POST /api/auth/password).
// The new password is checked here only for what a person can fix at once (at least 8 characters, typed the same
// twice); the server's refusals (a wrong current password, a new one too long or equal to the current one) appear
// next to the field they name. The answer is a new session: it is stored (session.renew), so this tab stays signed
// in while the server signs out every other session of the user.

import * as api from "../api.js";
import * as session from "../session.js";
import { bus } from "../events.js";
import { h, replace, setText, field, setFieldError } from "../dom.js";
import { dateIST } from "../format.js";
import { toast } from "../toast.js";

const MIN_PASSWORD = 8;

export function mount(root, { signal }) {
  document.title = "Account · StockCart";
  const cleanups = [];

  // ---- who ------------------------------------------------------------------------------------------------------
  const facts = h("dl.broker-facts.account-facts", { dataset: { testid: "account-facts" } });
  function renderFacts() {
    const user = session.user();
    if (!user) return;
    const admin = user.role === "admin";
    replace(facts,
      h("div", null, h("dt", { text: "E-mail" }), h("dd", { text: user.email, dataset: { testid: "account-user-email" } })),
      h("div", null, h("dt", { text: "Role" }), h("dd", { dataset: { testid: "account-role", role: user.role ?? "" } },
        admin ? "Administrator" : "User",
        admin ? h("span.muted", null, " · ", h("a", { href: "#/admin", text: "Administration" })) : null)),
      h("div", null, h("dt", { text: "Member since" }), h("dd", { text: user.created_at ? dateIST(user.created_at) : "—" })));
  }
  renderFacts();
  cleanups.push(bus.on("session", (current) => { if (current) renderFacts(); }));

  // ---- password ---------------------------------------------------------------------------------------------------
  const currentF = field({ label: "Current password", name: "current_password", type: "password",
    autocomplete: "current-password" });
  const newF = field({ label: "New password", name: "new_password", type: "password", autocomplete: "new-password",
    hint: `At least ${MIN_PASSWORD} characters, different from the current one.` });
  const confirmF = field({ label: "New password again", name: "confirm_password", type: "password",
    autocomplete: "new-password" });
  const inputs = [currentF.input, newF.input, confirmF.input];
  const formError = h("div.form-error", { attrs: { role: "alert" }, dataset: { testid: "password-error" } });
  const submit = h("button.btn.btn-primary", { type: "submit", text: "Change password", dataset: { testid: "password-submit" } });
  // The account's e-mail as a hidden username field, so a password manager knows whose password this is.
  const username = h("input", { type: "text", name: "username", hidden: true, tabIndex: -1,
    value: session.user()?.email ?? "", attrs: { autocomplete: "username", readonly: true } });
  const form = h("form.password-form", { noValidate: true, attrs: { "aria-labelledby": "password-title" },
    dataset: { testid: "password-form" } },
    username, currentF.field, newF.field, confirmF.field,
    formError,
    h("div.form-actions", null, submit));

  function invalid(input, message) {
    setFieldError(input, message);
    input.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    setText(formError, "");
    for (const input of inputs) setFieldError(input, "");
    const current = currentF.input.value;
    const next = newF.input.value;
    if (!current) return invalid(currentF.input, "Enter your current password.");
    if (next.length < MIN_PASSWORD) return invalid(newF.input, `The new password must be at least ${MIN_PASSWORD} characters.`);
    if (confirmF.input.value !== next) return invalid(confirmF.input, "The two new passwords are not the same.");

    submit.disabled = true;
    replace(submit, h("span.spinner", { attrs: { "aria-hidden": "true" } }), "Changing…");
    try {
      // Not tied to the page's signal: once sent, the answer (the only valid token left) must be stored.
      await session.renew(() => api.post("/api/auth/password", { current_password: current, new_password: next }));
      for (const input of inputs) input.value = "";
      toast({ title: "Password changed", text: "Other sessions were signed out.", tone: "up" });
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      const target = error.field === "current_password" ? currentF.input : error.field === "new_password" ? newF.input : null;
      if (target && error.status === 422) {
        invalid(target, error.reason);
        target.select();
      } else {
        setText(formError, error.reason ?? "Could not change the password.");
      }
    } finally {
      submit.disabled = false;
      submit.textContent = "Change password";
    }
  });

  root.append(h("section.page.account-page", null,
    h("div.page-head", null, h("h1", { text: "Account" })),
    h("div.account-grid", null,
      h("div.card", null,
        h("div.card-head", null, h("h2", { text: "Your account" })),
        h("div.card-body.account-body", null,
          facts,
          h("div.account-logout", null,
            h("button.btn", { type: "button", text: "Log out", dataset: { testid: "account-logout" },
              on: { click: (event) => { event.currentTarget.disabled = true; bus.emit("logout"); } } }),
            h("span.hint", { text: "Logging out signs you out on every device, not only this one." })))),
      h("div.card", null,
        h("div.card-head", null, h("h2", { id: "password-title", text: "Change password" })),
        h("div.card-body", null,
          h("p.hint.password-note", { text: "Every other session of yours is signed out; this one stays signed in." }),
          form)))));

  return {
    unmount() { cleanups.forEach((fn) => fn()); },
  };
}

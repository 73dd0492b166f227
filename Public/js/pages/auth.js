// Sign up and log in. Messages come from the API (a taken e-mail, a short password, a wrong password, too many
// attempts, a disabled account) and are shown next to the field the API names, or above the form when it names
// none. After signing in the user goes where they were going (?next=…), or to the market watch. A session that
// ended is explained above the form: expired or revoked (?expired=1), or the account disabled (?disabled=1, with the
// server's reason when this tab heard it).

import * as api from "../api.js";
import * as session from "../session.js";
import { h, field, setFieldError } from "../dom.js";
import { navigate, safeNext } from "../router.js";

function authPage(mode) {
  const isSignup = mode === "signup";
  return {
    mount(root, { query, signal }) {
      document.title = `${isSignup ? "Sign up" : "Log in"} · StockCart`;
      const next = safeNext(query.next);
      const nextQuery = query.next ? `?next=${encodeURIComponent(next)}` : "";

      const email = field({ label: "Email", name: "email", type: "email", autocomplete: "email", inputmode: "email",
        placeholder: "you@example.com" });
      const password = field({
        label: "Password", name: "password", type: "password",
        autocomplete: isSignup ? "new-password" : "current-password",
        hint: isSignup ? "At least 8 characters." : null,
      });
      const reveal = h("button.btn.btn-ghost.btn-sm.reveal", {
        type: "button", text: "Show", attrs: { "aria-pressed": "false", "aria-label": "Show password" },
        on: {
          click: () => {
            const shown = password.input.type === "text";
            password.input.type = shown ? "password" : "text";
            reveal.textContent = shown ? "Show" : "Hide";
            reveal.setAttribute("aria-pressed", String(!shown));
            reveal.setAttribute("aria-label", shown ? "Show password" : "Hide password");
          },
        },
      });
      password.field.querySelector("label").after(reveal);
      password.field.classList.add("has-reveal");

      const formError = h("div.form-error", { attrs: { role: "alert" }, dataset: { testid: "form-error" } });
      const submit = h("button.btn.btn-primary.btn-block.btn-lg", { type: "submit", text: isSignup ? "Create account" : "Log in" });
      let notice = null;
      if (query.disabled) {
        notice = h("div.form-error", { attrs: { role: "alert" }, dataset: { testid: "login-disabled" },
          text: session.lastEndReason() ?? "This account has been disabled by an administrator." });
      } else if (query.expired) {
        notice = h("div.form-note", { text: "Your session has ended. Log in again to continue where you left off." });
      }

      const form = h("form.auth-form", { noValidate: true, attrs: { "aria-labelledby": "auth-title" } },
        h("div.auth-head", null,
          h("h1", { id: "auth-title", text: isSignup ? "Create your account" : "Log in to StockCart" }),
          h("p.muted", { text: isSignup
            ? "₹10,00,000 of paper money to practise with. No card, no KYC."
            : "Live NSE prices, price alerts that fill your cart." })),
        notice,
        formError,
        email.field,
        password.field,
        submit,
        h("p.auth-switch", null,
          isSignup ? "Already have an account? " : "New to StockCart? ",
          h("a", { href: `#/${isSignup ? "login" : "signup"}${nextQuery}`, text: isSignup ? "Log in" : "Create an account" })));

      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (submit.disabled) return;
        formError.textContent = "";
        setFieldError(email.input, "");
        setFieldError(password.input, "");

        const body = { email: email.input.value.trim(), password: password.input.value };
        let invalid = null;
        if (!body.email) invalid ??= [email.input, "Enter your email address."];
        if (!body.password) invalid ??= [password.input, "Enter your password."];
        if (!body.email && !body.password) setFieldError(password.input, "Enter your password.");
        if (invalid) {
          setFieldError(invalid[0], invalid[1]);
          invalid[0].focus();
          return;
        }

        submit.disabled = true;
        const label = submit.textContent;
        submit.replaceChildren(h("span.spinner", { attrs: { "aria-hidden": "true" } }), isSignup ? "Creating account…" : "Logging in…");
        try {
          const result = await api.post(`/api/auth/${isSignup ? "register" : "login"}`, body, { auth: false, signal });
          session.signIn(result);
          navigate(next, { replace: true });
        } catch (error) {
          if (signal.aborted) return;
          const target = error.field === "email" ? email.input : error.field === "password" ? password.input : null;
          let message = error.reason ?? "Something went wrong. Please try again.";
          if (error.status === 429 && error.retryAfter) {
            message = `Too many failed attempts. Try again in ${error.retryAfter} second${error.retryAfter === 1 ? "" : "s"}.`;
          }
          if (target) {
            setFieldError(target, message);
            target.focus();
          } else {
            formError.textContent = message;
            if (error.status === 401) {
              password.input.setAttribute("aria-invalid", "true");
              password.input.select();
              password.input.focus();
            }
          }
          submit.disabled = false;
          submit.textContent = label;
        }
      });

      root.append(h("section.auth", null,
        h("div.auth-card.card", null, form),
        h("ul.auth-points", { attrs: { "aria-label": "What you get" } },
          h("li", null, h("strong", { text: "Live market watch" }), " — all NIFTY 50 stocks, tick by tick."),
          h("li", null, h("strong", { text: "Price alerts" }), " — when a price enters your range, it lands in your cart."),
          h("li", null, h("strong", { text: "Paper trading" }), " — real Indian charges, instant fills."))));
      email.input.focus();
      return {};
    },
  };
}

export const login = authPage("login");
export const signup = authPage("signup");

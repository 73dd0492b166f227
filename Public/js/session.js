// The signed-in session: token, expiry and user (with its role), kept in sessionStorage (this tab, until it closes or
// the user logs out). Nothing else about the user is stored here. A request that replaces the token (a password
// change) runs through renew(), so the shell can tell the old token being refused meanwhile from the session ending.

import { bus } from "./events.js";

const KEY = "stockcart.session";
let current = read();
let renewing = null;  // the token change under way (renew), or null
let endReason = null; // why the last session ended, when the server said so (a disabled account)

function read() {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw);
    if (!session?.token || !session?.user?.id) return null;
    if (session.expires_at && Date.parse(session.expires_at) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

function store() {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(current));
  } catch { /* private mode without storage: the session lives in memory only */ }
}

/** The session, or null when signed out or expired. */
export function getSession() {
  if (current?.expires_at && Date.parse(current.expires_at) <= Date.now()) current = null;
  return current;
}

export function token() {
  return getSession()?.token ?? null;
}

export function user() {
  return getSession()?.user ?? null;
}

/** Stores the `{token, expires_at, user}` answer of register, login or a password change. */
export function signIn(session) {
  current = { token: session.token, expires_at: session.expires_at, user: session.user };
  endReason = null;
  store();
  bus.emit("session", current);
}

/** Takes in a fresher copy of the signed-in user (GET /api/auth/me: the role may have changed). */
export function updateUser(user) {
  if (!getSession() || !user?.id || user.id !== current.user.id) return;
  current = { ...current, user: { ...current.user, ...user } };
  store();
  bus.emit("session", current);
}

/**
 * Runs `change` (a request answered by a new session, such as a password change, which revokes the old token) and
 * signs in with its answer; resolves to that answer. Until it settles, renewal() returns it: whatever refuses the old
 * token meanwhile (a 401, the server closing the socket) is judged after it, against the new token.
 */
export function renew(change) {
  const run = (async () => {
    const answer = await change();
    signIn(answer);
    return answer;
  })();
  const pending = run.then(() => {}, () => {}).finally(() => { if (renewing === pending) renewing = null; });
  renewing = pending;
  return run;
}

/** A promise of the token change under way (never rejects), or null. */
export function renewal() {
  return renewing;
}

/** Forgets the session (logout, expiry, revocation). `reason`: what the server said, for the login page. */
export function signOut({ reason = null } = {}) {
  current = null;
  endReason = reason;
  try {
    window.sessionStorage.removeItem(KEY);
  } catch { /* ignore */ }
  bus.emit("session", null);
}

/** What the server said when it ended the last session (a disabled account), or null. */
export function lastEndReason() {
  return endReason;
}

// The signed-in session: token, expiry and user, kept in sessionStorage (this tab, until it closes or the user logs
// out). Nothing else about the user is stored here.

import { bus } from "./events.js";

const KEY = "stockcart.session";
let current = read();

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

/** Stores the `{token, expires_at, user}` answer of register/login. */
export function signIn(session) {
  current = { token: session.token, expires_at: session.expires_at, user: session.user };
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(current));
  } catch { /* private mode without storage: the session lives in memory only */ }
  bus.emit("session", current);
}

/** Forgets the session (logout, expiry, revocation). */
export function signOut() {
  current = null;
  try {
    window.sessionStorage.removeItem(KEY);
  } catch { /* ignore */ }
  bus.emit("session", null);
}

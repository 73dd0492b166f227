// A minimal event emitter: `on` returns the function that removes the listener, so pages can collect them and
// drop them all when they unmount.

export class Emitter {
  #listeners = new Map();

  on(type, fn) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(type, ...args) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (error) {
        console.warn(`listener for "${type}" failed`, error); // one broken listener must not stop the others
      }
    }
  }
}

/**
 * App-wide events: "session" (signed in/out, or the user's details refreshed), "cart" (count changed),
 * "unauthorized" (a token refused: {token}), "disabled" (the account was disabled: {token, reason}), "logout" (asks
 * the shell to log out), "resync", and the live events the shell hands to the pages: "cart.added", "rule.fired",
 * "order.updated", "signal", "autotrader", "backtest.progress", "backtest.done".
 */
export const bus = new Emitter();

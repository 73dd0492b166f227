// Dark and light themes. The system preference decides until the user toggles; the choice is saved in
// localStorage and applied before the first paint by js/theme-boot.js. Charts listen for "themechange".

const KEY = "stockcart.theme";
const media = window.matchMedia("(prefers-color-scheme: dark)");

export function currentTheme() {
  const chosen = document.documentElement.getAttribute("data-theme");
  if (chosen === "dark" || chosen === "light") return chosen;
  return media.matches ? "dark" : "light";
}

function announce() {
  const theme = currentTheme();
  const button = document.getElementById("theme-toggle");
  if (button) {
    const label = theme === "dark" ? "Switch to light theme" : "Switch to dark theme";
    button.setAttribute("aria-label", label);
    button.title = label;
  }
  window.dispatchEvent(new CustomEvent("themechange", { detail: { theme } }));
}

export function setTheme(theme) {
  document.documentElement.setAttribute("data-theme", theme);
  try {
    window.localStorage.setItem(KEY, theme);
  } catch { /* storage disabled: the choice lasts for this page */ }
  announce();
}

export function initTheme() {
  document.getElementById("theme-toggle")?.addEventListener("click", () => {
    setTheme(currentTheme() === "dark" ? "light" : "dark");
  });
  media.addEventListener("change", () => {
    if (!document.documentElement.hasAttribute("data-theme")) announce();
  });
  announce();
}

/** A CSS custom property's current value (for canvas drawing: charts, sparklines). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

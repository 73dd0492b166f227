// Dark and light themes. The system preference decides until the user toggles; the choice is saved in
// localStorage. js/theme-boot.js resolves the theme into `data-theme` before the first paint. Charts listen for
// "themechange".

const KEY = "stockcart.theme";
const media = window.matchMedia("(prefers-color-scheme: dark)");

export function currentTheme() {
  const theme = document.documentElement.getAttribute("data-theme");
  if (theme === "dark" || theme === "light") return theme;
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
  document.documentElement.removeAttribute("data-theme-source");
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
    const root = document.documentElement;
    if (root.getAttribute("data-theme-source") !== "system") return; // the user's choice wins
    root.setAttribute("data-theme", media.matches ? "dark" : "light");
    announce();
  });
  announce();
}

/** A CSS custom property's current value (for canvas drawing: charts, sparklines). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

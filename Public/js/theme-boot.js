// Runs before the first paint (a classic, blocking script: it is tiny). Resolves the theme once, so the CSS needs one
// dark palette (`:root[data-theme="dark"]`) and nothing flashes while the modules load: the user's saved choice, or
// else the system's prefers-color-scheme, marked `data-theme-source="system"` so js/theme.js keeps following the
// system until the user toggles.
(function () {
  var root = document.documentElement;
  var saved = null;
  try {
    saved = window.localStorage.getItem("stockcart.theme");
  } catch (e) { /* storage disabled: follow the system */ }
  if (saved === "dark" || saved === "light") {
    root.setAttribute("data-theme", saved);
  } else {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.setAttribute("data-theme", dark ? "dark" : "light");
    root.setAttribute("data-theme-source", "system");
  }
})();

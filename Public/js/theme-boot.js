// Runs before the first paint (a classic, blocking script: it is tiny). Applies the theme the user chose earlier,
// so a saved "dark" does not flash light while the modules load. Without a saved choice the CSS follows the
// system's prefers-color-scheme. The toggle itself lives in js/theme.js.
(function () {
  try {
    var saved = window.localStorage.getItem("stockcart.theme");
    if (saved === "dark" || saved === "light") document.documentElement.setAttribute("data-theme", saved);
  } catch (e) { /* storage disabled: follow the system */ }
})();

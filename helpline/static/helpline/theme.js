/* Light or dark: follows the system unless the agent chose one with the toggle (kept in localStorage).
   Loaded in <head> without defer so the page never flashes the wrong theme. */
(function () {
  "use strict";
  var KEY = "helpline-theme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function systemTheme() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function current() {
    return root.dataset.theme || systemTheme();
  }

  var chosen = stored();
  if (chosen === "light" || chosen === "dark") root.dataset.theme = chosen;

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = current() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem(KEY, next); } catch (e) { /* private mode: the choice lasts this page only */ }
  });

  window.HelplineTheme = { current: current };
})();

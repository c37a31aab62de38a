/* Small behaviours shared by every page: toasts, htmx error reporting, tidy inbox URLs, Ctrl+Enter to send. */
(function () {
  "use strict";

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var item = document.createElement("div");
    item.className = "toast toast--" + (kind || "info");
    item.setAttribute("role", "status");
    item.textContent = message;
    box.appendChild(item);
    dismissLater(item);
  }

  function dismissLater(item) {
    setTimeout(function () {
      item.classList.add("toast--leaving");
      setTimeout(function () { item.remove(); }, 300);
    }, 4000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(dismissLater);
  });

  // Inbox filters: leave empty fields out of the query string (and so out of the pushed URL).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get" || !event.detail.elt.closest("#inbox-filters")) return;
    var params = event.detail.parameters;
    Array.from(params.keys()).forEach(function (key) {
      if (!String(params.get(key)).trim()) params.delete(key);
    });
  });

  // Views send {"helpline:toast": {"message", "kind"}} in an HX-Trigger header after a change.
  document.addEventListener("helpline:toast", function (event) {
    toast(event.detail.message, event.detail.kind);
  });

  document.addEventListener("htmx:responseError", function () {
    toast(document.body.dataset.errorMessage, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.offlineMessage, "error");
  });

  // Ctrl+Enter (or Cmd+Enter) submits the composer.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var field = event.target.closest && event.target.closest("[data-submit-on-ctrl-enter]");
    if (!field || !field.form) return;
    event.preventDefault();
    field.form.requestSubmit();
  });

  window.Helpline = { toast: toast };
})();

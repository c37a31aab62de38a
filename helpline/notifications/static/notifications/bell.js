/* The notification bell (helpline.notifications): the unread count follows the agent's socket
   ("notification.created", pushed to this agent alone), the dropdown reloads while open, and — when the agent
   switched it on in Settings → Notifications and the browser allows it — a browser notification shows while the
   tab is in the background. The preferences page asks the browser's permission when the agent ticks a
   "In the browser" box (a user gesture, as browsers require). */
(function () {
  "use strict";

  function bell() { return document.querySelector("[data-notification-bell]"); }

  function setCount(unread) {
    var el = document.querySelector("[data-notification-count]");
    if (!el || typeof unread !== "number") return;
    el.textContent = String(unread);
    el.classList.toggle("notification-bell__count--zero", unread === 0);
  }

  function refreshCount() {
    var root = bell();
    if (!root) return;
    fetch(root.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) setCount(body.unread); })
      .catch(function () {});
  }

  function refreshOpenList() {
    var dropdown = document.getElementById("notification-dropdown");
    var toggle = document.querySelector("[data-notification-toggle]");
    if (!dropdown || !toggle || toggle.getAttribute("aria-expanded") !== "true" || !window.htmx) return;
    htmx.ajax("GET", toggle.getAttribute("hx-get"), { target: "#notification-dropdown", swap: "innerHTML" });
  }

  function showInBrowser(data) {
    if (!data.browser || !document.hidden || !("Notification" in window)) return;
    if (Notification.permission !== "granted") return;
    var root = bell();
    try {
      var shown = new Notification((root && root.dataset.browserTitle) || "Helpline", {
        body: data.text,
        tag: data.notification || data.url,
      });
      shown.onclick = function () {
        window.focus();
        if (data.url) location.href = data.url;
        shown.close();
      };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }

  document.addEventListener("helpline:socket", function (event) {
    var data = event.detail || {};
    if (data.event === "notification.created") {
      setCount(data.unread);
      refreshOpenList();
      showInBrowser(data);
    }
  });

  // Back online after a break: the count may have changed meanwhile.
  var opened = 0;
  document.addEventListener("helpline:socket-open", function () {
    opened += 1;
    if (opened > 1) refreshCount();
  });

  // Marking read (htmx answers with HX-Trigger: helpline:notifications-read): the list carries the new count.
  document.body && document.body.addEventListener("helpline:notifications-read", function () {
    setTimeout(function () {
      var list = document.querySelector("[data-notification-list]");
      if (list) setCount(parseInt(list.dataset.unread, 10));
      else refreshCount();
    }, 0);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.target && event.target.querySelector && (event.target.matches("[data-notification-list]")
      ? event.target : event.target.querySelector("[data-notification-list]"));
    if (list) setCount(parseInt(list.dataset.unread, 10));
  });

  // Preferences: ask for the browser's permission when a browser notification is switched on.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-browser-notification]") || !box.checked) return;
    var form = box.closest("[data-notification-preferences]");
    var message = form && form.querySelector("[data-permission-message]");
    function refuse(text) {
      box.checked = false;
      if (message) { message.textContent = text; message.hidden = false; }
    }
    if (!("Notification" in window)) { refuse(form.dataset.permissionUnsupported); return; }
    if (Notification.permission === "granted") return;
    if (Notification.permission === "denied") { refuse(form.dataset.permissionDenied); return; }
    Promise.resolve(Notification.requestPermission()).then(function (answer) {
      if (answer !== "granted") refuse(form.dataset.permissionDenied);
      else if (message) message.hidden = true;
    });
  });
})();

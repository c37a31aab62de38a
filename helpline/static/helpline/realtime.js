/* Live updates: one websocket per tab to /ws/agent/. Every ticket event of the current account re-fetches
   what is on screen: the inbox list, or the open ticket's thread and side panel. Reconnects with backoff. */
(function () {
  "use strict";
  var socket = null;
  var attempt = 0;
  var pingTimer = null;
  var timers = {};
  var panelWaiting = false;

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent/";
  }

  function showState(state) {
    document.querySelectorAll("[data-live-indicator]").forEach(function (el) { el.dataset.state = state; });
    document.documentElement.dataset.live = state;
  }

  // Several events often arrive together (a reply queues, changes the status, then is sent): fetch once.
  function soon(key, fn) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(fn, 80);
  }

  function refreshInbox() {
    if (!document.getElementById("ticket-list")) return;
    htmx.ajax("GET", location.pathname + location.search, { target: "#ticket-list", swap: "outerHTML" });
  }

  function openTicket() {
    return document.querySelector("[data-open-ticket]");
  }

  function refreshPanel(page) {
    var panel = document.getElementById("side-panel");
    if (!panel) return;
    if (panel.contains(document.activeElement) && document.activeElement !== document.body) {
      // The agent is editing the panel: refresh once they leave it, so nothing they type is lost.
      if (!panelWaiting) {
        panelWaiting = true;
        panel.addEventListener("focusout", function later() {
          panel.removeEventListener("focusout", later);
          panelWaiting = false;
          setTimeout(function () { refreshPanel(page); }, 50);
        });
      }
      return;
    }
    htmx.ajax("GET", page.dataset.panelUrl, { target: "#side-panel", swap: "outerHTML" });
  }

  function refreshTicket(publicId) {
    var page = openTicket();
    if (!page || (publicId && page.dataset.openTicket !== publicId)) return;
    htmx.ajax("GET", page.dataset.threadUrl, { target: "#thread", swap: "outerHTML" });
    refreshPanel(page);
  }

  function onEvent(data) {
    if (data && data.event) document.dispatchEvent(new CustomEvent("helpline:socket", { detail: data }));
    if (!data || data.event === "hello" || data.event === "pong") return;
    if (data.event.indexOf("ticket.presence") === 0 || data.event.indexOf("workspace.") === 0) return; // presence, sounds
    if (data.event.indexOf("notification.") === 0) return; // the bell (notifications/bell.js)
    soon("inbox", refreshInbox);
    if (data.ticket) soon("ticket:" + data.ticket, function () { refreshTicket(data.ticket); });
    (data.tickets || []).forEach(function (id) { // tickets.changed: a bulk action's chunk, one message
      soon("ticket:" + id, function () { refreshTicket(id); });
    });
  }

  function connect() {
    showState("connecting");
    socket = new WebSocket(socketUrl());
    socket.onopen = function () {
      var missedEvents = attempt > 0;
      attempt = 0;
      showState("live");
      document.dispatchEvent(new CustomEvent("helpline:socket-open"));
      if (missedEvents) {
        soon("inbox", refreshInbox);
        soon("ticket", function () { refreshTicket(null); });
      }
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
    };
    socket.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      onEvent(data);
    };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      showState("offline");
      if (event.code === 4401 || event.code === 4403) return; // signed out or no account: do not retry
      var delay = Math.min(15000, 500 * Math.pow(2, attempt)) * (0.8 + Math.random() * 0.4);
      attempt += 1;
      setTimeout(connect, delay);
    };
  }

  // Other scripts talk over the same socket (ticket-presence.js): frames sent while it is closed are dropped;
  // they listen for "helpline:socket-open" to say again what matters.
  window.HelplineSocket = {
    send: function (frame) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();

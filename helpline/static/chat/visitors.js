/* The live visitors list. One websocket (/ws/agent/visitors/) says which visitor changed (page viewed, left, chat
   started or ended); the list re-fetches that visitor's row from the server, so rows are rendered in one place.
   Watched visitors (kept in this browser) raise a toast when they move to another page. */
(function () {
  "use strict";
  var root, rows, T, socket = null, attempt = 0, pingTimer = null, csrf = "";
  var watchKey = "helpline-watched-visitors";

  function watched() {
    try { return JSON.parse(localStorage.getItem(watchKey)) || {}; } catch (e) { return {}; }
  }
  function setWatched(visit, on) {
    var all = watched();
    if (on) all[visit] = true; else delete all[visit];
    try { localStorage.setItem(watchKey, JSON.stringify(all)); } catch (e) {}
  }
  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast--" + (kind || "info");
    item.setAttribute("role", "status");
    item.dataset.visitorToast = "1";
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.classList.add("toast--leaving"); }, 6000);
    setTimeout(function () { item.remove(); }, 6500);
  }
  function setLive(text) { document.getElementById("visitors-live").textContent = text || ""; }
  function markWatch(row) {
    var button = row.querySelector("[data-watch]");
    if (!button) return;
    var on = !!watched()[row.dataset.visit];
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? T.unwatch : T.watch;
  }
  function updateEmpty() {
    document.getElementById("visitors-empty").hidden = !!rows.querySelector("tr[data-visit]");
  }
  function labelOf(visit) {
    var row = document.getElementById("visit-" + visit);
    return row ? row.dataset.label : visit;
  }

  function refreshRow(visit) {
    return fetch(root.dataset.rowUrl + encodeURIComponent(visit) + "/row/", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var old = document.getElementById("visit-" + visit);
        if (!html) { if (old) old.remove(); updateEmpty(); return; }
        var holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        var row = holder.querySelector("tr");
        if (!row || row.dataset.online !== "1") { if (old) old.remove(); updateEmpty(); return; }
        if (old) old.replaceWith(row); else rows.insertBefore(row, rows.firstChild);
        markWatch(row);
        updateEmpty();
      });
  }

  function onEvent(data) {
    var visit = data.visit;
    if (!visit) return;
    var isWatched = !!watched()[visit];
    var row = document.getElementById("visit-" + visit);
    var moved = !row || row.dataset.url !== data.url;  // a reconnect on the same page is no move
    if (data.event === "visitor.page_viewed" && isWatched && moved) {
      toast(T.moved.replace("%(visitor)s", labelOf(visit)).replace("%(page)s", data.title || data.url));
    } else if (data.event === "visitor.left" && isWatched) {
      toast(T.left.replace("%(visitor)s", labelOf(visit)));
    }
    refreshRow(visit);
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent/visitors/";
    try { socket = new WebSocket(url); } catch (e) { return; }
    socket.onopen = function () {
      attempt = 0;
      setLive(T.live);
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
      // Catch up with what changed while disconnected: every row shown is re-read.
      rows.querySelectorAll("tr[data-visit]").forEach(function (row) { refreshRow(row.dataset.visit); });
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "event") onEvent(data);
    };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      setLive(T.offline);
      if (event.code === 4401 || event.code === 4403) return;
      var delay = Math.min(15000, 500 * Math.pow(2, attempt)) * (0.8 + Math.random() * 0.4);
      attempt += 1;
      setTimeout(connect, delay);
    };
  }

  function invite(button) {
    var data = new FormData();
    data.append("message", document.getElementById("visitors-invite-message").value);
    button.disabled = true;
    fetch("/agent/visitors/" + encodeURIComponent(button.dataset.invite) + "/invite/", {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      button.disabled = false;
      toast(result.status === 201 ? T.invited : (result.body.detail || T.error), result.status === 201 ? "success" : "error");
    }).catch(function () { button.disabled = false; toast(T.error, "error"); });
  }

  function start() {
    root = document.getElementById("visitors");
    if (!root) return;
    rows = document.getElementById("visitors-rows");
    T = JSON.parse(document.getElementById("visitors-texts").textContent);
    csrf = (document.body.getAttribute("hx-headers") || "").replace(/.*"X-CSRFToken": "([^"]*)".*/, "$1");
    rows.querySelectorAll("tr[data-visit]").forEach(markWatch);
    document.getElementById("visitors-invite-form").addEventListener("submit", function (e) { e.preventDefault(); });
    root.addEventListener("click", function (event) {
      var watch = event.target.closest("[data-watch]");
      var inviteButton = event.target.closest("[data-invite]");
      if (watch) {
        setWatched(watch.dataset.watch, watch.getAttribute("aria-pressed") !== "true");
        markWatch(watch.closest("tr"));
      } else if (inviteButton) {
        invite(inviteButton);
      }
    });
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* The agent chat console: one websocket (/ws/agent/chats/) carries the account's chat events and the lines of
   every chat open in a tab. Incoming chats ring (sound + desktop notification); accepting opens a tab.
   Outgoing lines wait in `pending` until acknowledged and are resent after a reconnect; lines are keyed by
   sequence number, so each shows once, in order. */
(function () {
  "use strict";
  var root, T, socket = null, attempt = 0, pingTimer = null, incomingTimer = null;
  var tabs = {};            // chat id -> {state, lines: {seq: line}, lastSeq, pending: [], el: {...}}
  var active = null;
  var knownRinging = {};
  var csrf = "";

  function $(sel, ctx) { return (ctx || document).querySelector(sel); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function randomId() {
    var data = new Uint8Array(12);
    crypto.getRandomValues(data);
    return Array.prototype.map.call(data, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); return true; }
    return false;
  }

  // ---- ringing ----
  function ring() {
    if ($("#chat-mute").checked) return;
    if (window.HelplineSounds) { window.HelplineSounds.play("chat_ring"); return; } // the agent's chosen sound
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      [0, 0.25].forEach(function (at) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = 880; gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(ctx.currentTime + at); osc.stop(ctx.currentTime + at + 0.18);
      });
    } catch (e) { /* no audio: the list still shows the chat */ }
  }
  function notify(name) {
    try {
      if (window.Notification && Notification.permission === "granted" && document.hidden) {
        new Notification(T.notification.replace("%(name)s", name));
      }
    } catch (e) {}
  }
  function bindIncoming() {
    var list = $("#chat-incoming");
    var now = {};
    list.querySelectorAll("[data-ringing='1']").forEach(function (item) {
      now[item.dataset.chat] = true;
      if (!knownRinging[item.dataset.chat]) {
        ring();
        notify(item.querySelector("strong").textContent);
      }
    });
    knownRinging = now;
  }
  function refreshIncoming() {
    clearTimeout(incomingTimer);
    incomingTimer = setTimeout(function () {
      fetch(root.dataset.incomingUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          $("#chat-incoming").outerHTML = html;
          bindIncoming();
        });
    }, 80);
  }
  function postAction(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); });
  }

  // ---- tabs ----
  function addTab(info) {
    if (tabs[info.chat]) { tabs[info.chat].state = info; select(info.chat); return tabs[info.chat]; }
    var tab = { state: info, lines: {}, lastSeq: 0, pending: [], visitorRead: info.visitor_read_seq || 0 };
    var button = el("button", "tab chat-tab", info.contact);
    button.type = "button";
    button.setAttribute("role", "tab");
    button.id = "chat-tab-" + info.chat;
    button.setAttribute("aria-controls", "chat-pane-" + info.chat);
    button.addEventListener("click", function () { select(info.chat); });
    button.addEventListener("keydown", function (event) {
      var ids = Object.keys(tabs), i = ids.indexOf(info.chat);
      if (event.key === "ArrowRight") select(ids[(i + 1) % ids.length], true);
      if (event.key === "ArrowLeft") select(ids[(i - 1 + ids.length) % ids.length], true);
    });
    var pane = el("div", "chat-pane");
    pane.id = "chat-pane-" + info.chat;
    pane.setAttribute("role", "tabpanel");
    pane.setAttribute("aria-labelledby", button.id);
    pane.dataset.chat = info.chat;
    var main = el("div", "chat-pane__main");
    var head = el("div", "chat-pane__head");
    var title = el("strong", "", info.contact);
    var note = el("span", "muted chat-pane__note");
    note.setAttribute("role", "status");
    var ticketLink = el("a", "button button--small button--ghost", T.openTicket);
    ticketLink.href = info.ticket;
    var endButton = el("button", "button button--small button--danger", T.end);
    endButton.type = "button";
    endButton.addEventListener("click", function () {
      postAction("/agent/chats/" + info.chat + "/end/").then(function (result) {
        if (result.status === 200) applyState(result.body.chat);
      });
    });
    head.append(title, note, ticketLink, endButton);
    var log = el("ol", "chat-lines");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    var preview = el("p", "chat-preview muted");
    preview.hidden = true;
    var form = el("form", "chat-composer");
    var label = el("label", "visually-hidden", T.message);
    label.htmlFor = "chat-input-" + info.chat;
    var input = el("textarea", "textarea");
    input.id = "chat-input-" + info.chat;
    input.rows = 2;
    input.placeholder = T.placeholder;
    // "/" + shortcut inserts a canned message rendered for the chat's ticket (helpline/replies.js)
    input.dataset.canned = root.dataset.cannedUrl + "?ticket=" + encodeURIComponent(info.ticket.split("/")[3] || "");
    input.dataset.cannedLabel = root.dataset.cannedLabel;
    input.dataset.cannedEmpty = root.dataset.cannedEmpty;
    var submit = el("button", "button button--primary", T.send);
    submit.type = "submit";
    var file = el("input", "visually-hidden");
    file.type = "file";
    file.id = "chat-file-" + info.chat;
    file.accept = root.dataset.acceptFiles;
    var attach = el("label", "button chat-attach", T.attach);
    attach.htmlFor = file.id;
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen || tab.state.state === "ended") return;
      var data = new FormData();
      data.append("cid", randomId());
      data.append("file", chosen);
      tab.el.note.textContent = T.uploading;
      fetch("/agent/chats/" + info.chat + "/files/", {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
      }).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
        .then(function (result) {
          file.value = "";
          tab.el.note.textContent = result.status === 201 ? "" : result.body.detail;
        });
    });
    form.append(label, input, file, attach, submit);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || tab.state.state === "ended") return;
      var item = { cid: randomId(), text: text };
      tab.pending.push(item);
      input.value = "";
      send({ type: "typing", chat: info.chat, active: false });
      send({ type: "message", chat: info.chat, cid: item.cid, text: text });
      renderLines(info.chat);
    });
    var typingOff = null, typingSent = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    input.addEventListener("input", function () {
      if (!typingSent) { typingSent = true; send({ type: "typing", chat: info.chat, active: true }); }
      clearTimeout(typingOff);
      typingOff = setTimeout(function () { typingSent = false; send({ type: "typing", chat: info.chat, active: false }); }, 2500);
    });
    main.append(head, log, preview, form);
    var side = el("aside", "chat-pane__side");
    side.setAttribute("aria-label", info.contact);
    pane.append(main, side);
    $("#chat-tabs").appendChild(button);
    $("#chat-panes").appendChild(pane);
    tab.el = { button: button, pane: pane, log: log, preview: preview, input: input, note: note, end: endButton, side: side };
    tabs[info.chat] = tab;
    fetch(info.panel, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) { side.innerHTML = html; });
    send({ type: "open", chat: info.chat, last_seq: 0 });
    $("#chat-empty").hidden = true;
    applyState(info);
    select(info.chat);
    return tab;
  }

  function select(id, focusTab) {
    active = id;
    Object.keys(tabs).forEach(function (key) {
      var t = tabs[key], on = key === id;
      t.el.pane.hidden = !on;
      t.el.button.classList.toggle("tab--active", on);
      t.el.button.setAttribute("aria-selected", String(on));
      t.el.button.tabIndex = on ? 0 : -1;
      if (on) t.el.button.classList.remove("chat-tab--unread");
    });
    if (focusTab) tabs[id].el.button.focus();
    markRead(id);
  }

  function markRead(id) {
    var tab = tabs[id];
    if (!tab || document.hidden || active !== id) return;
    var seqs = Object.keys(tab.lines).map(Number).filter(function (s) { return tab.lines[s].from === "visitor"; });
    if (seqs.length) send({ type: "read", chat: id, seq: Math.max.apply(null, seqs) });
  }

  function renderLines(id) {
    var tab = tabs[id];
    var log = tab.el.log;
    log.textContent = "";
    Object.keys(tab.lines).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
      var line = tab.lines[seq];
      var li = el("li", "chat-line chat-line--" + line.from);
      li.dataset.seq = String(seq);
      li.append(el("span", "chat-line__author", line.from === "agent" ? line.author : line.author || tab.state.contact));
      if (line.files && line.files.length) {
        line.files.forEach(function (f) {
          var link = el("a", "chat-line__file", "📎 " + f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)");
          link.href = f.url;
          li.append(link);
        });
      } else {
        li.append(el("p", "chat-line__text", line.text));
      }
      if (line.from === "agent" && seq <= tab.visitorRead) li.append(el("span", "chat-line__state muted", T.read));
      log.appendChild(li);
    });
    tab.pending.forEach(function (item) {
      var li = el("li", "chat-line chat-line--agent chat-line--pending");
      li.dataset.cid = item.cid;
      li.append(el("span", "chat-line__author", T.you), el("p", "chat-line__text", item.text), el("span", "chat-line__state muted", T.sending));
      log.appendChild(li);
    });
    log.scrollTop = log.scrollHeight;
  }

  function applyState(state) {
    var tab = tabs[state.chat];
    if (!tab) return;
    tab.state = Object.assign({}, tab.state, state);
    if (state.visitor_read_seq) tab.visitorRead = Math.max(tab.visitorRead, state.visitor_read_seq);
    var ended = tab.state.state === "ended";
    tab.el.input.disabled = ended;
    tab.el.end.hidden = ended;
    if (ended) { tab.el.note.textContent = T.ended; tab.el.preview.hidden = true; tab.pending = []; }
    if (tab.state.rating) tab.el.note.textContent = tab.state.rating === "good" ? T.ratedGood : T.ratedBad;
    renderLines(state.chat);
  }

  function onMessage(data) {
    var tab = data.chat ? tabs[data.chat] : null;
    if (data.type === "hello") {
      setLive(T.live);
      Object.keys(tabs).forEach(function (id) {
        send({ type: "open", chat: id, last_seq: tabs[id].lastSeq });
      });
    } else if (data.type === "event") {
      if (String(data.event || "").indexOf("chat.") === 0) refreshIncoming();
    } else if (data.type === "state") {
      applyState(data.state);
      var t = tabs[data.state.chat];
      if (t) t.pending.forEach(function (item) { send({ type: "message", chat: data.state.chat, cid: item.cid, text: item.text }); });
    } else if (data.type === "line") {
      tab = tabs[data.line.chat];
      if (!tab || tab.lines[data.line.seq]) return;
      tab.lines[data.line.seq] = data.line;
      while (tab.lines[tab.lastSeq + 1]) tab.lastSeq += 1;
      if (data.line.from === "agent") tab.pending = tab.pending.filter(function (p) { return p.cid !== data.line.cid; });
      else {
        tab.el.preview.hidden = true;
        if (active !== data.line.chat) tab.el.button.classList.add("chat-tab--unread");
        // A visitor's new line (not history replayed on opening) in a chat out of sight: the agent's message sound.
        var fresh = Math.abs(Date.now() - Date.parse(data.line.at)) < 15000;
        if (fresh && (document.hidden || active !== data.line.chat) && window.HelplineSounds) {
          window.HelplineSounds.play("new_message");
        }
      }
      renderLines(data.line.chat);
      markRead(data.line.chat);
    } else if (data.type === "ack" && tab) {
      tab.pending = tab.pending.filter(function (p) { return p.cid !== data.cid; });
      renderLines(data.chat);
    } else if (data.type === "typing" && tab) {
      tab.el.preview.hidden = !data.text;
      tab.el.preview.textContent = T.typing + " " + data.text;
    } else if (data.type === "read" && tab) {
      tab.visitorRead = Math.max(tab.visitorRead, data.seq);
      renderLines(data.chat);
    } else if (data.type === "presence" && tab) {
      tab.el.note.textContent = data.visitor === "disconnected" ? T.disconnected : T.reconnected;
    } else if (data.type === "error" && tab && data.cid) {
      if (data.code === "chat_ended" || data.code === "invalid" || data.code === "forbidden") {
        tab.pending = tab.pending.filter(function (p) { return p.cid !== data.cid; });
        tab.el.note.textContent = data.detail;
        renderLines(data.chat);
      }
    }
  }

  function setLive(text) { $("#chat-live").textContent = text; }

  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent/chats/");
    socket.onopen = function () {
      attempt = 0;
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
      refreshIncoming();
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      onMessage(data);
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

  function start() {
    root = document.getElementById("chat-console");
    if (!root) return;
    T = JSON.parse(document.getElementById("chat-texts").textContent);
    csrf = (document.body.getAttribute("hx-headers") || "").replace(/.*"X-CSRFToken": "([^"]*)".*/, "$1");
    root.addEventListener("click", function (event) {
      var accept = event.target.closest("[data-accept]");
      var decline = event.target.closest("[data-decline]");
      if (accept) {
        accept.disabled = true;
        postAction(accept.dataset.accept).then(function (result) {
          if (result.status === 200) addTab(result.body.chat);
          else setLive(result.body.detail);
          refreshIncoming();
        });
      } else if (decline) {
        decline.disabled = true;
        postAction(decline.dataset.decline).then(refreshIncoming);
      }
    });
    $("#chat-notify").addEventListener("click", function () {
      if (window.Notification) Notification.requestPermission();
    });
    bindIncoming();
    connect();
    JSON.parse(document.getElementById("chat-tabs-data").textContent).forEach(addTab);
    document.addEventListener("visibilitychange", function () { if (active) markRead(active); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

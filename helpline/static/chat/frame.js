/* The chat widget inside its iframe (Helpline's origin). No dependencies, no build step.

   Delivery: every message gets a client id (cid) and waits in `pending` (kept in localStorage) until the server
   acknowledges it with its sequence number. After a reconnect (exponential backoff) the widget says the last
   sequence it saw; the server replays the rest and the widget resends what is still pending. Lines are keyed by
   sequence number, so each shows exactly once, in order. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("helpline-widget-config").textContent);
  var T = config.texts;
  var storeKey = "helpline-chat:" + config.key;
  var $ = function (id) { return document.getElementById(id); };

  // ---- storage (survives reloads and navigation on the host site) ----
  // Browsers that deny storage to third-party frames: the host page keeps it (see the loader) and hands it over
  // in the URL fragment; every change is posted back to it.
  function load() {
    var own = null, handed = null;
    try { own = JSON.parse(localStorage.getItem(storeKey)); } catch (e) { own = null; }
    try { handed = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { handed = null; }
    return own || handed || {};
  }
  var saved = load();
  function save() {
    var value = JSON.stringify({ visitor: visitor, pending: pending, open: isOpen, muted: muted, heard: heardSeq });
    try { localStorage.setItem(storeKey, value); } catch (e) { /* denied: the host page keeps it */ }
    post({ store: value });
  }
  function randomId(bytes) {
    var data = new Uint8Array(bytes);
    (window.crypto || window.msCrypto).getRandomValues(data);
    return Array.prototype.map.call(data, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var visitor = saved.visitor || randomId(16);
  var pending = Array.isArray(saved.pending) ? saved.pending : [];
  var isOpen = !!saved.open;
  var muted = !!saved.muted;                        // the visitor's sound switch, kept with the conversation
  var heardSeq = Number(saved.heard) || 0;          // the last agent line a sound was played (or due) for

  // ---- state ----
  var chat = null;          // the server's view of the session: {chat, state, agent, last_seq, ...}
  var lines = {};           // seq -> line
  var lastSeq = 0;          // highest contiguous sequence seen
  var agentReadSeq = 0;
  var socket = null, attempt = 0, reconnectTimer = null, pingTimer = null, typingTimer = null, lastTyping = 0;
  var welcomed = false;
  var retryTimer = null;

  function post(data) {
    try { window.parent.postMessage(Object.assign({ helpline: "widget" }, data), "*"); } catch (e) {}
  }

  // ---- view ----
  function show(view) {
    ["prechat", "conversation", "offline"].forEach(function (id) { $(id).hidden = id !== view; });
    $("end-chat").hidden = !(view === "conversation" && chat && chat.state !== "ended");
  }
  function setStatus(text) { $("status").textContent = text || ""; }

  function openPanel(open, byUser) {
    isOpen = open;
    $("panel").hidden = !open;
    $("launcher").hidden = open;
    $("launcher").setAttribute("aria-expanded", String(open));
    post({ open: open });
    save();
    if (!byUser) return;
    if (open) {
      $("unread").hidden = true;
      var focus = !$("conversation").hidden ? $("composer-text") : document.querySelector("#panel form:not([hidden]) input, #panel form:not([hidden]) textarea");
      if (focus) focus.focus();
      sendRead();
    } else {
      $("launcher").focus();
    }
  }

  function bubble(text, who, meta, extraClass) {
    var li = document.createElement("li");
    li.className = "line line--" + who + (extraClass ? " " + extraClass : "");
    var author = document.createElement("span");
    author.className = "line__author";
    author.textContent = meta.author;
    var body = document.createElement("p");
    body.className = "line__text";
    body.textContent = text;
    li.appendChild(author);
    li.appendChild(body);
    (meta.files || []).forEach(function (file) {
      var link = document.createElement("a");
      link.className = "line__file";
      link.href = file.url;
      link.setAttribute("download", file.name);
      if (/^image\//.test(file.type)) {
        var img = document.createElement("img");
        img.src = file.url;
        img.alt = file.name;
        link.appendChild(img);
      } else {
        link.textContent = "📎 " + file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      }
      li.replaceChild(link, body);
    });
    if (meta.state) {
      var state = document.createElement("span");
      state.className = "line__state";
      state.textContent = meta.state;
      li.appendChild(state);
    }
    return li;
  }

  function render() {
    var list = $("lines");
    list.textContent = "";
    if (T.welcome) list.appendChild(bubble(T.welcome, "system", { author: "" }));
    var seqs = Object.keys(lines).map(Number).sort(function (a, b) { return a - b; });
    seqs.forEach(function (seq) {
      var line = lines[seq];
      var mine = line.from === "visitor";
      var state = mine ? (seq <= agentReadSeq ? T.read : T.delivered) : "";
      var li = bubble(line.text, line.from, { author: mine ? T.you : (line.author || T.agent), state: state, files: line.files });
      li.dataset.seq = String(seq);
      list.appendChild(li);
    });
    pending.forEach(function (p) {
      var li = bubble(p.text, "visitor", { author: T.you, state: T.sending }, "line--pending");
      li.dataset.cid = p.cid;
      list.appendChild(li);
    });
    if (chat && chat.state === "waiting") list.appendChild(bubble(T.waiting, "system", { author: "" }));
    if (chat && chat.state === "ended") list.appendChild(bubble(T.ended, "system", { author: "" }));
    list.scrollTop = list.scrollHeight;
    var ended = !!(chat && chat.state === "ended");
    $("composer-text").disabled = ended;
    $("composer").hidden = ended;
    $("after").hidden = !ended;
    $("rate").hidden = !ended || !chat.agent || !!chat.rating;
  }

  function addLine(line) {
    if (lines[line.seq]) return false;
    lines[line.seq] = line;
    while (lines[lastSeq + 1]) lastSeq += 1;
    if (line.from === "visitor") dropPending(line.cid);
    else if (!isOpen) { $("unread").hidden = false; $("unread").textContent = "•"; }
    if (line.from === "agent") { $("typing").hidden = true; announce(line.seq); }
    return true;
  }

  // ---- sound: a new agent line while the visitor looks elsewhere (another tab, the host page, the panel shut) ----
  var audio = null, chimeTimer = null;
  function unlockAudio() {
    // Browsers start audio only after a gesture in the frame: the context is made (or resumed) on the first one.
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  function chime() {
    if (!audio) return;
    try {
      var start = audio.currentTime;
      [[880, 0], [1320, 0.12]].forEach(function (note) {
        var tone = audio.createOscillator(), gain = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, start + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.15, start + note[1] + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + note[1] + 0.25);
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(start + note[1]);
        tone.stop(start + note[1] + 0.3);
      });
    } catch (e) { /* no sound is no error */ }
  }
  function announce(seq) {
    if (seq <= heardSeq) return; // replayed after a reconnect or a reload: heard before
    heardSeq = seq;
    save();
    if (muted || (isOpen && !document.hidden && document.hasFocus())) return;
    clearTimeout(chimeTimer); // a burst of lines (a replay) makes one sound
    chimeTimer = setTimeout(chime, 150);
  }
  function showMuted() {
    $("mute").setAttribute("aria-pressed", String(muted));
  }

  function dropPending(cid) {
    var before = pending.length;
    pending = pending.filter(function (p) { return p.cid !== cid; });
    if (pending.length !== before) save();
  }

  function applyState(state) {
    var was = chat;
    chat = state;
    if (state.agent_read_seq) agentReadSeq = Math.max(agentReadSeq, state.agent_read_seq);
    if (state.state === "active" && state.agent && (!was || was.state !== "active")) setStatus(T.joined.replace("%(agent)s", state.agent));
    var changed = !was || was.state !== state.state;
    if (changed && state.state === "waiting") setStatus(T.waiting);
    if (changed && state.state === "ended") { setStatus(T.ended); pending = []; save(); }
    show("conversation");
    render();
  }

  // ---- socket ----
  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socket;
  }
  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); return true; }
    return false;
  }
  function flushPending() {
    if (!chat || chat.state === "ended") return;
    pending.forEach(function (p) { send({ type: "message", cid: p.cid, text: p.text }); });
  }
  function sendRead() {
    if (!isOpen || !chat || document.hidden) return;
    var seqs = Object.keys(lines).map(Number).filter(function (s) { return lines[s].from === "agent"; });
    if (seqs.length) send({ type: "read", seq: Math.max.apply(null, seqs) });
  }
  function hello() { send({ type: "hello", visitor: visitor, last_seq: lastSeq }); }

  function onMessage(data) {
    if (data.type === "welcome") {
      welcomed = true;
      setStatus("");
      reportPage();
      if (data.chat) { applyState(data.chat); flushPending(); }
      else if (!chat) { show(config.online || config.offlineBehaviour !== "form" ? "prechat" : "offline"); }
    } else if (data.type === "line") {
      if (addLine(data.line)) { render(); sendRead(); }
    } else if (data.type === "ack") {
      dropPending(data.cid);
      render();
    } else if (data.type === "state") {
      applyState(data.state);
    } else if (data.type === "typing") {
      $("typing").hidden = !data.active;
    } else if (data.type === "read") {
      agentReadSeq = Math.max(agentReadSeq, data.seq);
      render();
    } else if (data.type === "rated") {
      if (chat) chat.rating = data.rating;
      setStatus(T.rated);
      render();
    } else if (data.type === "transcript_sent") {
      setStatus(T.transcriptSent);
      $("transcript").hidden = true;
    } else if (data.type === "page" || data.type === "invitation" || data.type === "invite") {
      onMonitoring(data);
    } else if (data.type === "error") {
      if (data.about) return; // a page report the server refused: nothing for the visitor to see
      if (data.code === "rate_limited") { // too many lines: say so and send what is pending once allowed
        setStatus(data.detail);
        clearTimeout(retryTimer);
        retryTimer = setTimeout(function () { setStatus(""); flushPending(); }, Math.max(1, data.retry_after || 5) * 1000);
        return;
      }
      if (!data.cid && data.detail) setStatus(data.detail);
      if (data.code === "chat_ended") { pending = []; save(); render(); }
      else if (data.cid && data.code === "invalid") { dropPending(data.cid); render(); }
    }
  }

  function connect() {
    clearTimeout(reconnectTimer);
    try { socket = new WebSocket(socketUrl()); } catch (e) { scheduleReconnect(); return; }
    socket.onopen = function () {
      attempt = 0;
      hello();
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      onMessage(data);
    };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      if (event.code === 4404 || event.code === 4403) return; // the button was switched off, or not for this visitor
      if (chat && chat.state !== "ended") setStatus(T.offline);
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    var delay = Math.min(15000, 500 * Math.pow(2, attempt)) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  // ---- visitor monitoring and proactive invitations ----
  // The loader (host page) hands over the page (address, title, referrer) when tracking is allowed; the frame
  // reports it on the socket, measures the visible time on the page (sent when the page is hidden, and by
  // sendBeacon when it goes away) and shows invitations: a rule's once its time on page has passed, an agent's at
  // once. Accepting opens the chat panel: the usual start flow.
  var hostPage = null, pageView = null, pageSent = false;
  var visibleMs = 0, visibleSince = document.hidden ? 0 : Date.now();
  var dueInvitations = [], invitation = null, invitationTimer = null, invitationEl = null;

  function visibleSeconds() {
    return (visibleMs + (visibleSince ? Date.now() - visibleSince : 0)) / 1000;
  }
  function reportPage() {
    if (!hostPage || !welcomed) return;
    if (pageSent && !pageView) return;
    var report = { type: "page", url: hostPage.url, title: hostPage.title, referrer: hostPage.referrer };
    if (pageView) report.resume = pageView; // a reconnect: the same page view, not a new one
    if (send(report)) pageSent = true;
  }
  function reportTime(beacon) {
    if (!pageView) return;
    var data = { type: "leave", view: pageView, seconds: Math.round(visibleSeconds()) };
    if (!beacon && send(data)) return;
    try {
      var body = JSON.stringify({ visitor: visitor, view: data.view, seconds: data.seconds });
      navigator.sendBeacon("/widget/" + config.key + "/leave/", new Blob([body], { type: "application/json" }));
    } catch (e) {}
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (visibleSince) { visibleMs += Date.now() - visibleSince; visibleSince = 0; }
      reportTime(false);
    } else if (!visibleSince) {
      visibleSince = Date.now();
    }
  });
  window.addEventListener("pagehide", function () { reportTime(true); });

  function chatting() { return !!(chat && chat.state !== "ended"); }
  function hideInvitation(event) {
    if (!invitation) return;
    if (invitation.id && event) send({ type: "invitation", invitation: invitation.id, event: event });
    invitation = null;
    if (invitationEl) invitationEl.hidden = true;
    var launcher = $("launcher");
    post({ size: { width: Math.ceil(launcher.offsetWidth) + 24, height: Math.ceil(launcher.offsetHeight) + 24 } });
  }
  function invitationBox(texts) {
    if (invitationEl) return invitationEl;
    var box = document.createElement("div");
    box.id = "invitation";
    box.className = "invitation";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", texts.label);
    var s = box.style; // CSSOM: allowed by the frame's style-src
    s.position = "fixed"; s.bottom = "84px"; s.maxWidth = "260px"; s.padding = "12px 14px"; s.borderRadius = "12px";
    s.background = "#fff"; s.color = "#111827"; s.boxShadow = "0 4px 18px rgba(0,0,0,.18)";
    if (config.position === "bottom-left") s.left = "12px"; else s.right = "12px";
    var text = document.createElement("p");
    text.id = "invitation-text";
    text.style.margin = "0 0 10px";
    var accept = document.createElement("button");
    accept.type = "button";
    accept.id = "invitation-accept";
    accept.className = "button button--primary";
    accept.textContent = texts.accept;
    var close = document.createElement("button");
    close.type = "button";
    close.id = "invitation-close";
    close.setAttribute("aria-label", texts.dismiss);
    close.textContent = "×";
    var c = close.style;
    c.position = "absolute"; c.top = "2px"; c.right = "6px"; c.border = "0"; c.background = "transparent"; c.fontSize = "18px"; c.cursor = "pointer";
    accept.addEventListener("click", function () { hideInvitation("accepted"); openPanel(true, true); });
    close.addEventListener("click", function () { hideInvitation("dismissed"); });
    box.appendChild(text); box.appendChild(accept); box.appendChild(close);
    document.body.appendChild(box);
    invitationEl = box;
    return box;
  }
  function showInvitation(item, texts) {
    if (invitation || isOpen || chatting() || document.body.hidden) return false;
    invitation = item;
    var box = invitationBox(texts);
    $("invitation-text").textContent = item.agent ? item.agent + ": " + item.message : item.message;
    box.hidden = false;
    post({ size: { width: 300, height: Math.ceil(box.offsetHeight) + 110 } });
    if (item.rule) send({ type: "invitation", rule: item.rule, event: "shown" });
    else send({ type: "invitation", invitation: item.id, event: "shown" });
    return true;
  }
  function checkInvitations() {
    if (!dueInvitations.length) { clearInterval(invitationTimer); invitationTimer = null; return; }
    if (document.hidden || visibleSeconds() < dueInvitations[0].after) return;
    var next = dueInvitations.shift();
    if (!showInvitation({ rule: next.rule, message: next.message }, next.texts)) dueInvitations = [];
  }
  function onMonitoring(data) {
    if (data.type === "page") {
      pageView = data.view || null;
      if (data.invitations && data.invitations.length && !invitation) {
        dueInvitations = data.invitations.map(function (item) { return Object.assign({ texts: data.texts }, item); });
        clearInterval(invitationTimer);
        invitationTimer = setInterval(checkInvitations, 250);
        checkInvitations();
      }
    } else if (data.type === "invitation") {
      if (invitation && invitation.rule === data.rule) invitation.id = data.invitation;
    } else if (data.type === "invite") {
      showInvitation({ id: data.invitation, message: data.message, agent: data.agent }, data.texts);
    }
  }
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var data = event.data || {};
    if (data.helpline !== "host" || !data.page || typeof data.page.url !== "string") return;
    if (hostPage && hostPage.url !== data.page.url) {
      // A single-page site moved to another address without a reload: the time on the old page is reported, and
      // the new address is a page view of its own (the previous page's invitations no longer apply).
      reportTime(false);
      pageView = null; pageSent = false;
      visibleMs = 0; visibleSince = document.hidden ? 0 : Date.now();
      dueInvitations = [];
    }
    hostPage = { url: data.page.url, title: String(data.page.title || ""), referrer: String(data.page.referrer || "") };
    reportPage();
  });

  // ---- forms ----
  function formData(form, prefix) {
    var data = { visitor: visitor, fields: {}, page: new URLSearchParams(location.search).get("page") || "" };
    form.querySelectorAll("input, textarea").forEach(function (el) {
      if (el.hasAttribute("data-custom")) data.fields[el.name] = el.value;
      else data[el.name] = el.value;
    });
    return data;
  }
  function showErrors(form, prefix, errors) {
    form.querySelectorAll(".field-error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var p = $(prefix + name);
      var input = form.querySelector("[name='" + name + "']");
      if (p) { p.textContent = errors[name]; p.hidden = false; }
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (p) input.setAttribute("aria-describedby", p.id);
        first = first || input;
      }
    });
    if (first) first.focus();
  }
  function submitJson(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
      credentials: "omit",
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }

  $("prechat").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    submitJson(config.start, formData(form)).then(function (result) {
      button.disabled = false;
      if (result.status === 201) {
        showErrors(form, "e-", {});
        applyState(result.body.chat);
        if (result.body.chat.state === "ended" && config.offlineBehaviour === "form") {
          $("o-name").value = (form.querySelector("[name=name]") || {}).value || "";
          $("o-email").value = (form.querySelector("[name=email]") || {}).value || "";
          $("o-message").value = form.querySelector("[name=message]").value;
          show("offline");
          return;
        }
        if (!send({ type: "hello", visitor: visitor, last_seq: lastSeq })) connect();
        $("composer-text").focus();
      } else {
        setStatus(result.body.detail || T.error);
        showErrors(form, "e-", result.body.errors || {});
      }
    }).catch(function () { button.disabled = false; setStatus(T.error); });
  });

  $("offline").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    submitJson(config.offline, formData(form)).then(function (result) {
      if (result.status === 201) {
        showErrors(form, "oe-", {});
        form.hidden = true;
        setStatus(T.offlineSent);
      } else {
        setStatus(result.body.detail || T.error);
        showErrors(form, "oe-", result.body.errors || {});
      }
    }).catch(function () { setStatus(T.error); });
  });

  $("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("composer-text");
    var text = box.value.trim();
    if (!text || !chat || chat.state === "ended") return;
    var item = { cid: randomId(12), text: text };
    pending.push(item);
    save();
    box.value = "";
    send({ type: "typing", text: "" });
    send({ type: "message", cid: item.cid, text: item.text });
    render();
  });
  $("composer-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer-text").addEventListener("input", function () {
    // The agent sees a live preview of the draft: throttled to a few updates a second.
    var now = Date.now();
    clearTimeout(typingTimer);
    var value = $("composer-text").value;
    if (now - lastTyping > 300) { lastTyping = now; send({ type: "typing", text: value }); }
    else typingTimer = setTimeout(function () { lastTyping = Date.now(); send({ type: "typing", text: $("composer-text").value }); }, 300);
  });

  var rating = "";
  document.querySelectorAll("[data-rating]").forEach(function (button) {
    button.addEventListener("click", function () {
      rating = button.dataset.rating;
      document.querySelectorAll("[data-rating]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      $("rate").querySelector("button[type=submit]").disabled = false;
    });
  });
  $("rate").addEventListener("submit", function (event) {
    event.preventDefault();
    if (rating) send({ type: "rate", rating: rating, comment: $("rate-comment").value });
  });
  $("transcript").addEventListener("submit", function (event) {
    event.preventDefault();
    var email = $("transcript-email").value.trim();
    if (email) send({ type: "transcript", email: email });
  });
  $("attach").addEventListener("change", function () {
    var input = $("attach");
    var file = input.files && input.files[0];
    if (!file || !chat || chat.state === "ended") return;
    var data = new FormData();
    data.append("visitor", visitor);
    data.append("cid", randomId(12));
    data.append("file", file);
    setStatus(T.uploading);
    fetch(config.upload, { method: "POST", body: data, credentials: "omit" })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (result) {
        input.value = "";
        setStatus(result.status === 201 ? "" : (result.body.detail || T.error));
      })
      .catch(function () { input.value = ""; setStatus(T.error); });
  });
  $("end-chat").addEventListener("click", function () { send({ type: "end" }); });
  $("mute").addEventListener("click", function () { muted = !muted; showMuted(); save(); });
  ["pointerdown", "keydown"].forEach(function (kind) { document.addEventListener(kind, unlockAudio, true); });
  $("launcher").addEventListener("click", function () { openPanel(true, true); });
  $("close").addEventListener("click", function () { openPanel(false, true); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape" && isOpen) openPanel(false, true); });
  document.addEventListener("visibilitychange", sendRead);

  // ---- start ----
  save();
  var launcher = $("launcher");
  post({ size: { width: Math.ceil(launcher.offsetWidth) + 24, height: Math.ceil(launcher.offsetHeight) + 24 } });
  post({ ready: true }); // the loader answers with the host page, when it may report it
  if (!config.online && config.offlineBehaviour === "hide" && !pending.length) {
    document.body.hidden = true;
    post({ size: { width: 0, height: 0 }, open: false });
    return;
  }
  showMuted();
  openPanel(isOpen, false);
  show(config.online || config.offlineBehaviour !== "form" ? "prechat" : "offline");
  connect();
})();

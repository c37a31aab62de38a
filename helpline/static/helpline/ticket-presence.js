/* Collision detection on the ticket page. Over the agent socket (realtime.js): tell the server which ticket this
   tab shows and whether a reply is being written, and show the other agents doing the same ("Ada is viewing",
   "Ada is replying…"). Viewers not heard from for a while are forgotten (the server repeats each state on every
   ping). A reply posts the newest message on screen when its draft began ("seen"): the server refuses when another
   agent has replied since, and shows that reply. */
(function () {
  "use strict";
  var FORGET_AFTER_MS = 70000; // pings come every 25 s
  var REPLYING_IDLE_MS = 60000; // a draft nobody touched for a minute is no longer "being written"
  var viewers = {}; // viewer token → {agent, name, state, heard}
  var current = null;
  var replying = false;
  var idleTimer = null;

  function page() { return document.querySelector("[data-open-ticket]"); }
  function box() { return document.querySelector("[data-ticket-presence]"); }
  function send(frame) { if (window.HelplineSocket) window.HelplineSocket.send(frame); }
  function replyForm() { return document.querySelector('#composer form[data-composer="reply"]'); }

  function render() {
    var el = box();
    if (!el) return;
    var agents = {};
    Object.keys(viewers).forEach(function (token) {
      var v = viewers[token];
      var known = agents[v.agent];
      if (!known) agents[v.agent] = { name: v.name, state: v.state };
      else if (v.state === "replying") known.state = "replying";
    });
    el.textContent = "";
    Object.keys(agents).sort(function (a, b) { return agents[a].name.localeCompare(agents[b].name); }).forEach(function (id) {
      var a = agents[id];
      var chip = document.createElement("span");
      chip.className = "presence-chip presence-chip--" + a.state;
      chip.dataset.viewer = id;
      chip.dataset.state = a.state;
      var avatar = document.createElement("span");
      avatar.className = "avatar avatar--small";
      avatar.setAttribute("aria-hidden", "true");
      avatar.textContent = (a.name || "?").slice(0, 1).toUpperCase();
      var label = document.createElement("span");
      label.className = "presence-chip__label";
      label.textContent = (a.state === "replying" ? el.dataset.replying : el.dataset.viewing).replace("%(name)s", a.name);
      chip.append(avatar, label);
      el.appendChild(chip);
    });
    el.hidden = !el.children.length;
  }

  function announce(fresh) {
    var p = page();
    var ticket = p ? p.dataset.openTicket : null;
    if (fresh || ticket !== current) { viewers = {}; render(); }
    if (!ticket) { if (current) send({ type: "leave" }); current = null; return; }
    if (fresh || ticket !== current) {
      send({ type: "view", ticket: ticket });
      if (replying) send({ type: "replying", active: true });
    }
    current = ticket;
  }

  function setReplying(active) {
    clearTimeout(idleTimer);
    if (active) idleTimer = setTimeout(function () { setReplying(false); }, REPLYING_IDLE_MS);
    if (active === replying) return;
    replying = active;
    send({ type: "replying", active: active });
  }

  function draftOf(form) {
    var body = form && form.querySelector("[name=body]");
    return body ? body.value.trim() : "";
  }

  document.addEventListener("helpline:socket", function (event) {
    var data = event.detail;
    if (data.event !== "ticket.presence" || data.ticket !== current) return;
    if (data.state === "left") delete viewers[data.viewer];
    else viewers[data.viewer] = { agent: data.agent, name: data.name, state: data.state, heard: Date.now() };
    render();
  });
  document.addEventListener("helpline:socket-open", function () { announce(true); });

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest('#composer form[data-composer="reply"]');
    if (!form) return;
    setTimeout(function () { // after the editor copied its content
      var writing = draftOf(form) !== "";
      if (writing && !form.dataset.draftBegun) noteSeen(form);
      if (writing) form.dataset.draftBegun = "1";
      else delete form.dataset.draftBegun;
      setReplying(writing);
    }, 0);
  });

  // The reply says which message was the newest on screen when its draft began: anything another agent sent after
  // that came while this one was writing, even if the live thread showed it meanwhile.
  function noteSeen(form) {
    var seen = form.querySelector("[data-seen-message]");
    var messages = document.querySelectorAll("#thread [data-message]");
    if (seen && messages.length) seen.value = messages[messages.length - 1].dataset.message;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    announce(false);
    if (event.detail.target && event.detail.target.id === "composer") setReplying(draftOf(replyForm()) !== "");
  });

  setInterval(function () {
    var now = Date.now();
    var changed = false;
    Object.keys(viewers).forEach(function (token) {
      if (now - viewers[token].heard > FORGET_AFTER_MS) { delete viewers[token]; changed = true; }
    });
    if (changed) render();
  }, 10000);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { announce(false); });
  else announce(false);
})();

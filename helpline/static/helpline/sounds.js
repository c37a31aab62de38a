/* Notification sounds, as each agent chose them (Settings → Notification sounds; GET /agent/sounds/ gives
   {event: url or "" when muted}). A new ticket sounds "new_ticket"; a customer message sounds "new_message" when it
   is on the ticket on screen or in one of the agent's tabs. The chat console (HelplineSounds.play) rings with
   "chat_ring" and sounds "new_message" for a visitor's line in a chat out of sight. A changed choice reaches open
   pages over the socket. The settings page's Play buttons preview the chosen or picked sound. */
(function () {
  "use strict";
  var urls = null;
  var loading = null;
  var lastPlayed = 0;

  function nav() { return document.querySelector("[data-sounds-url]"); }

  function load() {
    if (urls) return Promise.resolve(urls);
    if (loading) return loading;
    var el = nav();
    if (!el) return Promise.resolve({});
    loading = fetch(el.dataset.soundsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { sounds: {} }; })
      .then(function (body) { urls = body.sounds || {}; loading = null; return urls; })
      .catch(function () { loading = null; return {}; });
    return loading;
  }

  function playUrl(url) {
    if (!url) return;
    try { new Audio(url).play().catch(function () { /* autoplay blocked until the agent interacts */ }); } catch (e) {}
  }

  function play(event) {
    return load().then(function (found) {
      var now = Date.now();
      if (!found[event] || now - lastPlayed < 1500) return; // a burst of events sounds once
      lastPlayed = now;
      playUrl(found[event]);
    });
  }

  function workingOn(ticket) {
    var page = document.querySelector("[data-open-ticket]");
    if (page && page.dataset.openTicket === ticket) return true;
    var tabs = document.querySelector("[data-ticket-tabs]");
    try {
      var list = JSON.parse(localStorage.getItem(tabs && tabs.dataset.storageKey) || "[]");
      return Array.isArray(list) && list.some(function (t) { return t && t.id === ticket; });
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("helpline:socket", function (event) {
    var data = event.detail;
    if (data.event === "workspace.sound_changed") urls = null;
    else if (data.event === "ticket.created") play("new_ticket");
    else if (data.event === "message.received" && data.ticket && workingOn(data.ticket)) play("new_message");
  });

  // Settings: preview what is picked (a file not yet uploaded plays from the browser).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-sound-preview]");
    if (!button) return;
    var form = button.closest("form");
    var file = form.querySelector("input[type=file]").files[0];
    if (file) { playUrl(URL.createObjectURL(file)); return; }
    var option = form.querySelector("[data-sound-select]").selectedOptions[0];
    playUrl(option && option.dataset.url);
  });

  window.HelplineSounds = { play: play };
})();

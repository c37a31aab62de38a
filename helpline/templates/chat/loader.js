{% comment %}Helpline chat widget loader. Inserts one iframe; everything else runs inside it, on Helpline's origin.
   Never throws into the host page. (Comments are template comments: they do not ship.){% endcomment %}
(function () {
  try {
    var config = {{ config|safe }};
    if (window.__helplineChat && window.__helplineChat[config.key]) return;
    window.__helplineChat = window.__helplineChat || {};
    window.__helplineChat[config.key] = true;
    var closedSize = { width: 88, height: 88 };
    var storeKey = "helpline-chat:" + config.key;
    {# Visitor monitoring: the page (address, title, referrer) is handed to the frame, which reports it. With page #}
    {# tracking off, or Do Not Track set when the account honours it, nothing about the page leaves this script. #}
    var doNotTrack = false;
    try { doNotTrack = navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.msDoNotTrack === "1"; } catch (e) {}
    var track = !!config.tracking && !(config.honourDnt && doNotTrack);

    function place(frame, open) {
      var small = window.innerWidth < 480;
      var s = frame.style;
      if (open && small) {
        s.width = "100%"; s.height = "100%"; s.bottom = "0"; s.left = "0"; s.right = "0";
        return;
      }
      s.width = (open ? Math.min(400, window.innerWidth - 16) : closedSize.width) + "px";
      s.height = (open ? Math.min(640, window.innerHeight - 16) : closedSize.height) + "px";
      s.bottom = "8px";
      if (config.position === "bottom-left") { s.left = "8px"; s.right = "auto"; }
      else { s.right = "8px"; s.left = "auto"; }
    }

    function insert() {
      try {
        var frame = document.createElement("iframe");
        var page = "";
        try { page = track ? String(window.location.href).slice(0, 500) : ""; } catch (e) { page = ""; }
        {# The frame keeps the visitor id and unsent messages in its own storage; where the browser denies #}
        {# storage to third-party frames, they live in this page's storage and travel in the URL fragment. #}
        var stored = "";
        try { stored = window.localStorage.getItem(storeKey) || ""; } catch (e) { stored = ""; }
        frame.src = config.frame + (page ? "?page=" + encodeURIComponent(page) : "") + "#" + encodeURIComponent(stored);
        frame.title = config.title;
        frame.setAttribute("data-helpline-chat", config.key);
        frame.setAttribute("allow", "autoplay");
        var s = frame.style;
        s.position = "fixed"; s.border = "0"; s.zIndex = "2147483000"; s.background = "transparent";
        s.colorScheme = "normal"; s.maxWidth = "100%"; s.maxHeight = "100%";
        var open = false, ready = false, reported = "", navTimer = null;
        place(frame, open);
        function handOver() {
          reported = String(window.location.href);
          frame.contentWindow.postMessage({
            helpline: "host",
            page: {
              url: reported.slice(0, 2000),
              title: String(document.title || "").slice(0, 300),
              referrer: String(document.referrer || "").slice(0, 2000)
            }
          }, config.origin);
        }
        {# Single-page sites change the address without a reload (history.pushState / replaceState, back and #}
        {# forward): each new address is handed over as a page view, once the site had a moment to set its title. #}
        function navigated() {
          try {
            clearTimeout(navTimer);
            navTimer = setTimeout(function () {
              try { if (ready && String(window.location.href) !== reported) handOver(); } catch (e) {}
            }, 300);
          } catch (e) {}
        }
        if (track && window.history) {
          ["pushState", "replaceState"].forEach(function (name) {
            var original = window.history[name];
            if (typeof original !== "function") return;
            window.history[name] = function () {
              var result = original.apply(this, arguments);
              navigated();
              return result;
            };
          });
          window.addEventListener("popstate", navigated);
          window.addEventListener("hashchange", navigated);
        }
        window.addEventListener("message", function (event) {
          try {
            if (event.origin !== config.origin || event.source !== frame.contentWindow) return;
            var data = event.data || {};
            if (data.helpline !== "widget") return;
            if (data.ready && track) {
              ready = true;
              handOver();
            }
            if (data.size) { closedSize = data.size; }
            if (typeof data.store === "string" && data.store.length < 100000) {
              try { window.localStorage.setItem(storeKey, data.store); } catch (e) {}
            }
            if (typeof data.open === "boolean") open = data.open;
            place(frame, open);
          } catch (e) { /* never break the host page */ }
        });
        window.addEventListener("resize", function () { try { place(frame, open); } catch (e) {} });
        (document.body || document.documentElement).appendChild(frame);
      } catch (e) { /* never break the host page */ }
    }

    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", insert);
    else insert();
  } catch (e) { /* never break the host page */ }
})();

/* Helpline chat widget loader. Inserts one iframe; everything else runs inside it, on Helpline's origin.
   Never throws into the host page. */
(function () {
  try {
    var config = {{ config|safe }};
    if (window.__helplineChat && window.__helplineChat[config.key]) return;
    window.__helplineChat = window.__helplineChat || {};
    window.__helplineChat[config.key] = true;
    var closedSize = { width: 88, height: 88 };
    var storeKey = "helpline-chat:" + config.key;
    // Visitor monitoring: the page (address, title, referrer) is handed to the frame, which reports it. With page
    // tracking off, or Do Not Track set when the account honours it, nothing about the page leaves this script.
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
        // The frame keeps the visitor id and unsent messages in its own storage; where the browser denies
        // storage to third-party frames, they live in this page's storage and travel in the URL fragment.
        var stored = "";
        try { stored = window.localStorage.getItem(storeKey) || ""; } catch (e) { stored = ""; }
        frame.src = config.frame + (page ? "?page=" + encodeURIComponent(page) : "") + "#" + encodeURIComponent(stored);
        frame.title = config.title;
        frame.setAttribute("data-helpline-chat", config.key);
        frame.setAttribute("allow", "autoplay");
        var s = frame.style;
        s.position = "fixed"; s.border = "0"; s.zIndex = "2147483000"; s.background = "transparent";
        s.colorScheme = "normal"; s.maxWidth = "100%"; s.maxHeight = "100%";
        var open = false;
        place(frame, open);
        window.addEventListener("message", function (event) {
          try {
            if (event.origin !== config.origin || event.source !== frame.contentWindow) return;
            var data = event.data || {};
            if (data.helpline !== "widget") return;
            if (data.ready && track) {
              frame.contentWindow.postMessage({
                helpline: "host",
                page: {
                  url: String(window.location.href).slice(0, 2000),
                  title: String(document.title || "").slice(0, 300),
                  referrer: String(document.referrer || "").slice(0, 2000)
                }
              }, config.origin);
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

/* Ticket tabs: every ticket the agent opens gets a tab in the strip above the page; a tab's × closes it (closing
   the ticket on screen moves to the next tab, or to the inbox). The list lives in this browser's localStorage under
   a key of the account and the agent, so it comes back after a reload or a restart, other windows follow along
   (storage event), and another agent or account signed in on the same browser sees only their own. */
(function () {
  "use strict";
  var MAX_TABS = 20; // opening one more closes the tab used least recently

  function strip() { return document.querySelector("[data-ticket-tabs]"); }

  function load(nav) {
    try {
      var tabs = JSON.parse(localStorage.getItem(nav.dataset.storageKey) || "[]");
      return Array.isArray(tabs) ? tabs.filter(function (t) { return t && typeof t.id === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(nav, tabs) {
    try { localStorage.setItem(nav.dataset.storageKey, JSON.stringify(tabs)); } catch (e) { /* private mode */ }
  }

  function ticketUrl(id) { return "/agent/tickets/" + encodeURIComponent(id) + "/"; }

  function current() {
    var page = document.querySelector("[data-open-ticket]");
    return page ? { id: page.dataset.openTicket, code: page.dataset.ticketCode || "", subject: page.dataset.ticketSubject || "" } : null;
  }

  function render(nav) {
    var tabs = load(nav);
    var open = current();
    nav.textContent = "";
    tabs.forEach(function (tab) {
      var active = open && open.id === tab.id;
      var item = document.createElement("div");
      item.className = "ticket-tab" + (active ? " ticket-tab--active" : "");
      item.dataset.ticketTab = tab.id;
      var link = document.createElement("a");
      link.className = "ticket-tab__link";
      link.href = ticketUrl(tab.id);
      link.title = (tab.code ? "#" + tab.code + " " : "") + tab.subject;
      if (active) link.setAttribute("aria-current", "page");
      var code = document.createElement("span");
      code.className = "ticket-tab__code";
      code.textContent = tab.code ? "#" + tab.code : "";
      var subject = document.createElement("span");
      subject.className = "ticket-tab__subject";
      subject.textContent = tab.subject;
      link.append(code, subject);
      var close = document.createElement("button");
      close.type = "button";
      close.className = "ticket-tab__close";
      close.dataset.closeTab = tab.id;
      close.setAttribute("aria-label", nav.dataset.closeLabel + ": " + tab.subject);
      close.title = nav.dataset.closeLabel;
      close.textContent = "×";
      item.append(link, close);
      nav.appendChild(item);
    });
    nav.hidden = !tabs.length;
  }

  function remember(nav) {
    var open = current();
    if (!open) return;
    var tabs = load(nav);
    var known = tabs.find(function (t) { return t.id === open.id; });
    if (known) {
      known.code = open.code;
      known.subject = open.subject; // the subject may have changed since
    } else {
      tabs.push(open);
    }
    open.used = Date.now();
    if (known) known.used = open.used;
    while (tabs.length > MAX_TABS) {
      var oldest = tabs.reduce(function (a, b) { return (a.used || 0) <= (b.used || 0) ? a : b; });
      tabs.splice(tabs.indexOf(oldest), 1);
    }
    save(nav, tabs);
  }

  function closeTab(nav, id) {
    var tabs = load(nav);
    var index = tabs.findIndex(function (t) { return t.id === id; });
    if (index === -1) return;
    tabs.splice(index, 1);
    save(nav, tabs);
    var open = current();
    if (open && open.id === id) {
      var next = tabs[index] || tabs[index - 1];
      location.assign(next ? ticketUrl(next.id) : nav.dataset.inboxUrl);
      return;
    }
    render(nav);
  }

  function start() {
    var nav = strip();
    if (!nav || nav._ticketTabs) return; // a boosted page swaps in a fresh strip: set that one up too
    nav._ticketTabs = true;
    remember(nav);
    render(nav);
    nav.addEventListener("click", function (event) {
      var button = event.target.closest("[data-close-tab]");
      if (button) closeTab(nav, button.dataset.closeTab);
    });
    nav.addEventListener("auxclick", function (event) { // middle click closes, as in a browser
      var item = event.button === 1 && event.target.closest("[data-ticket-tab]");
      if (item) { event.preventDefault(); closeTab(nav, item.dataset.ticketTab); }
    });
  }

  window.addEventListener("storage", function (event) {
    var nav = strip();
    if (nav && event.key === nav.dataset.storageKey) render(nav);
  });
  document.addEventListener("htmx:afterSettle", start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

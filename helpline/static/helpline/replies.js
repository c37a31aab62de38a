/* Canned messages and predefined answers in the reply boxes.
   Any textarea with data-canned="<url>": typing "/" and a few letters opens a listbox of the agent's canned
   messages (already rendered for the ticket by the server); arrows move, Enter or Tab inserts at the cursor,
   Escape closes. A select[data-answer-picker] fills its textarea with a whole predefined answer; the form sends the
   answer's id, so the server adds its files and makes its follow-up changes. */
(function () {
  "use strict";
  var TOKEN = /(^|\s)\/([\w-]{0,32})$/;
  var state = null; // {input, list, items, index, start, timer}
  var counter = 0;

  // The rich editor (editor.js) is a contenteditable box: there the token is looked for in the text node at the caret.
  function caretText(input) {
    var selection = getSelection();
    if (!selection.rangeCount || !selection.isCollapsed) return null;
    var node = selection.anchorNode;
    if (!node || node.nodeType !== 3 || !input.contains(node)) return null;
    return { node: node, before: node.data.slice(0, selection.anchorOffset) };
  }

  function tokenAt(input) {
    if (input.isContentEditable) {
      var caret = caretText(input);
      var found = caret && TOKEN.exec(caret.before);
      return found ? { query: found[2], start: caret.before.length - found[2].length - 1 } : null;
    }
    var before = input.value.slice(0, input.selectionStart);
    if (input.selectionStart !== input.selectionEnd) return null;
    var match = TOKEN.exec(before);
    if (!match) return null;
    return { query: match[2], start: before.length - match[2].length - 1 };
  }

  function ensureList(input) {
    if (input._cannedList) return input._cannedList;
    var list = document.createElement("ul");
    list.id = "canned-list-" + (++counter);
    list.className = "canned-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.cannedLabel || "Canned messages");
    list.hidden = true;
    list.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the caret
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option && state && state.list === list) { state.index = Number(option.dataset.index); insert(); }
    });
    var parent = input.parentNode;
    if (getComputedStyle(parent).position === "static") parent.style.position = "relative";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input._cannedList = list;
    return list;
  }

  function place(input, list) {
    list.style.left = input.offsetLeft + "px";
    list.style.top = input.offsetTop + input.offsetHeight + "px";
    list.style.minWidth = Math.min(input.offsetWidth, 420) + "px";
  }

  function close() {
    if (!state) return;
    clearTimeout(state.timer);
    state.list.hidden = true;
    state.input.setAttribute("aria-expanded", "false");
    state.input.removeAttribute("aria-activedescendant");
    state = null;
  }

  function highlight() {
    Array.from(state.list.children).forEach(function (option, i) {
      var on = i === state.index;
      option.setAttribute("aria-selected", String(on));
      option.classList.toggle("canned-list__option--active", on);
      if (on) {
        state.input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function render() {
    var list = state.list;
    list.textContent = "";
    if (!state.items.length) {
      var empty = document.createElement("li");
      empty.className = "canned-list__empty muted";
      empty.setAttribute("role", "presentation");
      empty.textContent = state.input.dataset.cannedEmpty || "No canned message matches.";
      list.appendChild(empty);
      state.input.removeAttribute("aria-activedescendant");
    }
    state.items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.className = "canned-list__option";
      option.setAttribute("role", "option");
      option.dataset.index = String(i);
      option.dataset.shortcut = item.shortcut;
      var name = document.createElement("strong");
      name.textContent = item.name;
      option.appendChild(name);
      if (item.shortcut) {
        var shortcut = document.createElement("code");
        shortcut.textContent = " /" + item.shortcut;
        option.appendChild(shortcut);
      }
      var preview = document.createElement("span");
      preview.className = "canned-list__preview muted";
      preview.textContent = item.text.length > 90 ? item.text.slice(0, 90) + "…" : item.text;
      option.appendChild(preview);
      list.appendChild(option);
    });
    place(state.input, list);
    list.hidden = false;
    state.input.setAttribute("aria-expanded", "true");
    if (state.items.length) highlight();
  }

  function search(input, token) {
    var list = ensureList(input);
    if (!state || state.input !== input) { close(); state = { input: input, list: list, items: [], index: 0 }; }
    state.start = token.start;
    clearTimeout(state.timer);
    var current = state;
    current.timer = setTimeout(function () {
      var url = input.dataset.canned + (input.dataset.canned.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(token.query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          if (state !== current) return;
          current.items = body.items || [];
          current.index = 0;
          render();
        });
    }, 120);
  }

  function insert() {
    var item = state && state.items[state.index];
    if (!item) return;
    var input = state.input, end = input.selectionStart, start = state.start;
    close();
    if (input.isContentEditable) {
      var caret = caretText(input);
      if (!caret) return;
      var range = document.createRange();
      range.setStart(caret.node, start);
      range.setEnd(caret.node, caret.before.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      input._cannedInserting = true;
      document.execCommand("insertText", false, item.text); // fires "input" itself, and stays undoable
      input._cannedInserting = false;
      return;
    }
    input.value = input.value.slice(0, start) + item.text + input.value.slice(end);
    var caret = start + item.text.length;
    input.setSelectionRange(caret, caret);
    input.focus();
    input._cannedInserting = true;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input._cannedInserting = false;
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("textarea[data-canned], [contenteditable][data-canned]") || input._cannedInserting) return;
    var token = tokenAt(input);
    if (token) search(input, token);
    else if (state && state.input === input) close();
  });

  // Capture phase: runs before the box's own handlers (the chat console sends on Enter).
  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.input || state.list.hidden) return;
    var handled = true;
    if (event.key === "ArrowDown" && state.items.length) { state.index = (state.index + 1) % state.items.length; highlight(); }
    else if (event.key === "ArrowUp" && state.items.length) { state.index = (state.index - 1 + state.items.length) % state.items.length; highlight(); }
    else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && !event.ctrlKey && !event.metaKey && state.items.length) insert();
    else if (event.key === "Escape") close();
    else handled = false;
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }, true);

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.input) setTimeout(function () { if (state && document.activeElement !== state.input) close(); }, 150);
  });

  // ---- Predefined answers ----
  function loadAnswers(select) {
    if (select.dataset.loaded) return;
    select.dataset.loaded = "1";
    fetch(select.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) {
        select._answers = {};
        (body.items || []).forEach(function (item) {
          select._answers[item.id] = item;
          var option = document.createElement("option");
          option.value = item.id;
          option.textContent = item.name;
          select.appendChild(option);
        });
        select.closest("[data-answer-picker-wrap]").hidden = !(body.items || []).length;
      });
  }

  function summary(select, item) {
    var parts = [];
    if (item.files.length) parts.push(select.dataset.filesLabel + " " + item.files.join(", "));
    if (item.status) parts.push(select.dataset.statusLabel + " " + item.status);
    if (item.tags.length) parts.push(select.dataset.tagsLabel + " " + item.tags.join(", "));
    return parts.join(" · ");
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-answer-picker]")) return;
    var item = (select._answers || {})[select.value];
    var target = document.getElementById(select.dataset.target);
    var note = select.closest("[data-answer-picker-wrap]").querySelector("[data-answer-summary]");
    note.textContent = item ? summary(select, item) : "";
    if (item && target) { target.value = item.text; target.focus(); }
  });

  function ready() { document.querySelectorAll("select[data-answer-picker]").forEach(loadAnswers); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.addEventListener("htmx:afterSettle", ready);
})();

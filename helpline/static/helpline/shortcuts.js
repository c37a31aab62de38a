/* Keyboard shortcuts of the workspace, listed on the help overlay ("?"): j/k move through the inbox and Enter
   opens the ticket; on a ticket r and n focus the reply and note boxes, a assigns it to me, e resolves it;
   g then i goes back to the inbox. Keys typed into a field are left alone. */
(function () {
  "use strict";
  var SEQUENCE_MS = 1000;
  var pendingG = 0; // when "g" was pressed, waiting for its second key

  function help() {
    return document.getElementById("shortcuts-help");
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]"));
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-inbox-list] a.ticket-row"));
  }

  function currentRow(list) {
    var index = list.indexOf(document.activeElement);
    if (index >= 0) return index;
    return list.findIndex(function (row) { return row.classList.contains("ticket-row--current"); });
  }

  function moveRow(step) {
    var list = rows();
    if (!list.length) return false;
    var index = currentRow(list);
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(index + step, 0), list.length - 1);
    list.forEach(function (row) { row.classList.remove("ticket-row--current"); });
    list[index].classList.add("ticket-row--current");
    list[index].focus();
    list[index].scrollIntoView({ block: "nearest" });
    return true;
  }

  function openRow() {
    var list = rows();
    var index = currentRow(list);
    if (index < 0) return false;
    list[index].click();
    return true;
  }

  function composerTab(index, fieldId) {
    var tabs = document.querySelectorAll("#composer [role=tab]");
    var field = document.getElementById(fieldId);
    if (!field) return false;
    if (tabs[index]) tabs[index].click(); // Alpine shows the form and focuses its box
    setTimeout(function () { field.focus(); }, 0);
    field.focus();
    return true;
  }

  function choose(selectId, predicate) {
    var select = document.getElementById(selectId);
    if (!select) return false;
    var option = Array.from(select.options).find(predicate);
    if (!option || option.selected) return Boolean(option);
    select.value = option.value;
    if (window.htmx && select.form) window.htmx.process(select.form); // a panel swapped in a moment ago is bound now
    select.dispatchEvent(new Event("change", { bubbles: true })); // the panel form posts on change
    return true;
  }

  function openHelp() {
    var dialog = help();
    if (!dialog || dialog.open) return false;
    dialog.showModal(); // a modal dialog: focus moves in and Esc closes it
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var dialog = help();
    if (dialog && dialog.open) return; // Esc and the close button are the dialog's own
    var key = event.key;
    if (pendingG && Date.now() - pendingG < SEQUENCE_MS) {
      pendingG = 0;
      if (key === "i" && dialog && dialog.dataset.inboxUrl) {
        event.preventDefault();
        window.location.assign(dialog.dataset.inboxUrl);
      }
      return;
    }
    pendingG = 0;
    var handled = false;
    if (key === "?") handled = openHelp();
    else if (key === "g") { pendingG = Date.now(); handled = true; }
    else if (key === "j") handled = moveRow(1);
    else if (key === "k") handled = moveRow(-1);
    else if (key === "Enter" && !(event.target.closest && event.target.closest("a, button"))) handled = openRow();
    else if (key === "r") handled = composerTab(0, "reply-body");
    else if (key === "n") handled = composerTab(1, "note-body");
    else if (key === "a") handled = choose("ticket-assignee", function (o) { return o.hasAttribute("data-me"); });
    else if (key === "e") handled = choose("ticket-status", function (o) { return o.value === "resolved"; });
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-shortcuts-close]");
    if (close && help()) help().close();
    var open = event.target.closest && event.target.closest("[data-shortcuts-open]");
    if (open) openHelp();
  });
})();

/* Bulk actions in the inbox: row checkboxes, "select all matching this filter", the action bar, and the job's
   progress (helpline/templates/agent/_bulk_bar.html, _bulk_job.html). The selection survives the list's live
   refreshes and paging: it is kept here, not in the rows. */
(function () {
  "use strict";
  var selected = new Set();
  var everything = false;

  function form() { return document.querySelector("[data-bulk-form]"); }
  function checks() { return Array.from(document.querySelectorAll("[data-bulk-check]")); }
  function format(template, n) { return (template || "").replace("%(n)s", n); }

  function matchingCount() {
    var active = document.querySelector("#status-counts .nav-link--active .count");
    return active ? active.textContent.trim() : "";
  }

  function render() {
    var bar = form();
    if (!bar) return;
    checks().forEach(function (box) { box.checked = everything || selected.has(box.value); });
    var onPage = checks();
    var page = bar.querySelector("[data-bulk-page]");
    page.checked = onPage.length > 0 && onPage.every(function (box) { return box.checked; });
    var count = bar.querySelector("[data-bulk-count]");
    var more = bar.querySelector("[data-bulk-everything]");
    var matching = matchingCount();
    bar.querySelector("[data-bulk-scope]").value = everything ? "filter" : "selected";
    bar.querySelector("[data-bulk-query]").value = everything ? location.search.replace(/^\?/, "") : "";
    if (everything) {
      count.textContent = format(bar.dataset.everythingLabel, matching);
      more.hidden = true;
    } else {
      count.textContent = selected.size ? format(bar.dataset.selectedLabel, selected.size) : count.dataset.empty;
      more.hidden = !(page.checked && matching);
      more.textContent = format(bar.dataset.matchingLabel, matching);
    }
    bar.querySelector("[data-bulk-controls]").hidden = !(everything || selected.size);
    bar.classList.toggle("bulk-bar--active", everything || selected.size > 0);
  }

  function clear() {
    selected.clear();
    everything = false;
    render();
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-bulk-check]")) {
      if (everything) { // narrowing "everything" down to a hand-picked selection starts from this page
        everything = false;
        checks().forEach(function (other) { selected.add(other.value); });
      }
      (box.checked ? selected.add(box.value) : selected.delete(box.value));
      render();
    } else if (box.matches && box.matches("[data-bulk-page]")) {
      everything = false;
      checks().forEach(function (other) { (box.checked ? selected.add(other.value) : selected.delete(other.value)); });
      render();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-bulk-everything], [data-bulk-clear]");
    if (!target) return;
    if (target.matches("[data-bulk-clear]")) { clear(); return; }
    everything = true;
    render();
  });

  // The posted selection is the kept one (rows of other pages included), not only the boxes on screen.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt !== form()) return;
    var params = event.detail.parameters;
    params.delete("tickets");
    if (!everything) selected.forEach(function (id) { params.append("tickets", id); });
    params.set("filter_query", everything ? location.search.replace(/^\?/, "") : "");
  });

  document.addEventListener("htmx:confirm", function (event) {
    if (event.detail.elt !== form()) return;
    var option = form().querySelector("select[name=action]").selectedOptions[0];
    if (option && option.dataset.confirm && !window.confirm(option.dataset.confirm)) event.preventDefault();
  });

  // A finished job: the selection is spent; show the list as it is now.
  document.addEventListener("helpline:bulk-finished", function () {
    clear();
    if (document.getElementById("ticket-list")) {
      htmx.ajax("GET", location.pathname + location.search, { target: "#ticket-list", swap: "outerHTML" });
    }
  });

  // The list was swapped (a filter, a page, a live refresh): tick the kept selection again. A new filter
  // ends "everything matching the filter".
  function filterKey() {
    var params = new URLSearchParams(location.search);
    params.delete("cursor");
    return params.toString();
  }
  var lastFilter = filterKey();
  document.addEventListener("htmx:afterSettle", function () {
    if (filterKey() !== lastFilter) { lastFilter = filterKey(); selected.clear(); everything = false; }
    render();
  });

  function start() {
    var bar = form();
    if (!bar) return;
    var count = bar.querySelector("[data-bulk-count]");
    count.dataset.empty = count.textContent;
    render();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

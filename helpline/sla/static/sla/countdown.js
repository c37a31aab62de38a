// Live SLA countdowns: every element with data-sla-due (an ISO 8601 time) shows "Due in 2 hr 5 min" or "Overdue by
// 10 min", refreshed every 30 seconds and after htmx swaps in new rows. The two sentences come translated on this
// script's tag (data-due-in, data-overdue, "%s" standing for the time); only textContent is ever set.
(() => {
  if (window.helplineSlaCountdown) return;
  window.helplineSlaCountdown = true;
  const script = document.currentScript;
  const strings = { dueIn: script.dataset.dueIn || "%s", overdue: script.dataset.overdue || "-%s" };
  const lang = document.documentElement.lang || undefined;
  const unit = (name) => new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "short" });
  const units = { day: unit("day"), hour: unit("hour"), minute: unit("minute") };

  function span(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    if (days) return `${units.day.format(days)} ${units.hour.format(hours)}`;
    if (hours) return `${units.hour.format(hours)} ${units.minute.format(rest)}`;
    return units.minute.format(rest);
  }

  function tick() {
    const now = Date.now();
    for (const el of document.querySelectorAll("[data-sla-due]")) {
      const due = Date.parse(el.dataset.slaDue);
      if (Number.isNaN(due)) continue;
      const left = due - now;
      const overdue = left < 0;
      el.textContent = (overdue ? strings.overdue : strings.dueIn).replace("%s", span(left));
      el.classList.toggle("sla-due--overdue", overdue);
      el.classList.toggle("sla-due--soon", !overdue && left < 3600000);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", tick);
  else tick();
  document.body.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 30000);
})();

/* A <time data-local data-zone="Europe/Berlin"> is written by the server in the interview's time zone. When this
   browser's own time zone is another one, show the moment in the reader's time instead, in the page's language,
   and say so ("Friday, December 11, 2026, 11:00 AM Eastern Standard Time (your time)"); the interview's own wording stays as the title. */
"use strict";
(() => {
  const lang = document.documentElement.lang || "en";
  const locale = lang === "qps" ? "en" : lang;
  const utc = (zone) => (/^(Etc\/)?(UTC|GMT)$/.test(zone) ? "UTC" : zone);
  const here = utc(Intl.DateTimeFormat().resolvedOptions().timeZone);
  document.querySelectorAll("time[data-local]").forEach((el) => {
    const d = new Date(el.getAttribute("datetime"));
    if (isNaN(d) || !el.dataset.zone || utc(el.dataset.zone) === here) return;
    const day = d.toLocaleDateString(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
    const time = d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZoneName: "long" });
    el.title = el.textContent;
    el.textContent = _("%(day)s, %(time)s (your time)", { day, time });
  });
})();

/* Show every <time data-local> in the reader's own time zone, and name the zone, as in
   "Friday 18 December 2026, 17:00 Central European Standard Time". */
"use strict";
document.querySelectorAll("time[data-local]").forEach((el) => {
  const d = new Date(el.getAttribute("datetime"));
  if (isNaN(d)) return;
  const day = d.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "long" });
  el.textContent = `${day}, ${time}`;
});

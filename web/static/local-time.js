/* Show every <time data-local> in the reader's own time zone. */
"use strict";
document.querySelectorAll("time[data-local]").forEach((el) => {
  const d = new Date(el.getAttribute("datetime"));
  if (!isNaN(d)) el.textContent = d.toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" });
});

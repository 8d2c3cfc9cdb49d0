"use strict";
(() => {
  const form = document.getElementById("feedback");
  const button = form.querySelector('button[type="submit"]');
  const status = document.getElementById("feedback-status");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const picked = form.querySelector('input[name="rating"]:checked');
    if (!picked) { status.textContent = _("Choose a rating from %(low)s to %(high)s first.", { low: form.dataset.low, high: form.dataset.high }); return; }
    // While it is on its way the button cannot send it twice, and the last message goes.
    button.disabled = true;
    status.textContent = "";
    let ok = false;
    try {
      const r = await fetch(`/api/v1/candidate/${form.dataset.token}/feedback`, {
        method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
        body: JSON.stringify({ rating: Number(picked.value), comment: document.getElementById("comment").value }),
      });
      ok = r.ok;
    } catch (err) {
      ok = false; // no connection: said below, and the button is back for another try
    } finally {
      button.disabled = false;
    }
    status.textContent = ok ? _("Thank you for your feedback.") : _("Sorry, that did not work; please try again.");
  });
})();

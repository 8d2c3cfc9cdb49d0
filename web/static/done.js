"use strict";
(() => {
  const form = document.getElementById("feedback");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const picked = form.querySelector('input[name="rating"]:checked');
    const status = document.getElementById("feedback-status");
    if (!picked) { status.textContent = _("Choose a rating from %(low)s to %(high)s first.", { low: form.dataset.low, high: form.dataset.high }); return; }
    const r = await fetch(`/api/v1/candidate/${form.dataset.token}/feedback`, {
      method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
      body: JSON.stringify({ rating: Number(picked.value), comment: document.getElementById("comment").value }),
    });
    status.textContent = r.ok ? _("Thank you for your feedback.") : _("Sorry, that did not work; please try again.");
  });
})();

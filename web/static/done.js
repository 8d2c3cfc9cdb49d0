"use strict";
(() => {
  const form = document.getElementById("feedback");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const picked = form.querySelector('input[name="rating"]:checked');
    const status = document.getElementById("feedback-status");
    if (!picked) { status.textContent = `Choose a rating from ${form.dataset.scale} first.`; return; }
    const r = await fetch(`/api/v1/candidate/${form.dataset.token}/feedback`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rating: Number(picked.value), comment: document.getElementById("comment").value }),
    });
    status.textContent = r.ok ? "Thank you for your feedback." : "Sorry, that did not work; please try again.";
  });
})();

/* The reviewer's page: the player (speed, keyboard shortcuts: space, arrows, [ and ]), comments and scores sent
   without leaving the page (so the video, and scores and notes not yet saved, stay as they are), and problems
   shown on the form that caused them. */
"use strict";
(() => {
  document.querySelectorAll("select[data-speed-for]").forEach((select) => {
    const media = document.getElementById(select.dataset.speedFor).querySelector("video, audio");
    select.addEventListener("change", () => { if (media) media.playbackRate = Number(select.value); });
  });
  let active = document.querySelector("video, audio");
  document.querySelectorAll("video, audio").forEach((m) => m.addEventListener("play", () => { active = m; }));
  document.addEventListener("keydown", (e) => {
    // A focused player (or form control) handles its own keys: acting here too would toggle playback twice.
    if (!active || ["INPUT", "TEXTAREA", "SELECT", "BUTTON", "VIDEO", "AUDIO"].includes(e.target.tagName)) return;
    if (e.key === " ") { e.preventDefault(); active.paused ? active.play() : active.pause(); }
    else if (e.key === "ArrowRight") active.currentTime += 5;
    else if (e.key === "ArrowLeft") active.currentTime = Math.max(0, active.currentTime - 5);
    else if (e.key === "]") active.playbackRate = Math.min(2, active.playbackRate + 0.25);
    else if (e.key === "[") active.playbackRate = Math.max(0.75, active.playbackRate - 0.25);
  });
})();
(() => {
  const player = (id) => document.getElementById(id).querySelector("video, audio");
  document.querySelectorAll("form.comment-form").forEach((form) => {
    form.addEventListener("submit", () => {
      const media = player(form.dataset.player);
      if (media) form.querySelector("input[name=at_ms]").value = String(Math.floor(media.currentTime * 1000));
    });
  });
  document.querySelectorAll("button.seek").forEach((b) => b.addEventListener("click", () => {
    const media = player(b.dataset.player);
    if (media) { media.currentTime = Number(b.dataset.at) / 1000; media.play(); }
  }));
})();
(() => {
  const box = document.getElementById("listen-only");
  if (!box) return;
  const apply = () => {
    document.querySelectorAll("section.answer video").forEach((video) => {
      let audio = video.nextElementSibling;
      if (!audio || audio.tagName !== "AUDIO") {
        audio = document.createElement("audio");
        audio.controls = true;
        audio.preload = "none";
        audio.src = video.getAttribute("src");
        audio.setAttribute("aria-label", video.getAttribute("aria-label") + " (sound only)");
        video.after(audio);
      }
      video.pause();
      video.hidden = box.checked;
      audio.hidden = !box.checked;
    });
    localStorage.setItem("boxinterview:listen-only", box.checked ? "1" : "");
  };
  box.checked = localStorage.getItem("boxinterview:listen-only") === "1";
  box.addEventListener("change", apply);
  if (box.checked) apply();
})();
(() => {
  const scoring = document.getElementById("scoring"); // the section, whether or not its form is there
  const progress = document.getElementById("scoring-progress");
  const blocks = [...document.querySelectorAll(".scores[data-question]")].filter((b) => !b.querySelector("fieldset:disabled"));
  const count = () => {
    if (!progress || !blocks.length) return;
    const done = blocks.filter((b) => [...b.querySelectorAll("fieldset")].every((f) => f.querySelector("input:checked"))).length;
    progress.textContent = `You have scored ${done} of ${blocks.length} answer${blocks.length === 1 ? "" : "s"}.` +
      (done === blocks.length ? " Submit your review when you are ready." : " Submit when every answer is scored.");
  };
  blocks.forEach((b) => b.addEventListener("change", count));
  count();

  function time(ms) {
    const s = Math.floor(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
  function added(form, c) {
    const list = document.getElementById("comments-" + form.dataset.player);
    if (!list) return;
    const li = document.createElement("li");
    if (c.at_ms !== null) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "seek";
      b.textContent = time(c.at_ms);
      b.addEventListener("click", () => {
        const media = document.getElementById(form.dataset.player).querySelector("video, audio");
        if (media) { media.currentTime = c.at_ms / 1000; media.play(); }
      });
      li.append(b, " ");
    }
    li.append(`${c.by}: ${c.body}`);
    list.append(li);
  }

  document.querySelectorAll("form.js-inline").forEach((form) => {
    const problem = form.querySelector(".form-problem");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = new URLSearchParams(new FormData(form));
      if (e.submitter && e.submitter.name) body.set(e.submitter.name, e.submitter.value);
      if (problem) problem.textContent = "";
      const buttons = form.querySelectorAll("button");
      buttons.forEach((b) => { b.disabled = true; });
      try {
        // form.getAttribute, not form.action: the buttons named "action" hide that property
        const r = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
        const data = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error((data.error && data.error.message) || `the server answered ${r.status}`);
        if (form.dataset.kind === "comment") {
          added(form, data.comment);
          form.querySelector("input[name=body]").value = "";
        } else if (data.scored === "submitted") {
          location.assign(`${location.pathname}?scored=submitted#scoring`);
        } else if (progress) {
          progress.textContent = `Draft saved at ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}.`;
        }
      } catch (err) {
        if (problem) problem.textContent = "Not saved: " + err.message;
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  });
  if (scoring && location.hash === "#scoring") scoring.scrollIntoView();
  if (location.pathname.endsWith("/decision")) {  // back from the message preview, to change the decision
    const decision = document.getElementById("decision");
    if (decision) decision.scrollIntoView();
  }
})();

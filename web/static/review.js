/* The reviewer's player: playback speed, keyboard shortcuts (space, arrows, [ and ]). */
"use strict";
(() => {
  document.querySelectorAll("select[data-speed-for]").forEach((select) => {
    const media = document.getElementById(select.dataset.speedFor).querySelector("video, audio");
    select.addEventListener("change", () => { if (media) media.playbackRate = Number(select.value); });
  });
  let active = document.querySelector("video, audio");
  document.querySelectorAll("video, audio").forEach((m) => m.addEventListener("play", () => { active = m; }));
  document.addEventListener("keydown", (e) => {
    if (!active || ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(e.target.tagName)) return;
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

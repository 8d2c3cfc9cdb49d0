/* A question the hiring team asked on video, shown with its written prompt. For a recorded answer, think time
   waits for it: it starts when the video ends or when the candidate starts it, and at the latest a fixed time
   after the question appears (twice the video's length and half a minute), so pausing or watching again never
   buys one candidate much more time than another. The video stops when recording starts, so its sound is never
   recorded into the answer. */
"use strict";
const QuestionVideo = (() => {
  const $ = (id) => document.getElementById(id);
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const _ = window._ || ((text, values) => text.replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? values[k] : m)));

  function hide() {
    const player = $("question-player");
    player.pause();
    $("question-video").hidden = true;
  }

  function load(q) {
    const player = $("question-player");
    player.querySelectorAll("track").forEach((t) => t.remove());
    player.src = q.video.src;
    if (q.video.captions) {
      const track = document.createElement("track");
      track.kind = "captions";
      track.srclang = cfg.language || document.documentElement.lang;
      track.label = _("Captions");
      track.src = q.video.captions;
      track.default = true;
      player.appendChild(track);
    }
    $("question-video").hidden = false;
  }

  /* Show the question's video (if it has one). With `gate`, resolve when think time should start. */
  function show(q, gate) {
    if (!q.video) { hide(); return Promise.resolve(); }
    load(q);
    const start = $("question-video-start");
    start.hidden = !gate;
    $("question-video-note").textContent = gate
      ? _("Your think time starts when the video ends, or when you choose to start it. You may pause the video or watch it again; to keep the time the same for everyone, think time starts anyway after %(seconds)s seconds. The video stops when recording starts; the question stays written above.", { seconds: q.video.latest })
      : _("The hiring team asks this question on video; it is also written above.");
    const player = $("question-player");
    player.play().catch(() => {}); // a browser may want a click first: the controls are there
    if (!gate) return Promise.resolve();
    return new Promise((resolve) => {
      let timer = null;
      const go = () => {
        clearTimeout(timer);
        player.removeEventListener("ended", go);
        start.hidden = true;
        resolve();
      };
      timer = setTimeout(go, q.video.latest * 1000);
      player.addEventListener("ended", go);
      start.onclick = go;
    });
  }

  return { show, hide };
})();

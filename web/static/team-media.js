/* The team's videos page: record a welcome video or a question's video with the same recorder candidates use
   (Recorder in recorder.js: the same formats, H.264 first), watch it, then send it like an uploaded file. */
"use strict";
(() => {
  const cfg = JSON.parse(document.getElementById("team-config").textContent);
  const LONGEST = 300; // seconds: a welcome or a question is short; a recording stops by itself after this
  let busy = false; // a camera is on or a recording waits to be sent: the page does not reload itself
  let active = null; // the section whose camera is on

  function failed(text) { document.getElementById("team-error").textContent = text || ""; }

  function setUp(section) {
    const box = section.querySelector(".recorder");
    if (!box || !window.MediaRecorder || !navigator.mediaDevices) return;
    box.hidden = false;
    const $ = (selector) => box.querySelector(selector);
    const live = $(".live");
    const take = $(".take");
    const status = $(".rec-status");
    let recording = null;
    let blob = null;
    const show = (...names) => ["camera", "record", "stop", "use", "again"].forEach((n) => { $("." + n).hidden = !names.includes(n); });

    $(".camera").onclick = async () => {
      failed("");
      try {
        const stream = await Recorder.open(true);
        if (active && active !== section) active.querySelector(".live").hidden = true;
        active = section;
        live.srcObject = stream;
        live.hidden = false;
        take.hidden = true;
        busy = true;
        show("record");
        status.textContent = "The camera is on. Start recording when you are ready.";
      } catch (e) {
        failed("The camera or microphone cannot be used: allow them in the browser's address bar, then try again. (" + e.message + ")");
      }
    };
    $(".record").onclick = () => {
      if (active !== section) return $(".camera").click();
      const blobs = [];
      const began = Date.now();
      recording = Recorder.record(true, (b) => { blobs.push(b); });
      show("stop");
      const tick = setInterval(() => {
        const s = Math.round((Date.now() - began) / 1000);
        status.textContent = `Recording: ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
        if (s >= LONGEST) recording.stop();
      }, 250);
      recording.stopped.then(() => {
        clearInterval(tick);
        blob = new Blob(blobs, { type: recording.type });
        take.src = URL.createObjectURL(blob);
        take.hidden = false;
        live.hidden = true;
        show("use", "again");
        status.textContent = "Watch what you recorded, then use it, or record again.";
      }, (e) => { clearInterval(tick); failed("The recording failed: " + e.message); show("record"); });
    };
    $(".stop").onclick = () => { if (recording) recording.stop(); };
    $(".again").onclick = () => { blob = null; $(".record").click(); live.hidden = false; take.hidden = true; };
    $(".use").onclick = async () => {
      if (!blob) return;
      $(".use").disabled = true;
      status.textContent = "Sending the recording…";
      const form = new FormData();
      form.append("csrf", cfg.csrf);
      const ext = recording.type.startsWith("video/mp4") ? ".mp4" : recording.type.includes("matroska") ? ".mkv" : ".webm";
      form.append("file", blob, "recording" + ext);
      try {
        const r = await fetch(section.dataset.upload, {
          method: "POST", body: form, headers: { Accept: "application/json", "X-CSRF-Token": cfg.csrf },
        });
        const body = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error((body.error && body.error.message) || `the server answered ${r.status}`);
        Recorder.close();
        busy = false;
        location.assign(location.pathname + "?done=added#" + section.id);
      } catch (e) {
        $(".use").disabled = false;
        status.textContent = "";
        failed("The recording was not saved: " + e.message);
      }
    };
  }

  document.querySelectorAll(".team-video").forEach(setUp);
  // While a video is being prepared, look again every few seconds (unless someone is recording).
  if (document.querySelector('[data-state="processing"]')) {
    setInterval(() => { if (!busy) location.reload(); }, 4000);
  }
})();

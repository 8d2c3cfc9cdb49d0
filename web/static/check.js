/* The device check: camera preview, microphone level, what this browser can record, and how fast uploads go. */
"use strict";
(() => {
  const root = document.getElementById("check");
  const $ = (id) => document.getElementById(id);
  const token = root.dataset.token;
  const needsCamera = root.dataset.needsCamera === "yes";
  const report = { camera: false, microphone: false, upload_kbps: null, recorder_type: "", browser: navigator.userAgent, passed: false, problem: "" };

  const CANNOT_RECORD = _("Browser: cannot record video here. Use a recent Chrome, Edge, Firefox or Safari.");

  function result(id, text, ok) {
    const li = $(id);
    li.textContent = text;
    li.className = ok ? "ok" : "bad";
  }
  function help(text) {
    $("help").hidden = !text;
    $("help").textContent = text || "";
  }
  function ready(ok) {
    const a = $("continue");
    a.setAttribute("aria-disabled", ok ? "false" : "true");
    a.classList.toggle("disabled", !ok);
  }
  $("continue").addEventListener("click", (e) => { if ($("continue").getAttribute("aria-disabled") === "true") e.preventDefault(); });

  async function timed(size) {
    const body = new Uint8Array(size);
    crypto.getRandomValues(body.subarray(0, Math.min(size, 65536)));
    const started = performance.now();
    const r = await fetch(`/api/v1/candidate/${token}/speedtest`, { method: "POST", body, headers: { "Accept-Language": document.documentElement.lang } });
    if (!r.ok) throw new Error("speed test failed");
    return Math.round((size * 8) / ((performance.now() - started) / 1000) / 1000);
  }

  async function speed() {
    // A small sample first, so a slow link is measured in a second or two; a bigger one only if it is fast.
    const first = await timed(48 * 1024);
    return first < 2000 ? first : Math.min(first, await timed(512 * 1024));
  }

  async function run() {
    help("");
    $("retry").hidden = true;
    const canRecord = !!(navigator.mediaDevices && window.MediaRecorder);
    report.recorder_type = canRecord ? Recorder.pickType(needsCamera) : "";
    result("r-browser", canRecord ? _("Browser: checking that it can record…") : CANNOT_RECORD, canRecord);
    if (!canRecord) { report.problem = "no MediaRecorder"; return finish(); }
    let stream = null;
    const soundOnly = root.dataset.audioOnly === "yes";
    localStorage.removeItem(`boxinterview:nocamera:${token}`);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: needsCamera });
    } catch (err) {
      let e = err;
      const noCamera = needsCamera && (e.name === "NotFoundError" || e.name === "OverconstrainedError");
      if (noCamera && soundOnly) {
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio: true });
          localStorage.setItem(`boxinterview:nocamera:${token}`, "1");
        } catch (again) {
          e = again;
        }
      }
      if (stream) {
        report.problem = "no camera: answering with sound only";
      } else if (noCamera) {
        result("r-camera", _("Camera: none found. Connect a camera, or use a phone."), false);
        report.problem = "no camera";
        help(_("This interview needs a camera: connect one or open your link on a phone."));
      } else {
        result("r-camera", _("Camera: blocked"), false);
        result("r-mic", _("Microphone: blocked"), false);
        result("r-browser", _("Browser: recording can be checked once the camera and microphone are allowed"), false);
        report.problem = e.name || "permission denied";
        help(Recorder.deniedHelp());
      }
      if (!stream) {
        $("retry").hidden = false;
        return finish();
      }
    }
    report.camera = stream.getVideoTracks().length > 0;
    report.microphone = stream.getAudioTracks().length > 0;
    $("preview").srcObject = stream;
    const withoutCamera = needsCamera && !report.camera && soundOnly;
    result("r-camera", !needsCamera ? _("Camera: not needed") : report.camera ? _("Camera: working ✓") :
      withoutCamera ? _("Camera: none found — you can answer with sound only ✓") : _("Camera: not found"), report.camera || !needsCamera || withoutCamera);
    result("r-mic", report.microphone ? _("Microphone: working ✓ (speak and watch the level)") : _("Microphone: not found"), report.microphone);
    meter(stream);
    const broken = await Recorder.trial(stream, needsCamera && report.camera);
    report.recorder_type = broken ? "" : Recorder.pickType(needsCamera && report.camera);
    result("r-browser", broken ? CANNOT_RECORD : _("Browser: can record ✓"), !broken);
    if (broken) {
      report.problem = "cannot record: " + broken;
      help(_("Open your link in a recent Chrome, Edge, Firefox or Safari: this browser cannot make recordings."));
      return finish();
    }
    try {
      result("r-speed", _("Connection: measuring…"), true);
      report.upload_kbps = await speed();
      localStorage.setItem("boxinterview:kbps", String(report.upload_kbps));
      // What a minute of recording needs, at the lowest quality, against what the link carries.
      const planned = Recorder.plan(needsCamera && report.camera);
      const behind = (planned.audio + planned.video) / 1000 / Math.max(1, report.upload_kbps);
      if (behind > 1.5) {
        result("r-speed", _("Connection: very slow — each minute you record takes about %(minutes)s minutes to send. Find a faster connection (such as Wi-Fi) if you can; if not, keep this page open until every answer is saved.",
          { minutes: Math.ceil(behind).toLocaleString(pageLanguage) }), true);
      } else {
        result("r-speed", Recorder.slow(report.upload_kbps)
          ? _("Connection: slow — we record at lower quality so your answers still arrive") : _("Connection: good ✓"), true);
      }
    } catch (e) {
      result("r-speed", _("Connection: could not measure; we will record at a quality most connections carry"), true);
    }
    finish();
  }

  function meter(stream) {
    const ear = Recorder.monitor(stream);
    const started = performance.now();
    let heard = false;
    let warned = false;
    const draw = () => {
      $("level").value = Math.min(1, ear.level() * 4);
      const loudest = ear.loudest();
      if (loudest !== null && loudest >= Recorder.HEARD && !heard) {
        heard = true;
        result("r-mic", _("Microphone: working ✓ — we can hear you"), true);
      } else if (!heard && !warned && loudest !== null && performance.now() - started > 6000) {
        warned = true;
        result("r-mic", _("Microphone: we could hear nothing. Say something; if the level does not move, check that the " +
          "microphone is switched on, not muted, and the one your browser uses."), false);
      }
      requestAnimationFrame(draw);
    };
    draw();
  }

  function finish() {
    const soundOnlyOk = root.dataset.audioOnly === "yes" && localStorage.getItem(`boxinterview:nocamera:${token}`) === "1";
    report.passed = report.microphone && (report.camera || !needsCamera || soundOnlyOk) && !!report.recorder_type;
    ready(report.passed);
    fetch(`/api/v1/candidate/${token}/device-check`, { method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang }, body: JSON.stringify(report) });
  }

  $("retry").addEventListener("click", run);
  run();
})();

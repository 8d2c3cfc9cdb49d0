/* Camera, microphone and MediaRecorder: the best format the browser can record (H.264 first, so the server
   only remuxes), at most 720p, at a bitrate the measured connection can carry. */
"use strict";
const Recorder = (() => {
  const VIDEO_TYPES = {
    h264: ["video/mp4;codecs=avc1,opus", "video/webm;codecs=h264,opus", "video/x-matroska;codecs=avc1,opus"],
    vp8: ["video/webm;codecs=vp8,opus"],
    vp9: ["video/webm;codecs=vp9,opus"],
    any: ["video/webm", "video/mp4"],
  };
  const AUDIO_TYPES = ["audio/webm;codecs=opus", "audio/mp4", "audio/ogg;codecs=opus", "audio/webm"];
  let stream = null;
  let streamKind = null;

  function speedKbps() {
    const v = Number(localStorage.getItem("boxinterview:kbps"));
    return v > 0 ? v : 1500;
  }

  function pickType(video) {
    if (!window.MediaRecorder) return "";
    const wanted = new URLSearchParams(location.search).get("codec");
    const order = video
      ? [...(wanted ? VIDEO_TYPES[wanted] || [] : []), ...VIDEO_TYPES.h264, ...VIDEO_TYPES.vp8, ...VIDEO_TYPES.vp9, ...VIDEO_TYPES.any]
      : AUDIO_TYPES;
    return order.find((t) => MediaRecorder.isTypeSupported(t)) || "";
  }

  // Below this upload speed (kbit/s) a take is recorded at the lowest size, so that it still arrives.
  const SLOW = 800;
  const slow = (kbps) => kbps < SLOW;

  function plan(video) {
    const kbps = speedKbps();
    const audio = kbps < 600 ? 32000 : 64000;
    // Leave a third of the link spare, so uploads keep up with recording even when the connection wavers.
    const total = Math.max(160000, Math.min(2600000, kbps * 1000 * 0.66));
    const height = kbps >= 1800 ? 720 : slow(kbps) ? 360 : 480;
    return { audio, video: video ? Math.max(100000, total - audio) : 0, height };
  }

  async function open(video) {
    const kind = video ? "video" : "audio";
    if (stream && streamKind === kind && stream.getTracks().every((t) => t.readyState === "live")) return stream;
    close();
    const p = plan(video);
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: video ? { height: { ideal: p.height, max: 720 }, frameRate: { ideal: 30, max: 30 }, facingMode: "user" } : false,
    });
    streamKind = kind;
    return stream;
  }

  /* Resolves once sound from the stream reaches the page (at most `limit` ms). A just-opened microphone can take a
     second or two to deliver anything (Firefox: up to 2 s here), and a take started before then silently loses
     its first words: the recording simply begins later. */
  const flowing = new WeakSet();
  async function warm(from, limit = 2500) {
    if (!from || flowing.has(from) || !from.getAudioTracks().length) return;
    const ear = monitor(from);
    const started = performance.now();
    try {
      while (performance.now() - started < limit) {
        if (ear.level() > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      ear.close();
    }
    flowing.add(from);
  }

  function close() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  /* Record from the open stream; onChunk gets each ~1 s Blob in order; `stopped` resolves once every chunk is
     handed on, and seconds() says how long was recorded. */
  function record(video, onChunk) {
    const type = pickType(video);
    const p = plan(video);
    const options = { mimeType: type, audioBitsPerSecond: p.audio };
    if (video) options.videoBitsPerSecond = p.video;
    if (type.startsWith("video/mp4")) options.videoKeyFrameIntervalDuration = 1000; // else one chunk at the end
    const rec = new MediaRecorder(stream, options);
    let chain = Promise.resolve();
    const stopped = new Promise((resolve, reject) => {
      rec.ondataavailable = (e) => { if (e.data && e.data.size) chain = chain.then(() => onChunk(e.data)); };
      rec.onstop = () => chain.then(resolve, reject);
      rec.onerror = (e) => reject(e.error || new Error(_("the recording failed")));
    });
    rec.start(1000);
    // How long the candidate recorded: from the start to the press on Stop (or the time limit), leaving out the
    // wait for the last chunk to be stored, which a busy phone can make long.
    const began = performance.now();
    let ended = null;
    const stop = () => {
      if (ended === null) ended = performance.now();
      if (rec.state !== "inactive") rec.stop();
    };
    const seconds = () => ((ended === null ? performance.now() : ended) - began) / 1000;
    return { type: rec.mimeType || type, stop, stopped, seconds };
  }

  /* A second's recording from the stream, as a take would be recorded: "" when it gave data, else what went wrong.
     Some browsers offer MediaRecorder and claim formats, yet fail to build it or deliver nothing at all (WebKitGTK
     without the GStreamer plugins it needs): better said in the device check than after the first answer. */
  async function trial(from, video) {
    const type = pickType(video);
    if (!type) return "no format it can record";
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    let size = 0;
    try {
      const rec = new MediaRecorder(from, { mimeType: type });
      const stopped = new Promise((resolve, reject) => {
        rec.ondataavailable = (e) => { size += e.data ? e.data.size : 0; };
        rec.onstop = resolve;
        rec.onerror = (e) => reject(e.error || new Error("recording failed"));
      });
      rec.start(250);
      await wait(1000);
      if (rec.state !== "inactive") rec.stop();
      const late = wait(6000).then(() => { throw new Error("the recording did not stop"); });
      await Promise.race([stopped, late]);
    } catch (e) {
      return `${type}: ${e.name || "Error"}: ${e.message}`;
    }
    return size > 0 ? "" : `${type}: recorded nothing`;
  }

  /* Listens to the microphone while a take is recorded (or the device check runs), so the candidate can be told
     at once when nothing could be heard. loudest() is null when the browser would not let us listen. */
  const HEARD = 0.01; // peak amplitude (-40 dBFS): a quiet voice is far above it, a muted microphone far below
  function monitor(from) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx || !from || !from.getAudioTracks().length) return { level: () => 0, loudest: () => null, close() {} };
    const ctx = new Ctx();
    if (ctx.state !== "running" && ctx.resume) ctx.resume().catch(() => {});
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    const source = ctx.createMediaStreamSource(from);
    source.connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    let loudest = 0;
    let listened = false;
    const level = () => {
      if (ctx.state === "suspended" && ctx.resume) ctx.resume().catch(() => {});  // a busy or strict browser starts it late
      if (ctx.state !== "running") return 0;
      listened = true;
      analyser.getFloatTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v));
      loudest = Math.max(loudest, peak);
      return peak;
    };
    const timer = setInterval(level, 100);
    return {
      level,
      loudest: () => (listened ? loudest : null),
      close() { clearInterval(timer); source.disconnect(); ctx.close().catch(() => {}); },
    };
  }

  /* What to do when the browser was told not to let this page use the camera and microphone. */
  function deniedHelp() {
    const ua = navigator.userAgent;
    if (/iPhone|iPad/.test(ua)) return _("On iPhone or iPad: open Settings › Safari › Camera and Microphone, choose Allow, then reload this page.");
    if (/Firefox/.test(ua)) return _("In Firefox: click the camera icon left of the address, remove the block, then reload this page.");
    if (/Android/.test(ua)) return _("On Android: tap the lock icon left of the address › Permissions, allow Camera and Microphone, then reload.");
    return _("Click the camera icon or lock at the left of the address bar, allow the camera and microphone, then reload this page.");
  }
  const denied = (e) => Boolean(e) && (e.name === "NotAllowedError" || e.name === "SecurityError");

  return { open, close, warm, record, trial, pickType, plan, speedKbps, slow, monitor, deniedHelp, denied, HEARD };
})();

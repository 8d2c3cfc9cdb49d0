/* The interview page: a practice question, then each question in order. Recorded answers go through the
   vault and the upload queue; the candidate is told an answer is saved only when the server has every byte. */
"use strict";
(() => {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const token = cfg.token;
  const api = `/api/v1/candidate/${token}`;
  const total = cfg.questions.length;
  const BUTTONS = ["start", "stop", "retake", "submit", "next", "begin", "practice-again", "finish"];
  const RETAKE_THINK = 3; // seconds before a retake: the candidate has thought already
  const BREATHER = 3; // seconds between one saved answer and the next question
  let state = null;
  let ticking = null;
  let recTicking = null;

  /* ---- one tab at a time: the page steps aside (hidden, not removed, so nothing in hand fails) ---- */
  const stoodAside = OneTab(token, () => {
    stopTimer();
    TakePlayer.stop();
    Recorder.close();
    $("app").hidden = true;
    $("aside").hidden = false;
    $("blocked").focus();
  });
  $("blocked-here").addEventListener("click", () => location.reload());

  /* ---- small helpers ---- */
  function buttons(...visible) {
    BUTTONS.forEach((id) => { $(id).hidden = !visible.includes(id); $(id).disabled = false; });
  }
  function say(text) { $("status").textContent = text || ""; }
  function fail(text) { $("error").textContent = text || ""; }
  /* While an answer is on its way its button cannot be pressed again (a second press would be lost), and the last
     error is cleared so that what comes back is the only message. */
  function sending(on, button = "submit") {
    $(button).disabled = on;
    if (on) fail("");
  }
  function stopTimer() {
    if (ticking) clearInterval(ticking);
    ticking = null;
    $("timer-label").textContent = "";
    $("timer").textContent = "";
  }
  function phase(name) { $("app").dataset.phase = name || ""; }
  const clock = (seconds) => `${n(Math.floor(seconds / 60))}:${n(seconds % 60).padStart(2, n(0))}`;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Asked while a take is in hand: a candidate withdrawn meanwhile is shown the page that says so.
  const takeCheck = TakeCheck(async () => {
    const fresh = await call("/state");
    if (fresh.closed === "withdrawn") location.assign(`/i/${token}`);
    return fresh;
  });
  const SILENT = _("We could hear nothing in this take. Check that your microphone is switched on, not muted, and the one " +
    "your browser uses (the camera or lock icon in the address bar), then record again.");
  const TOO_SHORT = _("This take is under a second long, too short to be an answer. Record again, and stop only when you have finished.");
  const CANNOT_RECORD = _("this browser cannot record here. Open your link in a recent Chrome, Edge, Firefox or Safari");
  const n = (value) => value.toLocaleString(pageLanguage);
  function countdown(label, seconds, onEnd) {
    stopTimer();
    const end = Date.now() + seconds * 1000;
    $("timer-label").textContent = label;
    const tick = () => {
      const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      $("timer").textContent = clock(left);
      if (left <= 0) { stopTimer(); onEnd(); }
    };
    tick();
    ticking = setInterval(tick, 250);
  }
  function once(id) {
    return new Promise((resolve) => $(id).addEventListener("click", resolve, { once: true }));
  }
  /* fetch, with a failure to reach the server (offline, a dropped link) told in the candidate's words rather than
     the browser's ("Failed to fetch"). */
  async function reach(url, options) {
    try {
      return await fetch(url, options);
    } catch (e) {
      throw new Error(_("The server could not be reached. Check your connection, then press the button again."));
    }
  }
  async function call(path, options) {
    const r = await reach(api + path, { headers: { "Content-Type": "application/json", "Accept-Language": pageLanguage }, ...options });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.error && body.error.message) || _("The server answered %(status)s.", { status: r.status }));
    return body;
  }
  function sections(which) {
    ["media", "text-answer", "choice-answer", "file-answer"].forEach((id) => { $(id).hidden = id !== which; });
  }
  /* The red REC light with the time recorded so far, while a take is being recorded. */
  function recLight(on) {
    if (recTicking) clearInterval(recTicking);
    recTicking = null;
    $("rec").hidden = !on;
    if (!on) return;
    const began = Date.now();
    const tick = () => { $("rec-elapsed").textContent = clock(Math.floor((Date.now() - began) / 1000)); };
    tick();
    recTicking = setInterval(tick, 250);
  }
  /* On a phone the actions sit in a bar at the bottom of the screen: keep room for it below the page. */
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      const fixed = getComputedStyle($("dock")).position === "fixed";
      document.body.style.paddingBottom = fixed ? `${$("dock").offsetHeight}px` : "";
    }).observe($("dock"));
  }
  function heading(step, prompt, hint) {
    $("step").textContent = step;
    $("prompt").textContent = prompt;
    $("hint").textContent = hint || "";
    say("");
    fail("");
    $("prompt").focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  /* A question's time begins once, on the server, and this says how long ago; out of reach, it begins here (the
     server counts from when it first hears of it). */
  async function begun(q) {
    try {
      return (await call(`/questions/${q.id}/begin`, { method: "POST", body: "{}" })).began_seconds_ago || 0;
    } catch (e) {
      return 0;
    }
  }
  function saved(q) {
    $("receipt").textContent = _("Answer %(position)s of %(total)s saved ✓", { position: n(q.position), total: n(total) });
  }
  const answers = Answers({ $, n, api, token, sections, phase, buttons, once, countdown, stopTimer, sending, fail, say, call, reach, saved, begun });

  Uploads.onChange((u) => {
    const banner = $("network");
    if (u.offline) {
      banner.hidden = false;
      banner.textContent = _("Your connection dropped. Keep going: your answers are kept on this device and upload as soon as you are back online.");
    } else {
      banner.hidden = true; // the server answered, so the connection is there (a refusal is told with its take)
    }
  });

  /* ---- recording a take (also the practice question) ---- */
  function soundOnly() {
    return cfg.audio_only && localStorage.getItem(`boxinterview:nocamera:${token}`) === "1";
  }

  async function recordTake(q, takeNumber, practice) {
    const video = q.kind === "video" && !soundOnly();
    TakePlayer.stop();
    sections("media");
    $("live").hidden = !video;
    $("playback").hidden = true;
    try {
      const stream = await Recorder.open(video);
      // The same stream again (the next take): setting it anew would restart the preview.
      if ($("live").srcObject !== stream) $("live").srcObject = stream;
      buttons();
      say(video ? _("Getting your camera and microphone ready…") : _("Getting your microphone ready…"));
      await Recorder.warm(stream);
    } catch (e) {
      if (video && cfg.audio_only && e.name === "NotFoundError") {
        localStorage.setItem(`boxinterview:nocamera:${token}`, "1");
        return recordTake(q, takeNumber, practice);
      }
      fail(video ? _("We cannot use your camera or microphone: allow access in your browser's address bar, then reload this page.")
        : _("We cannot use your microphone: allow access in your browser's address bar, then reload this page."));
      buttons();
      throw e;
    }
    // A retake needs no second full think time; "Start recording now" starts at once either way. The first take's
    // think time goes on from when the question was first shown: a reload or another device does not begin it again.
    let think = takeNumber > 1 ? Math.min(q.think, RETAKE_THINK) : q.think;
    if (!practice && takeNumber === 1) {
      const since = await begun(q);
      think = since < q.think ? Math.ceil(q.think - since) : Math.min(q.think, RETAKE_THINK);
    }
    phase("think");
    if (practice) {
      say(_("Recording starts when the countdown ends, or when you are ready."));
    } else if (takeNumber > 1) {
      say(_("Take %(take)s of %(takes)s: your earlier take is discarded, and this one replaces it. Recording starts in a moment.",
        { take: n(takeNumber), takes: n(q.allowed || q.takes) }));
    } else {
      say(_("Think about your answer. Recording starts when the countdown ends, or when you are ready."));
    }
    if (think > 0) {
      buttons("start");
      await Promise.race([once("start"), new Promise((resolve) => countdown(_("Think time: recording starts in"), think, resolve))]);
    }
    stopTimer();
    fail("");
    QuestionVideo.hide(); // its sound must not be recorded into the answer
    const type = Recorder.pickType(video);
    const upload = practice ? null : await Uploads.begin(token, q.id, takeNumber, type);
    const ear = Recorder.monitor($("live").srcObject);
    const blobs = [];
    let rec;
    try {
      rec = Recorder.record(video, async (blob) => { blobs.push(blob); if (upload) await Uploads.add(upload, blob); });
    } catch (e) {
      ear.close();
      buttons();
      throw new Error(CANNOT_RECORD + ` (${e.name || "Error"}: ${e.message}).`);
    }
    say(practice ? _("Recording your practice answer.") : _("Recording take %(take)s of %(takes)s.", { take: n(takeNumber), takes: n(q.allowed || q.takes) }));
    phase("recording");
    recLight(true);
    buttons("stop");
    $("stop").focus({ preventScroll: true });
    countdown(_("Time left"), q.answer, rec.stop);
    $("stop").onclick = rec.stop;
    try {
      await rec.stopped;
    } finally {
      recLight(false);
    }
    stopTimer();
    phase("review");
    const loudest = ear.loudest();
    ear.close();
    if (!blobs.length) {
      buttons();
      throw new Error(_("%(problem)s (it recorded nothing).", { problem: CANNOT_RECORD }));
    }
    if (rec.seconds() < 1) fail(TOO_SHORT);
    else if (loudest !== null && loudest < Recorder.HEARD) fail(SILENT);
    if (upload) await Uploads.finish(upload);
    TakePlayer.play(new Blob(blobs, { type: rec.type }));
    return upload;
  }

  async function showTake(q, number) {
    sections("media");
    phase("review");
    TakePlayer.show(`${api}/takes/${q.id}/${number}`, await Uploads.local(token, q.id, number));
  }

  async function practice() {
    const q = { id: 0, kind: cfg.questions.some((x) => x.kind === "video") && !soundOnly() ? "video" : "audio", think: 5, answer: 30, takes: 1 };
    heading(_("Practice question (not saved)"), _("Tell us what you had for breakfast."),
      _("This is only for you: try the controls as often as you like. Nothing is recorded for the hiring team."));
    for (;;) {
      await recordTake(q, 0, true);
      say(_("Watch your practice take. When you are ready, start the interview."));
      phase("review");
      buttons("practice-again", "begin");
      const choice = await Promise.race([once("practice-again").then(() => "again"), once("begin").then(() => "begin")]);
      if (choice === "begin") break;
    }
    localStorage.setItem(`boxinterview:practised:${token}`, "1");
    await next();
  }

  async function waitForUpload(key) {
    for (;;) {
      const u = await Uploads.status(key);
      if (!u) return null;
      if (u.refused) throw new Error(u.refused);
      if (u.done) return u;
      const pct = u.size ? Math.floor((100 * u.acked) / u.size) : 0;
      say(_("Saving your answer… %(percent)s", { percent: (pct / 100).toLocaleString(pageLanguage, { style: "percent" }) }));
      Uploads.kick();
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  /* A submitted take is processed while the candidate goes on. One that processing cannot use is told at once,
     whatever question the candidate is on; the interview comes back to its question after the one in hand. */
  function watchSubmitted(q, number) {
    takeCheck.watch(q, number, null, { on: true }).then((found) => {
      if (!found || stoodAside()) return;
      const left = found.s ? found.s.takes_left : 1;
      $("later").textContent = takeCheck.cannotUse(_("Your answer to question %(position)s could not be used.", { position: n(q.position) }), found, left) +
        (left > 0 ? " " + _("You will be asked to record it again before you finish.") : "");
      $("later").hidden = false;
    });
  }

  async function recordedQuestion(q, s) {
    const local = (await Vault.all("uploads")).filter((u) => u.token === token && u.question === q.id);
    let used = Math.max(s.takes.length, ...local.map((u) => u.take), 0);
    let last = local.find((u) => u.take === used) || null;
    // A take that could not be used (refused by processing, or failed on our side) does not count.
    let allowed = Math.max(q.takes, s.takes_allowed || 0);
    const recount = (fresh) => {
      if (fresh) allowed = Math.max(q.takes, fresh.takes_allowed || 0);
      q.allowed = allowed;
    };
    recount(s);
    // The take in hand, when it cannot be submitted: what was found of it (see TakeCheck).
    let problem = null;
    // The take in hand is still arriving from the device it was recorded on: nothing here to submit yet.
    let elsewhere = false;
    if (s.needs_retake) {
      $("later").hidden = true; // said again below, here at its question
      const why = s.takes.find((t) => t.submitted && t.reason) || null;
      fail(takeCheck.cannotUse(_("Your answer could not be used."), { take: why }, used < allowed ? allowed - used : 0));
    }
    if (used === 0 || (s.needs_retake && used < allowed)) {
      last = await recordTake(q, used + 1, false);
      used += 1;
    } else {
      const take = s.takes.find((t) => t.number === used) || null;
      const found = { refused: last && last.refused, take };
      if (takeCheck.unusable(found)) {
        problem = found;
      } else {
        elsewhere = !last && take !== null && take.state === "uploading";
        await showTake(q, used);
        if (take && take.silent) fail(SILENT);
      }
    }
    for (;;) {
      const left = allowed - used;
      $("retake").textContent = left > 0 ? ngettext("Record again (%(n)s take left)", "Record again (%(n)s takes left)", left, { n: n(left) }) : _("No takes left");
      if (problem) {
        // Never offered for submission: the server would refuse it. Only recording again is.
        TakePlayer.clear();
        fail(takeCheck.cannotUse(_("This take could not be used."), problem, left));
        say("");
        buttons("retake");
        $("retake").disabled = left <= 0;
        await once("retake");
        problem = null;
        last = await recordTake(q, used + 1, false);
        used += 1;
        continue;
      }
      if (elsewhere) {
        say(_("Take %(take)s is still on its way to us. Let the device it was recorded on finish sending it, or record the answer again.", { take: n(used) }) +
          " " + _("You can submit it here as soon as it has arrived."));
        buttons("retake");
        $("retake").disabled = left <= 0;
        const watching = { on: true };
        const arrived = takeCheck.arrival(q, used, watching);
        const found = await Promise.race([once("retake").then(() => null), arrived]);
        watching.on = false;
        elsewhere = false;
        if (found === null) {
          last = await recordTake(q, used + 1, false);
          used += 1;
        } else if (takeCheck.unusable(found)) {
          problem = found;
          recount(found.s);
        }
        continue; // the player shows the take once the server has it
      }
      buttons("submit", "retake");
      $("retake").disabled = left <= 0;
      say(left > 0 ? _("Watch your take. Submit it, or record again: a new take discards this one, and only the take you submit is sent.")
        : _("Watch your take. Submit it when you are ready."));
      const watching = { on: true };
      const watched = takeCheck.watch(q, used, last, watching);
      const choice = await Promise.race([once("submit").then(() => "submit"), once("retake").then(() => "retake"),
        watched.then((found) => (found ? "unusable" : new Promise(() => {})))]);
      watching.on = false;
      if (choice === "unusable") {
        problem = await watched;
        recount(problem.s);
        continue;
      }
      if (choice === "retake" && left > 0) {
        last = await recordTake(q, used + 1, false);
        used += 1;
        continue;
      }
      buttons();
      try {
        if (last) await waitForUpload(last.key);
        state = await call(`/answers/${q.id}`, { method: "POST", body: JSON.stringify({ take: used }) });
        TakePlayer.stop();
        await Uploads.release(token, q.id);
        saved(q);
        watchSubmitted(q, used);
        return;
      } catch (e) {
        fail(e.message);
        // Refused on its way, or by processing meanwhile: then it is not offered again.
        const found = await takeCheck.check(q, used, last);
        if (takeCheck.unusable(found)) {
          problem = found;
          recount(found.s);
        }
      }
    }
  }

  /* A short pause after a saved answer, so the next question does not arrive on top of it; the candidate may go on
     at once. */
  async function breather(q) {
    if (state.current === null || stoodAside()) return;
    sections(null);
    phase("");
    const of = { position: n(q.position), next: n(state.current + 1), total: n(total) };
    heading(_("Question %(position)s of %(total)s done", of), _("Next: question %(next)s of %(total)s", of), _("Take a breath."));
    $("receipt").textContent = _("Answer %(position)s of %(total)s saved ✓ — next question in a few seconds", of);
    buttons("next");
    await Promise.race([once("next"), sleep(BREATHER * 1000)]);
    buttons();
    saved(q);
  }

  /* Nothing of a finished interview needs to stay on this device. */
  async function forgetAll() {
    await Uploads.forget(token);
    cfg.questions.forEach((q) => answers.drafts.drop(q));
  }

  async function finishStep() {
    heading(_("All questions answered"), _("Almost done"), "");
    sections(null);
    phase("");
    for (;;) {
      const pending = await Uploads.pending(token);
      if (!pending.length) break;
      say(ngettext("Saving your last answer… please keep this page open.", "Saving your last %(n)s answers… please keep this page open.", pending.length, { n: n(pending.length) }));
      Uploads.kick();
      await new Promise((r) => setTimeout(r, 500));
    }
    say(_("Every answer is saved. Finish the interview to send it to the hiring team."));
    buttons("finish");
    for (;;) {
      await once("finish");
      sending(true, "finish");
      try {
        await call("/finish", { method: "POST", body: "{}" });
        await forgetAll();
        location.assign(`/i/${token}/done`);
        return;
      } catch (e) {
        fail(e.message);
        try {
          state = await call("/state");
        } catch (unreachable) {
          buttons("finish"); // out of reach (the message says so): Finish can be pressed again
          continue;
        }
        if (state.current !== null) {
          // A recording could not be used (no sound, say): go back to that question to record it again.
          await new Promise((r) => setTimeout(r, 2500));
          return next();
        }
        buttons("finish");
      }
    }
  }

  async function next() {
    while (!stoodAside()) {
      if (state.current === null) return finishStep();
      const q = cfg.questions[state.current];
      const s = state.questions[state.current];
      const limits = q.kind === "video" || q.kind === "audio"
        ? ngettext("%(think)s s to think, up to %(answer)s s to answer, %(n)s take.", "%(think)s s to think, up to %(answer)s s to answer, %(n)s takes.",
          q.takes, { think: n(q.think), answer: n(q.answer), n: n(q.takes) })
        : q.kind === "text" ? _("Up to %(limit)s characters.", { limit: n(q.max_chars) }) : "";
      heading(_("Question %(position)s of %(total)s", { position: n(q.position), total: n(total) }), q.prompt, limits);
      await QuestionVideo.show(q, q.kind === "video" || q.kind === "audio");
      if (q.kind === "video" || q.kind === "audio") await recordedQuestion(q, s);
      else if (q.kind === "text") state = await answers.text(q);
      else if (q.kind === "choice") state = await answers.choice(q);
      else state = await answers.file(q);
      QuestionVideo.hide();
      await breather(q);
    }
  }

  async function main() {
    await Uploads.recover(token);
    state = await call("/state");
    if (state.finished) {
      await forgetAll();
      location.assign(`/i/${token}/done`);
      return;
    }
    // Answers submitted before a reload: what this device kept of them is no longer needed.
    for (const s of state.questions) {
      if (!s.submitted) continue;
      await Uploads.release(token, s.id);
      answers.drafts.drop({ id: s.id });
    }
    const started = state.questions.some((s) => s.submitted || s.takes.length);
    if (!started && !localStorage.getItem(`boxinterview:practised:${token}`) &&
        cfg.questions.some((q) => q.kind === "video" || q.kind === "audio")) {
      await practice();
    } else {
      await next();
    }
  }

  main().catch((e) => fail(Recorder.denied(e)
    ? _("This page may not use your camera and microphone.") + " " + Recorder.deniedHelp()
    : _("Something went wrong: %(problem)s", { problem: e.message }) +
      (cfg.support ? " " + _("Contact %(support)s if it happens again.", { support: cfg.support }) : "")));
})();

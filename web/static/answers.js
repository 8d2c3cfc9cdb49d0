/* The answers that are not recorded: written (kept on this device as it is typed, so a reload or a closed tab does
   not lose it), chosen from the question's options, and a document. Each resolves with the candidate's state once
   the server has the answer. `ui` is what the interview page lends them: its elements, buttons and calls. */
"use strict";
const Answers = (ui) => {
  const { $, n, api, token, sections, phase, buttons, once, countdown, stopTimer, sending, fail, say, call, reach, saved, begun } = ui;

  const draftKey = (q) => `boxinterview:draft:${token}:${q.id}`;
  const drafts = {
    get: (q) => { try { return localStorage.getItem(draftKey(q)); } catch (e) { return null; } },
    put: (q, text) => { try { localStorage.setItem(draftKey(q), text); } catch (e) { /* full or private: only this tab keeps it */ } },
    drop: (q) => { try { localStorage.removeItem(draftKey(q)); } catch (e) { /* nothing kept */ } },
  };

  async function text(q) {
    // The time goes on from when the question was first shown: a reload or another device does not begin it again.
    // Asked before the question is shown, so that nothing typed or pressed meanwhile is missed.
    const since = await begun(q);
    sections("text-answer");
    phase("text");
    const area = $("text");
    // Characters as the server counts them (an emoji is one), where the browser's own limit counts UTF-16 units
    const limit = q.max_chars || 2000;
    const chars = (value) => [...value.normalize("NFC")];
    const within = (value) => (chars(value).length > limit ? chars(value).slice(0, limit).join("") : value);
    area.removeAttribute("maxlength");
    const draft = drafts.get(q);
    area.value = draft ? within(draft) : "";
    $("draft-note").textContent = draft ? _("We restored the draft you were writing on this device.") : "";
    const count = () => { $("text-count").textContent = _("%(count)s of %(limit)s characters", { count: n(chars(area.value).length), limit: n(limit) }); };
    area.oninput = () => {
      if (chars(area.value).length > limit) area.value = within(area.value);
      count();
      if (area.value) drafts.put(q, area.value);
      else drafts.drop(q);
    };
    count();
    buttons("submit");
    area.focus();
    let timeUp = new Promise((resolve) => countdown(_("Time left"), Math.max(0, Math.ceil(q.answer - since)), resolve));
    for (;;) {
      await Promise.race([once("submit"), timeUp]);
      timeUp = new Promise(() => {}); // the time limit submits once; after that only the button does
      sending(true);
      try {
        const state = await call(`/answers/${q.id}`, { method: "POST", body: JSON.stringify({ text: area.value }) });
        stopTimer();
        drafts.drop(q);
        area.value = "";
        $("draft-note").textContent = "";
        saved(q);
        return state;
      } catch (e) {
        sending(false);
        fail(e.message);
      }
    }
  }

  async function choice(q) {
    sections("choice-answer");
    phase("choice");
    $("choices").innerHTML = "";
    q.choices.forEach((label, i) => {
      const id = `choice-${i + 1}`;
      const p = document.createElement("p");
      p.className = "check";
      p.innerHTML = `<input type="radio" name="choice" id="${id}" value="${i + 1}"> <label for="${id}"></label>`;
      p.querySelector("label").textContent = label;
      $("choices").appendChild(p);
    });
    buttons("submit");
    for (;;) {
      await once("submit");
      const picked = document.querySelector('input[name="choice"]:checked');
      if (!picked) { fail(_("Choose one of the answers first.")); continue; }
      sending(true);
      try {
        const state = await call(`/answers/${q.id}`, { method: "POST", body: JSON.stringify({ choice: Number(picked.value) }) });
        saved(q);
        return state;
      } catch (e) {
        sending(false);
        fail(e.message);
      }
    }
  }

  async function file(q) {
    sections("file-answer");
    phase("file");
    buttons("submit");
    for (;;) {
      await once("submit");
      const file = $("file").files[0];
      if (!file) { fail(_("Choose your document first.")); continue; }
      const form = new FormData();
      form.append("file", file);
      sending(true);
      say(_("Uploading your document…"));
      try {
        const r = await reach(`${api}/answers/${q.id}/file`, { method: "POST", body: form, headers: { "Accept-Language": pageLanguage } });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error.message);
        saved(q);
        return body;
      } catch (e) {
        say("");
        sending(false);
        fail(e.message);
      }
    }
  }

  return { drafts, text, choice, file };
};

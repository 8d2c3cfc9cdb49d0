/* Whether a recorded take can still be submitted: what this device and the server know of it, asked again while
   the take is watched (a page left open learns so when processing rejects it later), and what the candidate is
   told when it cannot be. `readState` gives the candidate's state from the server (it throws when out of reach). */
"use strict";
const TakeCheck = (readState) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /* What is known of a take now: its upload on this device (refused, when the server would not take it) and the
     server's word on it, with its question's state; the server's part is missing when it cannot be reached. */
  async function check(q, number, upload) {
    const u = upload ? await Uploads.status(upload.key) : null;
    let fresh;
    try {
      fresh = await readState(); // asked even after a refusal: the interview itself may have closed
    } catch (e) {
      return u && u.refused ? { refused: u.refused } : {};
    }
    if (u && u.refused) return { refused: u.refused };
    const s = fresh.questions.find((x) => x.id === q.id) || null;
    return { s, take: s ? s.takes.find((t) => t.number === number) || null : null };
  }
  const unusable = (found) => Boolean(found.refused || (found.take && ["rejected", "failed"].includes(found.take.state)));

  /* While a take is watched, ask about it (after 1, 2, 4, then every 8 seconds) until the server has processed it.
     Resolves with what was found when it cannot be used, else (processed, or `watching.on` turned off) with null. */
  async function watch(q, number, upload, watching) {
    for (let wait = 1000; watching.on; wait = Math.min(wait * 2, 8000)) {
      await sleep(wait);
      if (!watching.on) break;
      const found = await check(q, number, upload);
      if (!watching.on) break;
      if (unusable(found)) return found;
      if (found.take && found.take.state === "ready") break;
    }
    return null;
  }

  /* A take the server has still arriving that this device did not record: it comes from another device (or a
     page left open there). Resolves with what was found once the server's word on it changes (it arrived, or it
     cannot be used), or with null when `watching.on` is turned off. */
  async function arrival(q, number, watching) {
    for (let wait = 2000; watching.on; wait = Math.min(wait * 2, 8000)) {
      await sleep(wait);
      if (!watching.on) break;
      const found = await check(q, number, null);
      if (watching.on && found.take && found.take.state !== "uploading") return found;
    }
    return null;
  }

  /* The server's reason ("nothing was recorded: record this answer again") as a sentence of its own. */
  function sentence(text) {
    const t = (text || "").trim();
    return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".") : "";
  }

  /* `lead`, then why, then whether the take counts against the candidate's takes or none are left. */
  function cannotUse(lead, found, left) {
    const counts = !found.take || found.take.counts !== false;
    const after = left <= 0 ? _("No takes are left; contact the support address.")
      : counts ? "" : _("It does not count as one of your takes.");
    return [lead, sentence(found.refused || (found.take && found.take.reason)), after].filter(Boolean).join(" ");
  }

  return { arrival, check, unusable, watch, cannotUse };
};

/* A small tus 1.0.0 client and the upload queue that drains the vault: create (length deferred while
   recording), PATCH every chunk in order, resume from the server's offset after any failure. */
"use strict";
const Uploads = (() => {
  const TUS = { "Tus-Resumable": "1.0.0", "Accept-Language": document.documentElement.lang };
  const listeners = [];
  let running = false;
  let wake = null;
  let delay = 1000;

  class Refused extends Error {}

  function b64(text) {
    return btoa(unescape(encodeURIComponent(text)));
  }

  async function create(u) {
    const meta = { token: u.token, question: String(u.question), take: String(u.take), filetype: u.mime };
    const r = await fetch("/api/v1/uploads/", {
      method: "POST",
      headers: { ...TUS, "Upload-Defer-Length": "1",
        "Upload-Metadata": Object.entries(meta).map(([k, v]) => k + " " + b64(v)).join(",") },
    });
    if (r.status === 201) return new URL(r.headers.get("Location"), location.href).href;
    const why = (await r.text()).trim();
    if (r.status >= 400 && r.status < 500) throw new Refused(why || _("The server refused this take. Record the answer again."));
    throw new Error("creating the upload failed: " + r.status);
  }

  async function offset(url) {
    const r = await fetch(url, { method: "HEAD", headers: TUS, cache: "no-store" });
    if (r.status === 200) return Number(r.headers.get("Upload-Offset"));
    if (r.status === 404 || r.status === 410) throw new Refused(_("This upload expired. Record the answer again."));
    // Withdrawn, or finished elsewhere: no answer is taken any more (an answer to HEAD carries no words)
    if (r.status === 403) throw new Refused(_("This interview no longer takes answers. Reload the page to see why."));
    throw new Error("asking for the offset failed: " + r.status);
  }

  async function patch(url, at, body, length) {
    const headers = { ...TUS, "Upload-Offset": String(at), "Content-Type": "application/offset+octet-stream" };
    if (length !== undefined) headers["Upload-Length"] = String(length);
    const r = await fetch(url, { method: "PATCH", headers, body });
    if (r.status === 204) return Number(r.headers.get("Upload-Offset"));
    const why = (await r.text()).trim();
    if (r.status === 409) return null; // out of step: ask the server where it is
    if (r.status >= 400 && r.status < 500) throw new Refused(why);
    throw new Error("sending failed: " + r.status);
  }

  async function drive(key) {
    let u = await Vault.get("uploads", key);
    if (!u) return;
    if (!u.url) {
      const url = await create(u);
      u = await Vault.update("uploads", key, (x) => ({ ...x, url }));
      if (!u) return;
    }
    let at = await offset(u.url);
    // Acknowledged chunks stay in the vault (the take can be watched from them), so read on from the chunk in hand.
    let from = 0;
    for (;;) {
      u = await Vault.get("uploads", key);
      if (!u) return;
      const chunks = await Vault.chunks(key, from);
      const next = chunks.find((c) => c.start + c.blob.size > at);
      if (!next) {
        if (u.final && at === u.size) {
          if (!u.lengthSent) await patch(u.url, at, new Blob([]), u.size);
          const finished = await Vault.update("uploads", key, (x) => ({ ...x, done: true, acked: at, lengthSent: true }));
          notify(finished);
          if (finished && finished.release) await Vault.forget(key); // its answer was submitted meanwhile
        }
        return;
      }
      const last = u.final && next.start + next.blob.size === u.size;
      const sent = await patch(u.url, at, next.blob.slice(at - next.start), last ? u.size : undefined);
      from = sent === null ? 0 : next.start;
      at = sent === null ? await offset(u.url) : sent;
      notify(await Vault.update("uploads", key, (x) => ({ ...x, acked: at, lengthSent: x.lengthSent || (last && sent !== null) })));
    }
  }

  async function pump() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const pending = (await Vault.all("uploads")).filter((u) => !u.done && !u.refused);
        if (!pending.length) break;
        let failed = false;
        for (const u of pending) {
          try {
            await drive(u.key);
          } catch (e) {
            if (e instanceof Refused) {
              notify(await Vault.update("uploads", u.key, (x) => ({ ...x, refused: e.message })));
            } else {
              failed = true;
              notify({ ...u, offline: true });
            }
          }
        }
        const stillPending = (await Vault.all("uploads")).some((u) => !u.done && !u.refused && u.final);
        if (!failed && !stillPending) break;
        if (failed) {
          await new Promise((resolve) => { wake = resolve; setTimeout(resolve, delay); });
          delay = Math.min(delay * 2, 15000);
        } else {
          delay = 1000;
          await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 500); });
        }
      }
    } finally {
      running = false;
    }
  }

  function notify(u) {
    if (u) listeners.forEach((fn) => fn(u));
  }

  window.addEventListener("online", () => { delay = 1000; if (wake) wake(); kick(); });

  function kick() {
    if (wake) wake();
    pump();
  }

  return {
    kick,
    onChange: (fn) => listeners.push(fn),
    /* Start a take: its chunks arrive with add(), and finish() gives the final size. */
    begin: async (token, question, take, mime) => {
      const u = { key: `${token}:${question}:${take}`, token, question, take, mime, size: 0, final: false,
                  done: false, acked: 0, url: null };
      await Vault.put("uploads", u);
      return u;
    },
    add: async (u, blob) => {
      if (!blob.size) return;
      const start = u.size;
      u.size += blob.size;
      await Vault.put("chunks", { key: u.key, start, blob });
      await Vault.update("uploads", u.key, (x) => ({ ...x, size: Math.max(x.size, start + blob.size) }));
      kick();
    },
    finish: async (u) => {
      await Vault.update("uploads", u.key, (x) => ({ ...x, size: u.size, final: true }));
      kick();
    },
    /* After a reload: a take whose recording never finished is closed with what was saved. */
    recover: async (token) => {
      for (const u of await Vault.all("uploads")) {
        if (u.token === token && !u.final) {
          const chunks = await Vault.chunks(u.key);
          const size = Math.max(u.acked, chunks.reduce((end, c) => Math.max(end, c.start + c.blob.size), 0));
          await Vault.update("uploads", u.key, (x) => ({ ...x, size, final: true }));
        }
      }
      kick();
    },
    status: async (key) => Vault.get("uploads", key),
    /* The take as recorded on this device, while its chunks are kept; null when they are not all here. */
    local: async (token, question, take) => {
      const key = `${token}:${question}:${take}`;
      const u = await Vault.get("uploads", key);
      if (!u) return null;
      const chunks = await Vault.chunks(key);
      let end = 0;
      for (const c of chunks) {
        if (c.start !== end) return null; // a gap: only chunks in order, from the first, make a playable take
        end += c.blob.size;
      }
      return end ? new Blob(chunks.map((c) => c.blob), { type: u.mime || "" }) : null;
    },
    /* A question's answer is submitted: its takes' chunks are no longer needed once they are on the server. */
    release: async (token, question) => {
      for (const u of await Vault.all("uploads")) {
        if (u.token !== token || u.question !== question) continue;
        if (u.done || u.refused) await Vault.forget(u.key);
        else await Vault.update("uploads", u.key, (x) => ({ ...x, release: true }));
      }
    },
    /* The interview is finished: nothing of it needs to stay on this device. */
    forget: async (token) => {
      for (const u of await Vault.all("uploads")) if (u.token === token) await Vault.forget(u.key);
    },
    pending: async (token) => (await Vault.all("uploads")).filter((u) => u.token === token && !u.done && !u.refused),
  };
})();

/* The vault: every recorded chunk is kept in IndexedDB, so a dropped connection, a reload or a crashed browser
   loses nothing, and a take can be watched again from this device before the server has all of it. The chunks
   of a question are deleted once its answer is submitted (see Uploads.release), so the vault holds little more
   than the question in hand. */
"use strict";
const Vault = (() => {
  let opening = null;
  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const r = indexedDB.open("boxinterview", 1);
        r.onupgradeneeded = () => {
          r.result.createObjectStore("uploads", { keyPath: "key" });
          r.result.createObjectStore("chunks", { keyPath: ["key", "start"] });
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    }
    return opening;
  }
  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function store(name, mode) {
    return (await open()).transaction(name, mode).objectStore(name);
  }
  return {
    put: async (name, value) => done((await store(name, "readwrite")).put(value)),
    get: async (name, key) => done((await store(name, "readonly")).get(key)),
    remove: async (name, key) => done((await store(name, "readwrite")).delete(key)),
    all: async (name) => done((await store(name, "readonly")).getAll()),
    /* Read, change and write one record in a single transaction, so no other code can slip in between. */
    update: async (name, key, change) => {
      const s = await store(name, "readwrite");
      const current = await done(s.get(key));
      if (current === undefined) return null; // deleted meanwhile: nothing to change
      const next = change(current);
      await done(s.put(next));
      return next;
    },
    /* A take's chunks from byte `from` on (by where they start), in order. */
    chunks: async (key, from = 0) =>
      done((await store("chunks", "readonly")).getAll(IDBKeyRange.bound([key, from], [key, Infinity]))),
    /* Delete a take: its record and all its chunks, in one transaction. */
    forget: async (key) => {
      const t = (await open()).transaction(["uploads", "chunks"], "readwrite");
      t.objectStore("chunks").delete(IDBKeyRange.bound([key, 0], [key, Infinity]));
      t.objectStore("uploads").delete(key);
      return new Promise((resolve, reject) => { t.oncomplete = resolve; t.onerror = () => reject(t.error); t.onabort = () => reject(t.error); });
    },
  };
})();

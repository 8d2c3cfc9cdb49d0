/* The vault: every recorded chunk is kept in IndexedDB until the server has acknowledged it, so a dropped
   connection, a reload or a crashed browser loses nothing. */
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
      const next = change(current);
      await done(s.put(next));
      return next;
    },
    chunks: async (key) =>
      done((await store("chunks", "readonly")).getAll(IDBKeyRange.bound([key, 0], [key, Infinity]))),
  };
})();

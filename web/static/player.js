/* Watching a take again: the copy in memory or kept on this device plays at once; otherwise the server's, which
   may still be arriving (after a reload, say), so it is asked for again, saying so, until it is there. */
"use strict";
const TakePlayer = (() => {
  const $ = (id) => document.getElementById(id);
  let retrying = null;

  /* No more asking the server, and no note: the candidate moved on (records again, submits). */
  function stop() {
    const playback = $("playback");
    if (retrying) clearTimeout(retrying);
    retrying = null;
    playback.onerror = null;
    playback.onloadedmetadata = null;
    $("take-note").hidden = true;
  }

  function reset(playback) {
    stop();
    if (playback.src.startsWith("blob:")) URL.revokeObjectURL(playback.src);
    $("live").hidden = true;
  }

  /* A take this page has as a Blob. */
  function play(blob) {
    const playback = $("playback");
    reset(playback);
    playback.src = URL.createObjectURL(blob);
    playback.hidden = false;
  }

  function fromServer(url) {
    const playback = $("playback");
    const note = $("take-note");
    reset(playback);
    let wait = 1000;
    playback.onloadedmetadata = () => { note.hidden = true; playback.hidden = false; };
    playback.onerror = () => {
      if (retrying) clearTimeout(retrying);
      playback.hidden = true;
      note.hidden = false;
      note.textContent = _("Your take is still arriving on our server. It will play here as soon as it is there.");
      retrying = setTimeout(() => playback.load(), wait);
      wait = Math.min(wait * 2, 8000);
    };
    playback.src = url;
    playback.hidden = false;
  }

  /* A take the server could not use: nothing to play, nor to wait for. */
  function clear() {
    const playback = $("playback");
    reset(playback);
    playback.removeAttribute("src");
    playback.load();
    playback.hidden = true;
  }

  /* A take recorded earlier: the copy kept on this device if there is one, else the server's at `url`. */
  function show(url, local) {
    if (!local) return fromServer(url);
    play(local);
    $("playback").onerror = () => fromServer(url); // a copy this browser cannot play: watch the server's instead
  }

  return { clear, play, show, stop };
})();

/* The players of answers whose copy for every browser is still being made (the reviewer's page, share links). */
(() => {
  // A preview (the recording as the candidate's browser made it, WebM) plays where WebM plays; elsewhere the
  // page says the recording is still being prepared. Once the copy every browser plays is ready the preview's
  // address ends: the player loads the recording again from where it was.
  document.querySelectorAll("video[data-preview]").forEach((video) => {
    const answer = video.parentElement; // the player with its two notes
    const unplayable = answer.querySelector(".preview-unplayable");
    if (!video.canPlayType(video.dataset.preview)) {
      video.hidden = true;
      answer.querySelector(".preview-note").hidden = true;
      unplayable.hidden = false;
      return;
    }
    // Where the reviewer is and whether they want it playing, as they left it: an error pauses the player and
    // loading the MP4 starts it at 0, so neither is read at the moment of the error.
    let at = 0, playing = false, recovering = false, reloads = 0;
    video.addEventListener("timeupdate", () => { if (!recovering && !video.error) at = video.currentTime; });
    video.addEventListener("seeking", () => { if (!recovering) at = video.currentTime; });
    video.addEventListener("play", () => { if (!recovering) playing = true; });
    video.addEventListener("pause", () => {
      // A player meeting an error may pause just before it says so: decide a moment later.
      setTimeout(() => { if (!recovering && !video.error) playing = false; }, 50);
    });
    video.addEventListener("error", () => {
      if (recovering || reloads++ >= 2) { recovering = false; unplayable.hidden = false; return; }
      recovering = true;
      video.addEventListener("loadedmetadata", () => {
        video.currentTime = at;
        recovering = false;
        if (playing) video.play().catch(() => {});
      }, { once: true });
      video.src = video.getAttribute("src");
    });
  });
})();

/* One tab at a time: a second tab or window on the same link steps aside, so the answers stay in order.
   `OneTab(token, stepAside)` calls `stepAside()` in the tab that arrived second and returns a function that says
   whether this tab has stepped aside. */
"use strict";
const OneTab = (token, stepAside) => {
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("boxinterview:" + token) : null;
  let aside = false;
  if (channel) {
    channel.onmessage = (e) => {
      if (e.data === "hello" && !aside) channel.postMessage("here");
      else if (e.data === "here" && !aside) {
        aside = true;
        channel.close(); // this tab no longer answers for the link: a reload asks again
        stepAside();
      }
    };
    channel.postMessage("hello");
  }
  return () => aside;
};

// A candidate answers an interview in Debian's Firefox, driven over WebDriver BiDi (no driver program in between).
// Started by tests/browser/test_firefox_browser.py, which prepares the server and checks afterwards what arrived.
//
//   node journey.mjs '{"firefox": "/usr/bin/firefox-esr", "url": "http://127.0.0.1:PORT/i/TOKEN", "seconds": 2}'
//
// The interview is the practice question, then a video, an audio and a text question. Prints one JSON line
// with what the pages said along the way; exits non-zero, saying where, when a step does not happen in time.
import puppeteer from "puppeteer-core";

const options = JSON.parse(process.argv[2]);
const WAIT = 60_000;
const seen = { steps: [] };

// Firefox's fake devices: a test pattern for the camera and a tone for the microphone, allowed without a prompt.
const PREFS = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.reportingpolicy.firstRun": false,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function text(page, selector) {
  return page.$eval(selector, (el) => el.textContent).catch(() => "");
}

// Waits until the element's text holds `wanted`; the pages' Content-Security-Policy refuses string evaluation,
// so this reads the text from here instead of waiting inside the page.
async function shows(page, selector, wanted, timeout = WAIT) {
  const end = Date.now() + timeout;
  for (;;) {
    const now = await text(page, selector);
    if (now.includes(wanted)) return now;
    if (Date.now() > end) throw new Error(`${selector} never said "${wanted}" (it says "${now}")`);
    await sleep(200);
  }
}

async function visible(page, selector, timeout = WAIT) {
  await page.waitForSelector(`${selector}:not([hidden])`, { visible: true, timeout });
}

async function step(name, work) {
  seen.steps.push(name);
  try {
    return await work();
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
}

async function record(page, seconds) {
  await visible(page, "#start");
  await page.click("#start");
  await visible(page, "#stop");
  await sleep(seconds * 1000);
  await page.click("#stop");
}

async function journey(page) {
  await step("invitation", async () => {
    await page.goto(options.url, { waitUntil: "load" });
    seen.invitation = (await text(page, "h1")).trim();
    await page.click("#consent");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
  });
  await step("device check", async () => {
    await page.waitForSelector("#continue[aria-disabled=false]", { timeout: WAIT });
    await shows(page, "#r-mic", "we can hear you");
    seen.check = {};
    for (const id of ["r-browser", "r-camera", "r-mic", "r-speed"]) seen.check[id] = await text(page, `#${id}`);
    seen.userAgent = await page.evaluate(() => navigator.userAgent);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#continue")]);
  });
  await step("practice question", async () => {
    await shows(page, "#step", "Practice question");
    await record(page, 1.5);
    await visible(page, "#begin");
    await page.click("#begin");
  });
  for (const [n, kind] of [[1, "video"], [2, "audio"]]) {
    await step(`${kind} answer`, async () => {
      await shows(page, "#step", `Question ${n} of 3`);
      await record(page, options.seconds);
      await visible(page, "#submit");
      await page.click("#submit");
      await shows(page, "#receipt", `Answer ${n} of 3 saved`);
    });
  }
  await step("text answer", async () => {
    await shows(page, "#step", "Question 3 of 3");
    await visible(page, "#text");
    await page.type("#text", "Listening first, then fixing the cause.");
    await page.click("#submit");
    await shows(page, "#receipt", "Answer 3 of 3 saved");
  });
  await step("finish", async () => {
    await visible(page, "#finish");
    await Promise.all([page.waitForNavigation({ waitUntil: "load", timeout: WAIT }), page.click("#finish")]);
    seen.done = (await text(page, "main")).replace(/\s+/g, " ").trim();
    seen.doneUrl = page.url();
  });
}

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: options.firefox,
  headless: true,
  extraPrefsFirefox: PREFS,
  args: ["--width=1280", "--height=800"],
});
let failed = null;
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") (seen.console ||= []).push(m.text()); });
  page.on("pageerror", (e) => (seen.console ||= []).push(String(e)));
  await journey(page);
} catch (e) {
  failed = e;
} finally {
  await browser.close();
}
seen.error = failed ? failed.message : null;
process.stdout.write(JSON.stringify(seen) + "\n");
process.exit(failed ? 1 : 0);

"""Browsers besides Chromium, from Debian: Firefox ESR driven over WebDriver BiDi by a small Node program
(tests/browser/driver/), WebKitGTK's MiniBrowser driven over WebDriver by Selenium under Xvfb; and what the
server kept of the answers a candidate recorded in them (for tests/browser/test_firefox_browser.py and
test_webkit_browser.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from boxinterview.domain import journey, recordings
from boxinterview.domain.recordings import RecordingListing
from tests.support.live import Live

FIREFOX = "/usr/bin/firefox-esr"
DRIVER = Path(__file__).resolve().parents[1] / "browser" / "driver"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
# WebKitGTK's mock capture devices (a test pattern and a tone) in place of a camera and microphone, allowed
# without a prompt; getUserMedia also needs no window focus, which nothing gives a window under Xvfb.
MINIBROWSER_ARGS = [
    "--automation",
    "--enable-media-stream=true",
    "--enable-mock-capture-devices=true",
    "--enable-webaudio=true",
    "--features=+MockCaptureDevices,-MockCaptureDevicesPrompt,-GetUserMediaRequiresFocus",
]


def node_driver() -> Path:
    """The Node driver with its packages installed from the lockfile (`npm ci`, again whenever it changes)."""
    lock = DRIVER / "package-lock.json"
    stamp = DRIVER / "node_modules" / ".boxinterview-lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=DRIVER,
            check=True,
            capture_output=True,
            timeout=300,
        )
        stamp.write_text(digest)
    return DRIVER / "journey.mjs"


@contextmanager
def sound_server(folder: Path) -> Iterator[dict[str, str]]:
    """A PulseAudio server with a null sink: the speaker a browser needs before it runs an AudioContext (Firefox
    keeps one "suspended" for good where no sound server answers, so the microphone's level never moves). Yields
    the environment that points a browser at it."""
    folder.mkdir(parents=True, exist_ok=True)
    socket = folder / "native"
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder)}
    proc = subprocess.Popen(
        [
            "pulseaudio",
            "-n",  # no default configuration: only the modules below
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disable-shm=yes",
            "--use-pid-file=no",
            "-L",
            f"module-native-protocol-unix socket={socket} auth-anonymous=1",
            "-L",
            "module-null-sink",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "pulseaudio.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert proc.poll() is None and time.monotonic() < deadline, (
                folder / "pulseaudio.log"
            ).read_text()
            time.sleep(0.05)
        yield {"PULSE_SERVER": f"unix:{socket}"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def firefox_journey(url: str, seconds: float, folder: Path, timeout: float = 150) -> dict:
    """A candidate's whole journey from their link in Firefox; what the pages said, as the driver reports it."""
    script = node_driver()
    options = {"firefox": FIREFOX, "url": url, "seconds": seconds}
    with sound_server(folder / "sound") as sound:
        done = subprocess.run(
            ["node", str(script), json.dumps(options)],
            cwd=DRIVER,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **sound, "MOZ_HEADLESS": "1"},
        )
    lines = done.stdout.strip().splitlines()
    assert lines, f"the driver reported nothing: {done.stderr[-2000:]}"
    seen = json.loads(lines[-1])
    assert done.returncode == 0 and seen["error"] is None, (seen, done.stderr[-2000:])
    return seen


@contextmanager
def xvfb() -> Iterator[str]:
    """A virtual X display for a browser that needs one; yields its name (":N")."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as f:
            number = f.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def webkit(display: str, log: Path) -> Iterator:
    """A MiniBrowser session with mock camera and microphone, over WebKitWebDriver (no driver download)."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = MINIBROWSER
    for arg in MINIBROWSER_ARGS:
        options.add_argument(arg)
    env = {**os.environ, "DISPLAY": display, "GST_DEBUG": "webkitmediarecorder:2"}
    service = Service(executable_path=WEBKIT_DRIVER, log_output=str(log), env=env)
    driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def submitted_recordings(
    live: Live, token: str, invitation_id: int, timeout: float = 90
) -> dict[int, RecordingListing]:
    """Once processing has ended for every submitted take: their recordings, by question id."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in recordings.listing(live.db) if r.invitation_id == invitation_id]
        questions = {s.question.id: s for s in journey.progress(live.db, token).questions}
        chosen = {
            r.question_id: r
            for r in found
            if any(t.submitted and t.number == r.take for t in questions[r.question_id].takes)
        }
        if chosen and all(r.state in ("ready", "rejected", "failed") for r in chosen.values()):
            return chosen
        assert time.monotonic() < deadline, [(r.id, r.state) for r in found]
        time.sleep(0.3)


def have(*programs: str) -> None:
    """Fail plainly when a browser the tests drive is missing: `scripts/bootstrap --test` installs them."""
    missing = [p for p in programs if not (shutil.which(p) or Path(p).exists())]
    assert not missing, f"missing {missing}: run scripts/bootstrap --test"

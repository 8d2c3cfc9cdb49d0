"""`boxinterview serve` as a real process: health, candidate link, errors, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import boxinterview_cmd, free_port


def _get(url: str, accept: str = "text/html") -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


@pytest.fixture
def server(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
    demo = subprocess.run(
        [*boxinterview_cmd(), "demo", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [*boxinterview_cmd(), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(
                    "server did not start:\n" + (proc.stdout.read() if proc.stdout else "")
                ) from None
            time.sleep(0.1)
    yield base, json.loads(demo.stdout), proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_healthz_reports_version_and_database(server) -> None:
    base, _, _ = server
    status, body, headers = _get(base + "/healthz")
    data = json.loads(body)
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert data["status"] == "ok"
    assert data["version"]
    assert data["database"]["ok"] is True
    assert data["database"]["schema_version"] == data["database"]["expected_schema_version"]


def test_candidate_link_shows_what_to_expect(server) -> None:
    base, demo, _ = server
    status, body, headers = _get(demo["candidate_url"].replace("http://127.0.0.1:8080", base))
    assert status == 200
    assert "Customer Support Specialist" in body
    assert "5 questions" in body
    assert "jobs@example.com" in body
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_bad_links_get_a_page_or_json_that_says_why(server) -> None:
    base, _, _ = server
    status, body, _ = _get(base + "/i/" + "A" * 43)
    assert status == 404 and "link is not valid" in body and "<html" in body
    status, body, _ = _get(base + "/i/" + "A" * 43, accept="application/json")
    assert status == 404
    assert json.loads(body)["error"]["message"].startswith("this interview link is not valid")
    status, body, _ = _get(base + "/no/such/page")
    assert status == 404 and "no page at this address" in body


def test_sigterm_stops_the_server_cleanly(server) -> None:
    _, _, proc = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0

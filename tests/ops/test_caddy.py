"""The real Caddy in front: the rendered configuration validates, serves HTTPS with Caddy's internal CA, passes
a tus upload through, and sends recordings itself once the app has authorised them."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from tusclient import client as tus

from boxinterview.domain import (
    accounts,
    answers,
    api,
    integration,
    invitations,
    recordings,
    retention,
    shares,
)
from boxinterview.domain.models import RecordingState, Role
from boxinterview.ops import proxy
from boxinterview.pipeline import processing
from boxinterview.web import viewings
from tests.conftest import free_port
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import live_server
from tests.support.signin import sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def caddy(tmp_path: Path, request):
    """Caddy in front of the app; `accel_redirect` (Caddy reads the data directory) unless the test's
    parameter says False."""
    https_port, http_port = free_port(), free_port()
    accel = getattr(request, "param", True)
    with live_server(
        tmp_path,
        server={"accel_redirect": accel, "public_url": f"https://localhost:{https_port}"},
        proxy={
            "hostname": "localhost",
            "tls": "internal",
            "https_port": https_port,
            "http_port": http_port,
            "storage": str(tmp_path / "caddy"),
        },
    ) as live:
        config = tmp_path / "Caddyfile"
        config.write_text(proxy.caddyfile(live.settings))
        env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
        checked = subprocess.run(
            ["caddy", "validate", "--adapter", "caddyfile", "--config", str(config)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        proc = subprocess.Popen(
            ["caddy", "run", "--adapter", "caddyfile", "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "caddy.log").open("wb"),
        )
        root_cert = tmp_path / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        base = f"https://localhost:{https_port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if root_cert.exists():
                    requests.get(base + "/healthz", verify=str(root_cert), timeout=2)
                    break
            except requests.exceptions.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "caddy.log").read_text()[
                -2000:
            ]
            time.sleep(0.1)
        try:
            yield live, base, str(root_cert)
        finally:
            proc.terminate()
            proc.wait(10)


def test_https_headers_and_health_through_caddy(caddy) -> None:
    live, base, cert = caddy
    r = requests.get(base + "/healthz", verify=cert, timeout=5)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert "max-age=31536000" in r.headers["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert "camera=(self)" in r.headers["Permissions-Policy"]
    page = requests.get(base + "/login", verify=cert, timeout=5, headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") in ("gzip", "zstd")


def test_a_tus_upload_and_a_recording_through_caddy(caddy, tmp_path, monkeypatch) -> None:
    live, base, cert = caddy
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # tuspy verifies Caddy's certificate against its own CA
    token = live.candidate()
    clip = make("vp8_opus.webm", tmp_path / "clips")
    tus.TusClient(base + "/api/v1/uploads/").uploader(
        str(clip), chunk_size=64 * 1024, metadata=live.metadata(token, filetype="video/webm")
    ).upload()
    session = requests.Session()
    rec = next(r for r in recordings.listing(live.db))
    assert Path(rec.original_path).read_bytes() == clip.read_bytes()
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)) is RecordingState.READY
    inv = invitations.by_token(live.db, token)
    video, audio, text = live.interview.questions
    answers.submit_take(live.db, inv.id, video.id, 1)
    record_take(live.db, live.settings, token, audio.id, 1, b"y")
    answers.submit_take(live.db, inv.id, audio.id, 1)
    answers.submit_text(live.db, inv.id, text.id, "Done.")
    answers.complete(live.db, inv.id)  # reviewers see nothing before the candidate has finished
    _, password = accounts.create(live.db, "via@example.com", Role.REVIEWER, "t")
    accounts.assign(live.db, "via@example.com", live.interview.id, "t")
    assert sign_in(session, base, "via@example.com", password).status_code == 200
    url = f"{base}/media/recordings/{rec.id}/playback"
    part = session.get(url, headers={"Range": "bytes=0-99"})
    playback = Path(recordings.get(live.db, rec.id).playback_path).read_bytes()
    assert part.status_code == 206 and part.content == playback[:100]  # sent by Caddy's file_server
    assert "X-Accel-Redirect" not in part.headers
    assert requests.get(url).status_code == 401  # not without a session


def test_caddy_sends_ranges_by_the_same_rules(caddy, tmp_path) -> None:
    live, base, cert = caddy
    inv, token = invitations.invite(live.db, live.interview.id, "Rae", "rae@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    question = live.interview.questions[0].id
    rec_id = record_take(live.db, live.settings, token, question, 1, b"take")
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), recordings.get(live.db, rec_id).original_path)
    assert asyncio.run(processing.process(live.db, live.settings, rec_id)) is RecordingState.READY
    url = f"{base}/api/v1/candidate/{token}/takes/{question}/1"
    data = Path(recordings.get(live.db, rec_id).playback_path).read_bytes()

    def get(**headers: str) -> requests.Response:
        return requests.get(url, headers=headers, verify=cert, timeout=10)

    the_same_range_rules(get, data)
    whole = get()
    assert whole.headers["Cache-Control"] == "no-store" and whole.headers["Referrer-Policy"] == "no-referrer"


def the_same_range_rules(
    get: Callable[..., requests.Response], data: bytes, reversed_range: int = 200
) -> None:
    """The rules of docs/uploads-and-processing.md, "Byte ranges", however the file is sent; Caddy alone, on a
    viewing's address, refuses a range that ends before it starts (416, `reversed_range`) where the app ignores
    it."""
    size = len(data)
    for ignored in ("bytes=abc", "items=0-1", "bytes=", "bytes=0-1,5-9", "bytes=0-1, 5-9"):
        r = get(Range=ignored)
        assert r.status_code == 200 and r.content == data, (ignored, r.status_code)
    assert get(Range="bytes=5-2").status_code == reversed_range
    for value, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=-500", size - 500, size - 1),
        ("bytes=100-", 100, size - 1),
        (f"bytes=5-{'9' * 30}", 5, size - 1),
    ]:
        r = get(Range=value)
        assert r.status_code == 206 and r.content == data[first : last + 1], value
        assert r.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
    for value in ("bytes=999999999-", "bytes=-0", f"bytes={'9' * 30}-"):
        r = get(Range=value)
        assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{size}", value
    whole = get()
    assert get(Range="bytes=0-9", **{"If-Range": whole.headers["ETag"]}).status_code == 206
    assert get(Range="bytes=0-9", **{"If-Range": whole.headers["Last-Modified"]}).status_code == 206
    assert get(Range="bytes=0-9", **{"If-Range": '"stale"'}).status_code == 200


def completed(live) -> tuple[int, str]:
    """A candidate who answered everything (small takes, not processed); their invitation id and token."""
    token = live.candidate()
    inv = invitations.by_token(live.db, token)
    q = live.interview.questions
    for question in q[:2]:
        record_take(live.db, live.settings, token, question.id, 1, b"take")
        answers.submit_take(live.db, inv.id, question.id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "Written.")
    answers.complete(live.db, inv.id)
    return inv.id, token


def test_the_apps_own_headers_hold_through_caddy(caddy, monkeypatch) -> None:
    live, base, cert = caddy
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # requests prefers it to a session's own `verify`
    invitation_id, _ = completed(live)
    token = live.candidate()
    _, password = accounts.create(live.db, "head@example.com", Role.ADMIN, "t")
    account = next(a for a in accounts.listing(live.db) if a.email == "head@example.com")
    _, share = shares.create(live.db, account, [invitation_id], [live.interview.questions[2].id], 3)

    def get(path: str, **options) -> requests.Response:
        return requests.get(base + path, verify=cert, timeout=10, allow_redirects=False, **options)

    for path in (f"/i/{token}", f"/s/{share}"):  # the address itself is a credential
        r = get(path)
        assert r.status_code == 200 and r.headers["Referrer-Policy"] == "no-referrer", path
    for path in ("/login", f"/i/{token}", f"/s/{share}", "/no-such-page", "/review", "/healthz"):
        r = get(path)
        assert r.headers["Content-Security-Policy"] == proxy.csp(live.settings), (
            path
        )  # one policy, the app's and Caddy's alike
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff", (
            path
        )
        assert "Referrer-Policy" in r.headers, path
        server = r.headers.get("Server", "")
        assert "aiohttp" not in server and "Python" not in server and not any(c.isdigit() for c in server), (
            path
        )
    # A browser on the real address signs in; a page elsewhere, or one with no origin, does not.
    s = requests.Session()
    assert sign_in(s, base, "head@example.com", password, headers={"Origin": base}).status_code == 200
    for origin in ("null", "https://evil.example", f"http://localhost:{base.rsplit(':', 1)[1]}"):
        r = requests.post(
            base + "/login",
            data={"email": "head@example.com", "password": password},
            headers={"Origin": origin},
            verify=cert,
            allow_redirects=False,
        )
        assert r.status_code == 403, origin


def test_share_links_name_the_public_address_through_caddy(caddy, monkeypatch) -> None:
    live, base, cert = caddy
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    invitation_id, _ = completed(live)
    _, password = accounts.create(live.db, "link@example.com", Role.ADMIN, "t")
    s = requests.Session()
    assert sign_in(s, base, "link@example.com", password).status_code == 200
    page = s.get(f"{base}/review/{invitation_id}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    forged = {
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "http",
        "Forwarded": "host=evil.example",
    }
    made = s.post(
        f"{base}/review/{invitation_id}/share",
        headers=forged,
        data={"csrf": csrf, "question": [str(live.interview.questions[2].id)], "days": "3"},
    )
    assert made.status_code == 200
    links = re.findall(r"[a-z]+://[^\s\"<]+/s/[A-Za-z0-9_-]+", made.text)
    assert links and all(link.startswith(f"{base}/s/") for link in links), links
    assert "evil.example" not in made.text


def played(live, tmp_path: Path) -> tuple[int, int]:
    """A finished candidate whose first take is a real recording, processed; (invitation id, recording id)."""
    invitation_id, _ = completed(live)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)) is RecordingState.READY
    return invitation_id, rec.id


@pytest.mark.parametrize("caddy", [True, False], indirect=True, ids=["caddy-reads-data", "app-sends"])
def test_caddy_sends_every_range_of_an_authorised_viewing(caddy, tmp_path, monkeypatch) -> None:
    """With `server.accel_redirect` Caddy sends a viewing itself; without it (Caddy may not read the data) the
    same address reaches the app, which sends it."""
    live, base, cert = caddy
    by_caddy = live.settings.server.accel_redirect
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    invitation_id, rid = played(live, tmp_path)
    playback = Path(recordings.get(live.db, rid).playback_path)
    data = playback.read_bytes()
    made = time.time() - 60  # a date in If-Range validates only a file older than a second (RFC 9110 8.8.2.2)
    os.utime(playback, (made, made))
    _, password = accounts.create(live.db, "play@example.com", Role.ADMIN, "t")
    account = next(a for a in accounts.listing(live.db) if a.email == "play@example.com")
    _, share = shares.create(live.db, account, [invitation_id], [live.interview.questions[0].id], 3)
    caller = api.check_token(live.db, api.create_token(live.db, "ats", "t"))
    assert caller is not None
    reviewer = requests.Session()
    assert sign_in(reviewer, base, "play@example.com", password).status_code == 200
    entries = {
        "reviewer": (reviewer, f"/media/recordings/{rid}/playback"),
        "share": (requests.Session(), f"/s/{share}/media/{rid}/playback"),
        "api": (requests.Session(), integration.media_link(live.db, caller, rid, "playback", 60)),
    }
    st = playback.stat()
    apps_etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'  # what aiohttp would say, had the app sent it
    for who, (session, entry) in entries.items():
        sent = session.get(base + entry, headers={"Range": "bytes=0-"}, allow_redirects=False)
        assert sent.status_code == 307 and sent.headers["Location"].startswith("/v/"), who
        where = base + sent.headers["Location"]
        anyone = requests.Session()  # the address is the key; no cookie goes with it

        def get(**headers: str) -> requests.Response:
            return anyone.get(where, headers={"Accept-Encoding": "gzip", **headers}, timeout=10)  # noqa: B023

        part = get(Range="bytes=100-1099")
        assert part.status_code == 206 and part.content == data[100:1100], who
        assert part.headers["Content-Range"] == f"bytes 100-1099/{len(data)}", who
        assert part.headers["Content-Type"] == "video/mp4" and "Content-Encoding" not in part.headers, who
        assert part.headers["Cache-Control"] == "private, no-store", who
        assert part.headers["Referrer-Policy"] == "no-referrer", who
        assert part.headers["X-Content-Type-Options"] == "nosniff", who
        etag = part.headers["ETag"]
        assert (etag != apps_etag) == by_caddy, who  # Caddy's file_server sent it, or the app did
        assert get(Range="bytes=0-9", **{"If-Range": etag}).content == data[:10], who
        assert get(Range="bytes=0-9", **{"If-Range": part.headers["Last-Modified"]}).status_code == 206, who
        stale = get(Range="bytes=0-9", **{"If-Range": '"stale"'})
        assert stale.status_code == 200 and stale.content == data, who
        the_same_range_rules(get, data, reversed_range=416 if by_caddy else 200)
    token = sent.headers["Location"].split("/")[2]
    for guess in (
        f"/v/{token}/",
        f"/v/{token}/original.webm",
        "/v/",
        f"/v/{token}/../../boxinterview.db",
        f"/v/{token}/%2e%2e/%2e%2e/boxinterview.db",
        f"/v/{token[::-1]}/playback.mp4",
    ):
        r = requests.get(base + guess, timeout=10)
        assert r.status_code == 404 and b"SQLite" not in r.content, guess


@pytest.mark.parametrize("caddy", [True, False], indirect=True, ids=["caddy-reads-data", "app-sends"])
def test_a_preview_goes_out_as_webm_through_caddy(caddy, tmp_path, monkeypatch) -> None:
    """A recording's preview (while its MP4 is made) is sent as WebM whichever sends it: a system's list of types
    may not know the name."""
    live, base, cert = caddy
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    invitation_id, _ = completed(live)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    made = asyncio.run(processing.preview(live.db, live.settings, rec.id))
    assert made is not None
    _, password = accounts.create(live.db, "preview@example.com", Role.ADMIN, "t")
    reviewer = requests.Session()
    assert sign_in(reviewer, base, "preview@example.com", password).status_code == 200
    sent = reviewer.get(f"{base}/media/recordings/{rec.id}/playback", allow_redirects=False)
    assert sent.status_code == 307 and sent.headers["Location"].endswith("/playback.webm")
    part = requests.get(base + sent.headers["Location"], headers={"Range": "bytes=0-99"}, timeout=10)
    assert part.status_code == 206 and part.content == made.read_bytes()[:100]
    assert part.headers["Content-Type"] == "video/webm"
    assert part.headers["X-Content-Type-Options"] == "nosniff"
    # once the MP4 is ready the preview goes: its address answers 404, not as a video
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)) is RecordingState.READY
    gone = requests.get(base + sent.headers["Location"], headers={"Range": "bytes=0-99"}, timeout=10)
    assert gone.status_code == 404 and not gone.headers.get("Content-Type", "").startswith("video/")


def test_through_caddy_access_ends_within_the_recheck(caddy, tmp_path, monkeypatch) -> None:
    live, base, cert = caddy
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    invitation_id, rid = played(live, tmp_path)
    emails = ("kept@example.com", "disabled@example.com", "moved@example.com")
    sessions = {}
    for email in emails:
        _, password = accounts.create(live.db, email, Role.REVIEWER, "t")
        accounts.assign(live.db, email, live.interview.id, "t")
        sessions[email] = requests.Session()
        assert sign_in(sessions[email], base, email, password).status_code == 200
    owner = next(a for a in accounts.listing(live.db) if a.email == "kept@example.com")
    share_id, share = shares.create(live.db, owner, [invitation_id], [live.interview.questions[0].id], 3)
    caller = api.check_token(live.db, api.create_token(live.db, "ats", "t"))
    assert caller is not None
    entries = {email: (s, f"/media/recordings/{rid}/playback") for email, s in sessions.items()}
    entries["share"] = (requests.Session(), f"/s/{share}/media/{rid}/playback")
    entries["api"] = (requests.Session(), integration.media_link(live.db, caller, rid, "playback", 60))
    given = {}
    for who, (session, entry) in entries.items():
        sent = session.get(base + entry, allow_redirects=False)
        assert sent.status_code == 307, who
        given[who] = base + sent.headers["Location"]

    def status(where: str) -> int:
        return requests.get(where, headers={"Range": "bytes=0-9"}, timeout=10).status_code

    assert {who: status(where) for who, where in given.items()} == dict.fromkeys(given, 206)
    accounts.set_active(live.db, "disabled@example.com", False, "t")
    accounts.unassign(live.db, "moved@example.com", live.interview.id, "t")
    shares.revoke(live.db, owner, share_id)
    api.revoke_token(live.db, "ats", "t")
    began = time.monotonic()
    ended = {"disabled@example.com", "moved@example.com", "share", "api"}
    while {who for who in ended if status(given[who]) == 404} != ended:
        assert time.monotonic() - began < viewings.RECHECK_SECONDS + 5, "access outlived the re-check"
        time.sleep(0.5)
    assert status(given["kept@example.com"]) == 206  # still allowed, still playing
    retention.erase(live.db, live.settings.data_dir, invitation_id, "t", "asked to")
    assert status(given["kept@example.com"]) == 404  # the file is gone: at once

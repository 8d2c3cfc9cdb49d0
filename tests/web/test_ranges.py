"""Byte ranges on every file the server sends (RFC 9110 §14, §13.1.5), with real requests to a real server:
a range it cannot read or several ranges get the whole file, a stale If-Range gets the whole file, a range
beyond the end gets 416 with the size, and a good range gets exactly its bytes."""

from __future__ import annotations

import asyncio
import email.utils
import os
import re
import shutil
import socket
from pathlib import Path

import pytest
import requests

from boxinterview import files as data_files
from boxinterview.domain import (
    accounts,
    answers,
    documents,
    interview_io,
    interviews,
    invitations,
    recordings,
    shares,
)
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.pipeline import processing
from boxinterview.web import ranges
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import live_server
from tests.support.signin import sign_in

CV_INTERVIEW = """\
title: Ranges
role: Tester
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Tell us about you, kind: video, answer_seconds: 10, takes: 2, competencies: [Clarity]}
  - {prompt: Your CV, kind: file, answer_seconds: 600}
"""
CV = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


class Files:
    """Each URL that sends a stored file, with the bytes it sends and the session allowed to fetch it."""

    def __init__(self, live, tmp: Path) -> None:
        self.live = live
        iv = interviews.create(live.db, interview_io.from_yaml(CV_INTERVIEW), "t")
        interviews.set_status(live.db, iv, InterviewStatus.OPEN, "t")
        video_q, cv_q = (q.id for q in interviews.get(live.db, iv).questions)
        inv, token = invitations.invite(live.db, iv, "Ray Ranges", "ray@example.com", "t")
        invitations.record_consent(live.db, inv.id, "1")
        rec_id = record_take(live.db, live.settings, token, video_q, 1, b"take")
        shutil.copy(make("vp8_opus.webm", tmp / "clips"), recordings.get(live.db, rec_id).original_path)
        assert asyncio.run(processing.process(live.db, live.settings, rec_id)).value == "ready"
        answers.submit_take(live.db, inv.id, video_q, 1)
        staged = documents.stage(CV, data_files.staging_dir(live.settings.data_dir), len(CV))
        cv = answers.submit_file(live.db, live.settings.data_dir, inv.id, cv_q, staged, name="cv.pdf")
        cv_path = Path(cv.file_path or "")
        answers.complete(live.db, inv.id)
        account, password = accounts.create(live.db, "ranger@example.com", Role.REVIEWER, "t")
        accounts.assign(live.db, "ranger@example.com", iv, "t")
        self.reviewer = requests.Session()
        signed_in = sign_in(self.reviewer, live.base, account.email, password)
        assert signed_in.status_code == 200
        _, share = shares.create(live.db, account, [inv.id], [video_q], 3)
        rec = recordings.get(live.db, rec_id)
        self.bytes = {
            "playback": Path(rec.playback_path).read_bytes(),
            "poster": Path(rec.poster_path).read_bytes(),
            "share": Path(rec.playback_path).read_bytes(),
            "share-poster": Path(rec.poster_path).read_bytes(),
            "take": Path(rec.playback_path).read_bytes(),
            "cv": CV,
        }
        self.urls = {
            "playback": f"/media/recordings/{rec_id}/playback",
            "poster": f"/media/recordings/{rec_id}/poster",
            "share": f"/s/{share}/media/{rec_id}/playback",
            "share-poster": f"/s/{share}/media/{rec_id}/poster",
            "take": f"/api/v1/candidate/{token}/takes/{video_q}/1",
            "cv": f"/review/{inv.id}/documents/{cv_q}",
        }
        # A date validator is only trusted a second after the change: make the files older than that.
        for path in (rec.playback_path, rec.poster_path, cv_path):
            os.utime(path, (os.stat(path).st_atime, os.stat(path).st_mtime - 3600))

    def address(self, which: str) -> str:
        """Where the bytes come from: a recording plays from its viewing's own address (web/viewings.py)."""
        session = self.reviewer if which in ("playback", "poster", "cv") else requests
        r = session.get(self.live.base + self.urls[which], allow_redirects=False, timeout=10)
        return r.headers["Location"] if r.status_code == 307 else self.urls[which]

    def get(self, which: str, headers: dict[str, str] | None = None) -> requests.Response:
        session = self.reviewer if which in ("playback", "poster", "cv") else requests
        return session.get(self.live.base + self.urls[which], headers=headers or {}, timeout=10)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranges")
    with live_server(root) as live:
        yield Files(live, root)


WHERE = ["playback", "poster", "share", "share-poster", "take", "cv"]
IGNORED = [
    "bytes=abc",
    "bytes=5-2",
    "items=0-1",
    "bytes=",
    "bytes=-",
    "bytes=0-1,5-9",
    "bytes=0-1, 5-9",
    "bytes 0-1",
    "bytes=1-2-3",
    "bytes=0x10-",
    "bytes=--5",
    "bytes=½-1",
    "bytes=٣-٤".encode(),
    ",",
    "bytes=,",
]


@pytest.mark.parametrize("which", WHERE)
def test_the_whole_file_and_its_validators(files, which) -> None:
    whole = files.get(which)
    assert whole.status_code == 200 and whole.content == files.bytes[which]
    assert whole.headers["Accept-Ranges"] == "bytes" and "Content-Range" not in whole.headers
    assert whole.headers["ETag"].startswith('"') and email.utils.parsedate_to_datetime(
        whole.headers["Last-Modified"]
    )


@pytest.mark.parametrize("which", WHERE)
@pytest.mark.parametrize("value", IGNORED)
def test_a_range_that_cannot_be_read_is_ignored(files, which, value) -> None:
    r = files.get(which, {"Range": value})
    assert r.status_code == 200 and r.content == files.bytes[which], r.headers
    assert "Content-Range" not in r.headers


@pytest.mark.parametrize("which", WHERE)
def test_good_ranges_get_exactly_their_bytes(files, which) -> None:
    data = files.bytes[which]
    size = len(data)
    for value, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-500", size - 500, size - 1),
        (f"bytes=-{size * 3}", 0, size - 1),  # more than there is: all of it, still as a range
        (f"bytes=10-{size * 5}", 10, size - 1),
        (f"bytes={size - 1}-{size - 1}", size - 1, size - 1),
        ("BYTES = 3-7", None, None),  # a space before "=" is not the syntax: the whole file
        ("Bytes=3-7", 3, 7),
        ("bytes=3-7,", 3, 7),  # an empty list element is skipped
        ("bytes=3-7 ", 3, 7),
        ("bytes=3-7, ,", 3, 7),
        ("bytes=00003-00007", 3, 7),
        (f"bytes=5-{'9' * 40}", 5, size - 1),
    ]:
        r = files.get(which, {"Range": value})
        if first is None:
            assert r.status_code == 200 and r.content == data, value
            continue
        assert r.status_code == 206, (value, r.status_code)
        assert r.content == data[first : last + 1], value
        assert r.headers["Content-Range"] == f"bytes {first}-{last}/{size}", value


@pytest.mark.parametrize("which", WHERE)
def test_a_range_beyond_the_end_is_refused_with_the_size(files, which) -> None:
    size = len(files.bytes[which])
    for value in (
        "bytes=999999999-",
        f"bytes={size}-",
        f"bytes={size}-{size + 10}",
        "bytes=-0",
        f"bytes={'9' * 5000}-",
    ):
        r = files.get(which, {"Range": value})
        assert r.status_code == 416, (value, r.status_code)
        assert r.headers["Content-Range"] == f"bytes */{size}", value


@pytest.mark.parametrize("which", WHERE)
def test_if_range_gives_the_part_only_for_this_very_file(files, which) -> None:
    data = files.bytes[which]
    whole = files.get(which)
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    later = email.utils.format_datetime(email.utils.parsedate_to_datetime(modified).replace(year=2099), True)
    earlier = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(modified).replace(year=2001), True
    )
    for if_range, partial in [
        (etag, True),
        (modified, True),
        ('"0-0"', False),  # another version
        (f"W/{etag}", False),  # weak: never for ranges
        (etag[:-1], False),  # not quite
        (later, False),  # a date must match exactly, a later one is not good enough
        (earlier, False),
        ("yesterday", False),
        ("", False),
    ]:
        r = files.get(which, {"Range": "bytes=0-9", "If-Range": if_range})
        if partial:
            assert r.status_code == 206 and r.content == data[:10], if_range
        else:
            assert r.status_code == 200 and r.content == data, (if_range, r.status_code)
    # A stale If-Range sends the whole file even when the range could not be satisfied
    stale = files.get(which, {"Range": "bytes=999999999-", "If-Range": '"0-0"'})
    assert stale.status_code == 200 and stale.content == data
    # If-Range without Range is nothing to act on
    assert files.get(which, {"If-Range": '"0-0"'}).status_code == 200


def test_head_and_conditional_requests_keep_their_meaning(files) -> None:
    whole = files.get("playback")
    etag = whole.headers["ETag"]
    url = files.live.base + files.urls["playback"]
    head = files.reviewer.head(url, headers={"Range": "bytes=0-9"}, allow_redirects=True)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(files.bytes["playback"]))
    assert files.get("playback", {"If-None-Match": etag, "Range": "bytes=0-9"}).status_code == 304
    assert files.get("playback", {"If-Match": '"0-0"', "Range": "bytes=0-9"}).status_code == 412


def raw_get(files, path: str, extra: bytes) -> int:
    """A request with header bytes no HTTP library would send; returns the status."""
    cookies = "; ".join(f"{k}={v}" for k, v in files.reviewer.cookies.items())
    with socket.create_connection(("127.0.0.1", files.live.port), timeout=10) as s:
        s.sendall(
            b"GET "
            + path.encode()
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + b"Cookie: "
            + cookies.encode()
            + b"\r\n"
            + extra
            + b"\r\n"
        )
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


@pytest.mark.parametrize("which", WHERE)
def test_no_header_makes_the_server_fail(files, which) -> None:
    garbage = [
        "bytes=0-1\u00e9".encode(),
        "bytes=\u2603-\u2603".encode(),
        b"bytes=\xff\xfe-1",
        b"\xc3(",
        "bytes=٠-٩".encode(),
        b"bytes=0-1\x85",
    ]
    address = files.address(which)
    for value in garbage:
        for name in (
            b"Range",
            b"If-Range",
            b"If-Match",
            b"If-None-Match",
            b"If-Modified-Since",
            b"If-Unmodified-Since",
            b"Accept-Encoding",
            b"User-Agent",
        ):
            extra = name + b": " + value + b"\r\n"
            if name != b"Range":
                extra += b"Range: bytes=0-9\r\n"
            status = raw_get(files, address, extra)
            assert status < 500, (name, value, status)
            if name == b"Range":
                assert status == 200, (value, status)
    # A control character is not HTTP at all: the parser refuses it before any handler sees it
    assert raw_get(files, address, b"Range: bytes=0-\x00\r\n") == 400


def test_the_etag_is_the_one_the_file_is_sent_with(files) -> None:
    rec_path = next(p for p in files.live.settings.data_dir.rglob("playback.mp4"))
    validators = ranges.Validators.of_file(rec_path.stat())
    whole = files.get("playback")
    assert whole.headers["ETag"] == validators.etag
    sent = email.utils.parsedate_to_datetime(whole.headers["Last-Modified"]).timestamp()
    assert int(sent) == validators.last_modified


# -- the rules on their own ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, wanted",
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=7-", (7, None)),
        ("bytes=-7", (None, 7)),
        ("bytes=\t1-2\t", (1, 2)),
        ("bytes=2-1", None),
        ("bytes=0-1,2-3", None),
        ("bytes=", None),
        ("bits=0-1", None),
        ("bytes=-", None),
        ("bytes=1", None),
        ("bytes=+1-2", None),
        ("bytes=1.5-2", None),
    ],
)
def test_single_range(value, wanted) -> None:
    assert ranges.single_range(value) == wanted


def test_plan_for_an_empty_file_and_other_methods() -> None:
    assert ranges.plan("GET", {"Range": "bytes=-5"}, 0, None) == ranges.Unsatisfiable()
    assert ranges.plan("GET", {"Range": "bytes=0-"}, 0, None) == ranges.Unsatisfiable()
    assert ranges.plan("HEAD", {"Range": "bytes=0-1"}, 10, None) == ranges.Whole()
    assert ranges.plan("GET", {"Range": "bytes=0-1", "If-Range": '"x"'}, 10, None) == ranges.Part(0, 1)


def test_a_date_is_trusted_only_a_second_after_the_change() -> None:
    v = ranges.Validators('"a"', 1_700_000_000, 1_699_999_999.5)
    date = email.utils.formatdate(1_700_000_000, usegmt=True)
    assert ranges.if_range_holds(date, v, now=1_700_000_001.0)
    assert not ranges.if_range_holds(date, v, now=1_700_000_000.0)


def test_scripts_and_styles_follow_the_same_range_rules(files) -> None:
    url = files.live.base + "/static/recorder.js"
    whole = requests.get(url, timeout=10)
    assert whole.status_code == 200 and len(whole.content) > 100
    data = whole.content
    for value in IGNORED:
        r = requests.get(url, headers={"Range": value}, timeout=10)
        assert r.status_code == 200 and r.content == data, (value, r.status_code)
    part = requests.get(url, headers={"Range": "bytes=-50"}, timeout=10)
    assert part.status_code == 206 and part.content == data[-50:]
    stale = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"0-0"'}, timeout=10)
    assert stale.status_code == 200 and stale.content == data
    beyond = requests.get(url, headers={"Range": "bytes=999999999-"}, timeout=10)
    assert beyond.status_code == 416


def test_scripts_are_kept_by_version_and_nothing_else_is_sent(files) -> None:
    base = files.live.base
    page = requests.get(f"{base}/login", timeout=10).text
    linked = re.findall(r'(?:src|href)="(/static/[^"]+\?v=[0-9a-f]+)"', page)
    assert linked
    for url in linked:
        r = requests.get(base + url, timeout=10)
        assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    assert requests.get(f"{base}/static/app.css", timeout=10).headers["Cache-Control"] == "no-cache"
    assert requests.get(f"{base}/static/app.css?v=old", timeout=10).headers["Cache-Control"] == "no-cache"
    for probe in ("/static/nope.js", "/static/..%2Fapp.py", "/static/%2e%2e/routes.py", "/static/"):
        assert requests.get(base + probe, timeout=10).status_code == 404, probe

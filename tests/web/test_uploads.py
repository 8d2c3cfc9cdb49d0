"""The tus 1.0.0 server, tried with the real tuspy client and with raw requests for every error."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from tusclient import client as tus

from boxinterview import clock, files
from boxinterview.domain import invitations, recordings, uploads
from boxinterview.domain.models import InvitationStatus, RecordingState
from boxinterview.store import uploads as uploads_sql
from tests.support.live import live_server

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("uploads")) as server:
        yield server


def meta_header(meta: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())


def create(live, meta, length: int | None = None, body: bytes | None = None, **headers):
    h = {**TUS, "Upload-Metadata": meta_header(meta), **headers}
    if length is None:
        h["Upload-Defer-Length"] = "1"
    else:
        h["Upload-Length"] = str(length)
    if body is not None:
        h["Content-Type"] = "application/offset+octet-stream"
    return requests.post(live.uploads_url, headers=h, data=body, timeout=10)


def patch(url: str, offset: int, body: bytes, **headers):
    h = {**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", **headers}
    return requests.patch(url, headers=h, data=body, timeout=10)


def head(url: str):
    return requests.head(url, headers=TUS, timeout=10)


def absolute(live, response) -> str:
    return live.base + response.headers["Location"]


def test_options_advertises_version_extensions_and_limits(live) -> None:
    r = requests.options(live.uploads_url, timeout=5)
    assert r.status_code == 204
    assert r.headers["Tus-Resumable"] == "1.0.0"
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "creation-defer-length",
        "termination",
        "checksum",
        "expiration",
    }
    assert r.headers["Tus-Max-Size"] == "5000000"
    assert set(r.headers["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "sha256"}


def test_tuspy_uploads_a_recording_in_chunks(live, tmp_path: Path) -> None:
    data = os.urandom(700_000)
    source = tmp_path / "take.webm"
    source.write_bytes(data)
    token = live.candidate()
    uploader = tus.TusClient(live.uploads_url).uploader(
        str(source), chunk_size=128 * 1024, metadata=live.metadata(token, filetype="video/webm")
    )
    uploader.upload()
    upload_id = uploader.url.rsplit("/", 1)[1]
    assert len(upload_id) == 32 and int(upload_id, 16) >= 0  # 128 random bits
    r = head(uploader.url)
    assert (r.status_code, r.headers["Upload-Offset"], r.headers["Upload-Length"]) == (
        200,
        "700000",
        "700000",
    )
    assert r.headers["Cache-Control"] == "no-store"
    upload = uploads.get(live.db, upload_id)
    recording = recordings.get(live.db, upload.recording_id)
    assert recording.state is RecordingState.UPLOADED
    assert Path(recording.original_path).read_bytes() == data
    assert not files.upload_part(live.settings.data_dir, upload_id).exists()


def test_creation_with_upload_and_deferred_length(live) -> None:
    token = live.candidate()
    r = create(live, live.metadata(token), length=None, body=b"a" * 1000)
    assert r.status_code == 201
    assert r.headers["Upload-Offset"] == "1000"
    assert "Upload-Expires" in r.headers
    url = absolute(live, r)
    h = head(url)
    assert h.headers["Upload-Defer-Length"] == "1" and "Upload-Length" not in h.headers
    assert patch(url, 1000, b"b" * 500).headers["Upload-Offset"] == "1500"
    done = patch(url, 1500, b"c" * 500, **{"Upload-Length": "2000"})
    assert done.status_code == 204 and done.headers["Upload-Offset"] == "2000"
    assert head(url).headers["Upload-Length"] == "2000"
    rec = recordings.get(live.db, uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id)
    assert Path(rec.original_path).read_bytes() == b"a" * 1000 + b"b" * 500 + b"c" * 500


def test_an_empty_upload_is_complete_at_once(live) -> None:
    r = create(live, live.metadata(live.candidate()), length=0)
    assert r.status_code == 201
    url = absolute(live, r)
    assert (head(url).headers["Upload-Offset"], head(url).headers["Upload-Length"]) == ("0", "0")
    recording = recordings.get(live.db, uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id)
    assert recording.state is RecordingState.UPLOADED  # processing rejects it and tells the candidate why


def test_metadata_is_returned_as_sent_less_the_token(live) -> None:
    meta = live.metadata(live.candidate(), filename="take 1.webm")
    url = absolute(live, create(live, meta, length=10))
    meta.pop("token")  # the candidate's credential is not handed to whoever knows the upload's URL
    assert head(url).headers["Upload-Metadata"] == meta_header(meta)


def test_method_override_for_clients_behind_restrictive_proxies(live) -> None:
    url = absolute(live, create(live, live.metadata(live.candidate()), length=20))
    r = requests.post(
        url,
        data=b"x" * 20,
        headers={
            **TUS,
            "X-HTTP-Method-Override": "PATCH",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
        timeout=5,
    )
    assert (r.status_code, r.headers["Upload-Offset"]) == (204, "20")
    assert requests.post(url, headers={**TUS}, timeout=5).status_code == 405


def test_wrong_protocol_version_is_412(live) -> None:
    r = requests.post(live.uploads_url, headers={"Tus-Resumable": "0.2.2", "Upload-Length": "5"}, timeout=5)
    assert r.status_code == 412
    assert r.headers["Tus-Version"] == "1.0.0"
    assert "Tus-Resumable: 1.0.0" in r.text
    assert requests.post(live.uploads_url, headers={"Upload-Length": "5"}, timeout=5).status_code == 412


def test_offset_mismatch_is_409_and_changes_nothing(live) -> None:
    url = absolute(live, create(live, live.metadata(live.candidate()), length=100))
    assert patch(url, 0, b"x" * 40).status_code == 204
    r = patch(url, 10, b"y" * 10)
    assert r.status_code == 409 and "has 40 bytes" in r.text
    huge = patch(url, 10**20, b"y")  # said as sent, not as the most the server can count
    assert huge.status_code == 409 and f"Upload-Offset is {10**20} but the server has 40 bytes" in huge.text
    assert head(url).headers["Upload-Offset"] == "40"


def test_checksums_are_verified(live) -> None:
    url = absolute(live, create(live, live.metadata(live.candidate()), length=300))
    good = b"g" * 100
    sha1 = "sha1 " + base64.b64encode(hashlib.sha1(good).digest()).decode()
    assert patch(url, 0, good, **{"Upload-Checksum": sha1}).headers["Upload-Offset"] == "100"
    bad = patch(url, 100, b"h" * 100, **{"Upload-Checksum": sha1})
    assert bad.status_code == 460 and "checksum" in bad.text
    assert head(url).headers["Upload-Offset"] == "100"
    sha256 = "sha256 " + base64.b64encode(hashlib.sha256(b"h" * 100).digest()).decode()
    assert patch(url, 100, b"h" * 100, **{"Upload-Checksum": sha256}).headers["Upload-Offset"] == "200"
    r = patch(url, 200, b"i" * 100, **{"Upload-Checksum": "md4 AAAA"})
    assert r.status_code == 400 and "not supported" in r.text


def test_too_large_is_413(live) -> None:
    meta = live.metadata(live.candidate())
    r = create(live, meta, length=5_000_001)
    assert r.status_code == 413 and "5000000" in r.text
    url = absolute(live, create(live, meta, length=100))
    assert patch(url, 0, b"z" * 150).status_code == 413
    assert head(url).headers["Upload-Offset"] == "0"
    deferred = absolute(live, create(live, live.metadata(live.candidate(), take=1), length=None))
    assert patch(deferred, 0, b"z" * 10, **{"Upload-Length": "6000000"}).status_code == 413


def test_patch_needs_the_offset_content_type(live) -> None:
    url = absolute(live, create(live, live.metadata(live.candidate()), length=10))
    r = requests.patch(
        url, headers={**TUS, "Upload-Offset": "0", "Content-Type": "text/plain"}, data=b"x", timeout=5
    )
    assert r.status_code == 415


def test_authorisation_before_a_byte_is_accepted(live) -> None:
    bad = create(live, live.metadata("A" * 43), length=10)
    assert bad.status_code == 403 and "token" in bad.text
    no_consent = create(live, live.metadata(live.candidate(consent=False)), length=10)
    assert no_consent.status_code == 403 and "privacy notice" in no_consent.text
    token = live.candidate()
    text_question = create(live, live.metadata(token, question=2), length=10)
    assert text_question.status_code == 400 and "not recorded" in text_question.text
    for take in (1, 2, 3):
        assert create(live, live.metadata(token, take=take), length=10).status_code == 201
    used_up = create(live, live.metadata(token, take=3), length=10)
    assert used_up.status_code == 403 and "all 3 takes" in used_up.text
    elsewhere = create(live, {**live.metadata(token), "question": "9999"}, length=10)
    assert elsewhere.status_code == 400 and "not part of this interview" in elsewhere.text
    missing = create(live, {"token": token}, length=10)
    assert missing.status_code == 400 and "missing: question, take" in missing.text


def test_same_take_twice_is_refused(live) -> None:
    token = live.candidate()
    results: list[int] = []

    def go() -> None:
        results.append(create(live, live.metadata(token, take=1), length=10).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201, 409, 409, 409]


def test_deadline_passed_is_410(live) -> None:
    past = clock.now() - timedelta(days=3)
    token = live.candidate(deadline=past + timedelta(days=1), now=past)
    r = create(live, live.metadata(token), length=10)
    assert r.status_code == 410 and "deadline" in r.text, r.text


def test_a_withdrawn_candidates_open_upload_takes_no_more_bytes(live) -> None:
    token = live.candidate()
    url = absolute(live, create(live, live.metadata(token), length=100))
    done = absolute(live, create(live, live.metadata(token, question=1), length=4))
    assert patch(url, 0, b"x" * 10).status_code == 204 and patch(done, 0, b"done").status_code == 204
    inv = invitations.by_token(live.db, token)
    invitations.move(live.db, inv.id, InvitationStatus.WITHDRAWN, "hiring team")
    refused = patch(url, 10, b"x" * 90)
    assert refused.status_code == 403 and "this interview is withdrawn" in refused.text, refused.text
    assert head(url).status_code == 403
    upload = live.db.read(uploads_sql.get, url.rsplit("/", 1)[1])
    assert upload.received == 10 and upload.completed_at is None
    assert recordings.get(live.db, upload.recording_id).state is RecordingState.UPLOADING
    # what was complete before stays as it was, and can still be asked about
    assert head(done).headers["Upload-Offset"] == "4"


def test_unknown_terminated_and_expired_uploads(live) -> None:
    assert head(live.uploads_url + "0" * 32).status_code == 404
    assert patch(live.uploads_url + "nothing-here", 0, b"x").status_code == 404
    url = absolute(live, create(live, live.metadata(live.candidate()), length=100))
    assert patch(url, 0, b"x" * 10).status_code == 204
    upload_id = url.rsplit("/", 1)[1]
    assert requests.delete(url, headers=TUS, timeout=5).status_code == 204
    assert head(url).status_code == 404
    assert patch(url, 10, b"x").status_code == 404
    assert not files.upload_part(live.settings.data_dir, upload_id).exists()

    long_ago = clock.now() - timedelta(hours=30)
    token = live.candidate(deadline=clock.now() + timedelta(days=5), now=long_ago)
    old = uploads.create(
        live.db,
        live.settings.data_dir,
        uploads.Policy.from_settings(live.settings),
        length=100,
        metadata_header=meta_header(live.metadata(token)),
        now=long_ago,
    )
    old_url = live.uploads_url + old.id
    assert head(old_url).status_code == 410
    assert patch(old_url, 0, b"x").status_code == 410
    assert uploads.expire_abandoned(live.db, live.settings.data_dir) >= 1
    assert not files.upload_part(live.settings.data_dir, old.id).exists()
    assert recordings.get(live.db, old.recording_id).state is RecordingState.FAILED
    assert head(old_url).status_code == 410


def test_cut_mid_patch_keeps_what_arrived_and_resumes(live, tmp_path: Path) -> None:
    data = os.urandom(400_000)
    url = absolute(
        live, create(live, live.metadata(live.candidate(), filetype="video/webm"), length=len(data))
    )
    path = url.split(str(live.port), 1)[1]
    with socket.create_connection(("127.0.0.1", live.port)) as s:
        s.sendall(
            (
                f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n"
            ).encode()
            + data[:100_000]
        )
        threading.Event().wait(0.3)  # the connection drops a moment later, with more bytes on the way
        s.sendall(data[100_000:150_000])
    offset = 0
    for _ in range(50):  # the server notices the cut and acknowledges what it has
        offset = int(head(url).headers["Upload-Offset"])
        if offset:
            break
        threading.Event().wait(0.05)
    assert offset == 150_000  # every byte that reached the server before the cut is kept
    source = tmp_path / "take.webm"
    source.write_bytes(data)
    uploader = tus.TusClient(live.uploads_url).uploader(str(source), url=url, chunk_size=64 * 1024)
    uploader.upload()
    rec = recordings.get(live.db, uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id)
    assert Path(rec.original_path).read_bytes() == data


def test_kill_9_mid_upload_loses_no_acknowledged_byte(tmp_path: Path) -> None:
    data = os.urandom(2_000_000)
    with live_server(tmp_path) as live:
        url = absolute(
            live, create(live, live.metadata(live.candidate(), filetype="video/webm"), length=len(data))
        )
        upload_id = url.rsplit("/", 1)[1]
        assert patch(url, 0, data[:500_000]).headers["Upload-Offset"] == "500000"
        path = url.split(str(live.port), 1)[1]
        with socket.create_connection(("127.0.0.1", live.port)) as s:
            s.sendall(
                (
                    f"PATCH {path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 500000\r\n"
                    "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000000\r\n\r\n"
                ).encode()
            )
            for i in range(10):
                s.sendall(data[500_000 + i * 50_000 : 500_000 + (i + 1) * 50_000])
                threading.Event().wait(0.02)
            live.stop(kill=True)  # SIGKILL while the request is in flight
        recording_id = uploads.get(live.db, upload_id).recording_id
        assert recordings.get(live.db, recording_id).state is RecordingState.UPLOADING
        assert not files.recording_dir(
            live.settings.data_dir, recording_id
        ).exists()  # nothing looks complete

        live.start()
        offset = int(head(url).headers["Upload-Offset"])
        assert 500_000 <= offset <= 1_000_000
        part = files.upload_part(live.settings.data_dir, upload_id).read_bytes()
        assert part[:offset] == data[:offset]
        source = tmp_path / "take.webm"
        source.write_bytes(data)
        tus.TusClient(live.uploads_url).uploader(str(source), url=url, chunk_size=256 * 1024).upload()
        recording = recordings.get(live.db, recording_id)
        assert recording.state is RecordingState.UPLOADED
        assert Path(recording.original_path).read_bytes() == data


def test_the_last_patch_sent_again_changes_nothing(live) -> None:
    """A browser whose answer to its last PATCH was lost asks for the offset and may send that PATCH again."""
    url = absolute(live, create(live, live.metadata(live.candidate()), length=None))
    data = os.urandom(3000)
    assert patch(url, 0, data).status_code == 204
    assert patch(url, 3000, b"", **{"Upload-Length": "3000"}).status_code == 204
    upload = uploads.get(live.db, url.rsplit("/", 1)[1])
    original = Path(recordings.get(live.db, upload.recording_id).original_path)
    part = files.upload_part(live.settings.data_dir, upload.id)
    for _ in range(2):
        again = patch(url, 3000, b"", **{"Upload-Length": "3000"})
        assert (again.status_code, again.headers["Upload-Offset"]) == (204, "3000")
    more = patch(url, 3000, b"x")
    assert more.status_code == 413 and "complete at 3000 bytes" in more.text
    also = patch(url, 3000, b"y", **{"Upload-Length": "3001"})
    assert also.status_code in (400, 413)
    assert head(url).headers["Upload-Offset"] == "3000"
    assert not part.exists()  # nothing was made again where the bytes were
    assert original.read_bytes() == data


def test_a_stray_part_never_takes_the_place_of_a_moved_upload(tmp_path: Path) -> None:
    final = tmp_path / "recordings" / "7" / "original.webm"
    part = tmp_path / "uploads" / "u.part"
    part.parent.mkdir()
    part.write_bytes(b"the take")
    files.finish_move(part, final)
    assert final.read_bytes() == b"the take" and not part.exists()
    part.write_bytes(b"\0" * 8)  # from no upload of its bytes (a restore, a request sent again)
    files.finish_move(part, final)
    assert final.read_bytes() == b"the take" and not part.exists()


@pytest.mark.parametrize(
    "header",
    [
        "token ü".encode("latin-1"),
        "filename 文.webm".encode(),
        "token YQ==\u202e".encode(),
        b"take \xff\xfe",
    ],
)
def test_metadata_outside_base64_is_refused_plainly(live, header: bytes) -> None:
    r = requests.post(
        live.uploads_url, headers={**TUS, "Upload-Length": "10", "Upload-Metadata": header}, timeout=5
    )
    assert r.status_code == 400, r.text
    assert "is not base64-encoded UTF-8" in r.text and "Location" not in r.headers


@pytest.mark.parametrize(
    ("checksum", "said"),
    [
        ("sha1 üü".encode(), "the digest is not base64"),
        (b"sha1", "send 'sha1 <the base64 of its 20-byte digest>'"),
        (b"sha1 ", "send 'sha1 <the base64 of its 20-byte digest>'"),
        (b"sha256 " + base64.b64encode(b"short"), "send 'sha256 <the base64 of its 32-byte digest>'"),
    ],
)
def test_a_malformed_checksum_is_400_not_a_mismatch(live, checksum: bytes, said: str) -> None:
    url = absolute(live, create(live, live.metadata(live.candidate()), length=10))
    r = patch(url, 0, b"x" * 10, **{"Upload-Checksum": checksum})
    assert r.status_code == 400 and said in r.text, r.text
    assert head(url).headers["Upload-Offset"] == "0"


def test_a_length_too_large_to_count_is_not_shown_as_another_number(live) -> None:
    r = create(live, live.metadata(live.candidate()), length=int("9" * 40))
    assert r.status_code == 413
    assert "more than the most this server accepts (5000000 bytes)" in r.text
    assert "9223372036854775807" not in r.text

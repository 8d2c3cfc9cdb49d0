"""The candidate's JSON API and pages without a browser: documents, order, consent, closed links."""

from __future__ import annotations

import io
import zipfile

import pytest
import requests

from boxinterview.domain import documents, interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus, InvitationStatus

FILE_INTERVIEW = """\
title: CV only
role: Clerk
questions:
  - {prompt: Your CV, kind: file, answer_seconds: 600}
"""


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", documents.KINDS["odt"])
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def test_documents_are_recognised_by_content() -> None:
    assert documents.sniff(b"%PDF-1.7 ...") == "pdf"
    assert documents.sniff(docx()) == "docx"
    assert documents.sniff(odt()) == "odt"
    assert documents.sniff(b"\x89PNG\r\n\x1a\n") is None
    assert documents.sniff(b"PK\x03\x04 not really a zip") is None


@pytest.fixture
def file_live(tmp_path):
    from tests.support.live import live_server

    with live_server(tmp_path, uploads={"max_document_bytes": 50_000}) as live:
        iv = interviews.create(live.db, interview_io.from_yaml(FILE_INTERVIEW), "t")
        interviews.set_status(live.db, iv, InterviewStatus.OPEN, "t")
        inv, token = invitations.invite(live.db, iv, "Ann", "ann@example.com", "t")
        invitations.record_consent(live.db, inv.id, "1")
        question = interviews.get(live.db, iv).questions[0].id
        yield live, token, question, inv.id


def post_file(live, token, question, name, data):
    return requests.post(
        f"{live.base}/api/v1/candidate/{token}/answers/{question}/file",
        files={"file": (name, data)},
        timeout=10,
    )


def test_wrong_or_oversize_documents_are_refused_and_nothing_is_stored(file_live) -> None:
    live, token, question, inv_id = file_live
    r = post_file(live, token, question, "cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    assert r.status_code == 422 and "not a PDF, Word (DOCX) or OpenDocument" in r.json()["error"]["message"]
    r = post_file(live, token, question, "cv.pdf", b"%PDF-1.4" + b"x" * 60_000)
    assert r.status_code == 413 and "limit" in r.json()["error"]["message"]
    assert not (live.settings.data_dir / "files" / str(inv_id)).exists() or not any(
        (live.settings.data_dir / "files" / str(inv_id)).iterdir()
    )
    r = post_file(live, token, question, "cv.odt", odt())
    assert r.status_code == 200
    assert r.json()["questions"][0]["file_name"] == "cv.odt"
    stored = list((live.settings.data_dir / "files" / str(inv_id)).iterdir())
    assert [p.name for p in stored] == [f"question-{question}.odt"]
    r = requests.post(f"{live.base}/api/v1/candidate/{token}/finish", json={}, timeout=10)
    assert r.status_code == 200 and r.json()["finished"] is True


def test_pages_follow_the_candidate_state(file_live) -> None:
    live, token, question, inv_id = file_live
    s = requests.Session()
    assert (
        s.get(f"{live.base}/i/{token}/done", allow_redirects=False).headers["Location"].endswith("/interview")
    )
    invitations.move(live.db, inv_id, InvitationStatus.WITHDRAWN, "t")
    r = s.get(f"{live.base}/i/{token}")
    assert r.status_code == 403 and "no longer active" in r.text
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"


def test_consent_is_required_before_anything_else(tmp_path) -> None:
    from tests.support.live import live_server

    with live_server(tmp_path) as live:
        inv, token = invitations.invite(live.db, live.interview.id, "Bo", "bo@example.com", "t")
        s = requests.Session()
        assert (
            s.get(f"{live.base}/i/{token}/interview", allow_redirects=False).headers["Location"]
            == f"/i/{token}"
        )
        r = s.post(f"{live.base}/i/{token}/consent", data={}, allow_redirects=False)
        assert r.status_code == 400 and "tick the box" in r.text
        r = s.post(f"{live.base}/i/{token}/consent", data={"consent": "yes"}, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"] == f"/i/{token}/check"
        got = invitations.get(live.db, inv.id)
        assert got.consent_at is not None and got.status is InvitationStatus.OPENED
        r = s.post(
            f"{live.base}/i/{token}/consent",
            data={"consent": "yes"},
            headers={"Origin": "https://evil.example"},
        )
        assert r.status_code == 403


def test_a_candidate_can_watch_their_own_take_again(tmp_path) -> None:
    from tests.support.flows import record_take
    from tests.support.live import live_server

    with live_server(tmp_path) as live:
        inv, token = invitations.invite(live.db, live.interview.id, "Cy", "cy@example.com", "t")
        invitations.record_consent(live.db, inv.id, "1")
        question = live.interview.questions[0].id
        url = f"{live.base}/api/v1/candidate/{token}/takes/{question}/1"
        assert requests.get(url, timeout=5).status_code == 404
        record_take(live.db, live.settings, token, question, 1, b"0123456789" * 100)
        r = requests.get(url, timeout=5)
        assert r.status_code == 200 and r.content == b"0123456789" * 100
        assert r.headers["Cache-Control"] == "no-store"
        part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
        assert part.status_code == 206 and part.content == b"0123456789"
        other, other_token = invitations.invite(live.db, live.interview.id, "Di", "di@example.com", "t")
        assert requests.get(url.replace(token, other_token), timeout=5).status_code == 404

"""The candidate's JSON API and pages without a browser: documents, order, consent, closed links."""

from __future__ import annotations

import io
import zipfile

import aiohttp
import pytest

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
async def file_live(make_site):
    live = await make_site(uploads={"max_document_bytes": 50_000})
    iv = interviews.create(live.db, interview_io.from_yaml(FILE_INTERVIEW), "t")
    interviews.set_status(live.db, iv, InterviewStatus.OPEN, "t")
    inv, token = invitations.invite(live.db, iv, "Ann", "ann@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    question = interviews.get(live.db, iv).questions[0].id
    return live, token, question, inv.id


async def post_file(live, token, question, name, data):
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    return await (await live.browser()).post(f"/api/v1/candidate/{token}/answers/{question}/file", data=form)


async def test_wrong_or_oversize_documents_are_refused_and_nothing_is_stored(file_live) -> None:
    live, token, question, inv_id = file_live
    r = await post_file(live, token, question, "cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    assert (
        r.status == 422 and "not a PDF, Word (DOCX) or OpenDocument" in (await r.json())["error"]["message"]
    )
    r = await post_file(live, token, question, "cv.pdf", b"%PDF-1.4" + b"x" * 60_000)
    assert r.status == 413 and "limit" in (await r.json())["error"]["message"]
    assert not (live.settings.data_dir / "files" / str(inv_id)).exists() or not any(
        (live.settings.data_dir / "files" / str(inv_id)).iterdir()
    )
    r = await post_file(live, token, question, "cv.odt", odt())
    assert r.status == 200
    assert (await r.json())["questions"][0]["file_name"] == "cv.odt"
    stored = list((live.settings.data_dir / "files" / str(inv_id)).iterdir())
    assert [p.name for p in stored] == [f"question-{question}.odt"]
    r = await (await live.browser()).post(f"/api/v1/candidate/{token}/finish", json={})
    assert r.status == 200 and (await r.json())["finished"] is True


async def test_pages_follow_the_candidate_state(file_live) -> None:
    live, token, question, inv_id = file_live
    s = await live.browser()
    assert (await s.get(f"/i/{token}/done", allow_redirects=False)).headers["Location"].endswith("/interview")
    invitations.move(live.db, inv_id, InvitationStatus.WITHDRAWN, "t")
    r = await s.get(f"/i/{token}")
    assert r.status == 403 and "no longer active" in await r.text()
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"


async def test_consent_is_required_before_anything_else(site) -> None:
    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Bo", "bo@example.com", "t")
    s = await live.browser()
    assert (await s.get(f"/i/{token}/interview", allow_redirects=False)).headers["Location"] == f"/i/{token}"
    r = await s.post(f"/i/{token}/consent", data={}, allow_redirects=False)
    assert r.status == 400 and "tick the box" in await r.text()
    r = await s.post(f"/i/{token}/consent", data={"consent": "yes"}, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == f"/i/{token}/check"
    got = invitations.get(live.db, inv.id)
    assert got.consent_at is not None and got.status is InvitationStatus.OPENED
    r = await s.post(
        f"/i/{token}/consent", data={"consent": "yes"}, headers={"Origin": "https://evil.example"}
    )
    assert r.status == 403


async def test_a_candidate_can_watch_their_own_take_again(site) -> None:
    from tests.support.flows import record_take

    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Cy", "cy@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    question = live.interview.questions[0].id
    url = f"/api/v1/candidate/{token}/takes/{question}/1"
    anyone = await live.browser()
    assert (await anyone.get(url)).status == 404
    record_take(live.db, live.settings, token, question, 1, b"0123456789" * 100)
    r = await anyone.get(url)
    assert r.status == 200 and await r.read() == b"0123456789" * 100
    assert r.headers["Cache-Control"] == "no-store"
    part = await anyone.get(url, headers={"Range": "bytes=10-19"})
    assert part.status == 206 and await part.read() == b"0123456789"
    other, other_token = invitations.invite(live.db, live.interview.id, "Di", "di@example.com", "t")
    assert (await anyone.get(url.replace(token, other_token))).status == 404


async def test_a_rejected_take_says_it_does_not_count(site) -> None:
    from boxinterview.pipeline import processing
    from tests.support.flows import record_take

    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Ed", "ed@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    question = live.interview.questions[0].id  # three takes
    first = record_take(live.db, live.settings, token, question, 1, b"not a recording")
    record_take(live.db, live.settings, token, question, 2, b"not a recording either")
    processing.reject(
        live.db, first, "nothing was recorded (the recording is empty): record this answer again"
    )
    client = await live.browser()
    state = await (await client.get(f"/api/v1/candidate/{token}/state")).json()
    q = state["questions"][0]
    assert [(t["number"], t["state"], t["counts"]) for t in q["takes"]] == [
        (1, "rejected", False),
        (2, "uploaded", True),
    ]
    assert (q["takes_allowed"], q["takes_left"]) == (4, 2)
    assert q["takes"][0]["reason"].startswith("nothing was recorded")


async def test_a_take_recorded_before_the_deadline_is_submitted_after_it_and_the_interview_finished(
    site,
) -> None:
    import asyncio

    from boxinterview import clock
    from boxinterview.store import candidates as candidates_sql
    from tests.support.flows import record_take

    inv, token = invitations.invite(site.db, site.interview.id, "Fay Late", "fay@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    video, audio, text = site.interview.questions
    api = f"/api/v1/candidate/{token}"
    s = await site.browser()
    record_take(site.db, site.settings, token, video.id, 1, b"x")
    assert (await s.post(f"{api}/answers/{video.id}", json={"take": 1})).status == 200
    record_take(site.db, site.settings, token, audio.id, 1, b"y")
    # The deadline passes while the last take is on its way; within uploads.deadline_grace_minutes it still counts
    await asyncio.sleep(0.01)
    site.db.write(candidates_sql.set_deadline, inv.id, clock.now())  # after the take began, before now
    await asyncio.sleep(0.01)
    assert (await s.post(f"{api}/answers/{audio.id}", json={"take": 1})).status == 200
    # What was not begun before the deadline is refused
    late = await s.post(f"{api}/answers/{text.id}", json={"text": "Words."})
    assert late.status == 410 and "deadline" in (await late.json())["error"]["message"]

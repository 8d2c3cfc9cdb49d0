"""A field, name or key sent twice is refused, saying which, wherever a request can carry one: a web form, a JSON
body, tus metadata (a runner's multipart parts are in tests/runners). No browser sends one twice, and keeping
either copy would decide for the sender without telling them. Fields a form sends many times (ticked boxes)
still may."""

from __future__ import annotations

import base64
import html

import pytest

from boxinterview.domain import accounts, answers, interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus
from boxinterview.store import outbox as outbox_sql
from boxinterview.store import reviews as reviews_sql
from tests.support.reviewing import completed_candidate, csrf, reviewer

JSON = {"Accept": "application/json"}


@pytest.fixture
async def live(make_site):
    return await make_site()


async def message_of(response) -> str:
    return (await response.json())["error"]["message"]


async def test_a_score_or_an_outcome_sent_twice_is_refused_and_nothing_is_kept(live) -> None:
    invitation_id = completed_candidate(live, "Zoë Ångström")
    s = await reviewer(live, "twice@example.com")
    page = f"/review/{invitation_id}"
    comp = live.interview.competencies[0]
    question = next(q for q in live.interview.questions if q.competencies)
    field = f"score-{question.id}-{comp.id}"
    for sent in (
        [(field, "2"), (field, "5"), ("action", "save")],
        [(field, "2"), ("action", "save"), ("action", "submit")],
        [(field, "2"), (f"notes-{question.id}", "a"), (f"notes-{question.id}", "b"), ("action", "save")],
    ):
        r = await s.post(f"{page}/scores", data=[("csrf", await csrf(s, page)), *sent], headers=JSON)
        repeated = next(name for name, _ in sent if [n for n, _ in sent].count(name) > 1)
        assert r.status == 422, sent
        assert await message_of(r) == (
            f'the form sends "{repeated}" more than once; reload the page and send it again'
        )
    assert live.db.read(reviews_sql.reviews_of, invitation_id) == []  # nothing was saved
    decided = await s.post(
        f"{page}/decision",
        data=[
            ("csrf", await csrf(s, page)),
            ("outcome", "advance"),
            ("outcome", "reject"),
            ("feedback", "Thank you."),
            ("action", "confirm"),
        ],
    )
    assert decided.status == 422 and '"outcome" more than once' in html.unescape(await decided.text())
    assert live.db.read(outbox_sql.for_invitation, invitation_id) == []  # nobody was told anything
    token_twice = await s.post(
        f"{page}/scores", data=[("csrf", await csrf(s, page)), ("csrf", "x"), (field, "3")], headers=JSON
    )
    assert token_twice.status in (403, 422)  # whichever copy the check reads, the form is not taken
    assert live.db.read(reviews_sql.reviews_of, invitation_id) == []


async def test_boxes_ticked_together_are_still_one_field_many_times(live) -> None:
    ids = [completed_candidate(live, f"Ticked {n}") for n in range(2)]
    s = await reviewer(live, "ticks@example.com")
    base = f"/review/interviews/{live.interview.id}"
    data = [("csrf", await csrf(s, base)), ("outcome", "hold"), ("action", "preview")]
    preview = await s.post(f"{base}/bulk", data=[*data, *(("invitation", str(i)) for i in ids)])
    assert preview.status == 200 and "2 candidates" in await preview.text()


async def test_a_score_for_a_question_that_assesses_nothing_is_refused(live) -> None:
    spec = """\
title: Café support — Zürich
role: Support
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: "Why us?", kind: text, answer_seconds: 60, competencies: [Clarity]}
  - {prompt: "When could you start?", kind: text, answer_seconds: 60}
"""
    interview_id = interviews.create(live.db, interview_io.from_yaml(spec), "t")
    interviews.set_status(live.db, interview_id, InterviewStatus.OPEN, "t")
    iv = interviews.get(live.db, interview_id)
    inv, _ = invitations.invite(live.db, interview_id, "Łucja Żak", "lucja@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    for q in iv.questions:
        answers.submit_text(live.db, inv.id, q.id, "Soon.")
    answers.complete(live.db, inv.id)
    s = await reviewer(live, "nothing@example.com")
    accounts.assign(live.db, "nothing@example.com", interview_id, "t")
    page = f"/review/{inv.id}"
    assessed, plain = iv.questions
    comp = iv.competencies[0]
    r = await s.post(
        f"{page}/scores",
        data={
            "csrf": await csrf(s, page),
            f"score-{assessed.id}-{comp.id}": "4",
            f"score-{plain.id}-{comp.id}": "4",
            "action": "save",
        },
        headers=JSON,
    )
    assert r.status == 422
    assert await message_of(r) == "question 2 assesses no competency: it takes no scores"
    assert live.db.read(reviews_sql.reviews_of, inv.id) == []
    kept = await s.post(
        f"{page}/scores",
        data={"csrf": await csrf(s, page), f"score-{assessed.id}-{comp.id}": "4", "action": "submit"},
        headers=JSON,
    )
    assert await kept.json() == {"scored": "submitted"}


async def test_a_json_name_given_twice_is_refused(live) -> None:
    inv, token = invitations.invite(live.db, live.interview.id, "Ana Łukasiewicz", "ana@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    client = await live.browser()
    written = live.interview.questions[2]
    api = f"/api/v1/candidate/{token}"
    body = '{"text": "my real answer", "text": "something else"}'
    r = await client.post(
        f"{api}/answers/{written.id}", data=body, headers={"Content-Type": "application/json"}
    )
    assert r.status == 422
    assert await message_of(r) == "the request body gives 'text' more than once; give each name once"
    nested = '{"answers": [{"a": 1, "a": 2}]}'
    r = await client.post(f"{api}/device-check", data=nested, headers={"Content-Type": "application/json"})
    assert r.status == 422 and "'a' more than once" in await message_of(r)
    state = await (await client.get(f"{api}/state")).json()
    assert "my real answer" not in str(state) and "something else" not in str(state)


async def test_a_tus_metadata_key_given_twice_is_refused(live) -> None:
    inv, token = invitations.invite(live.db, live.interview.id, "Ōsaka Tarō", "taro@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    client = await live.browser()

    def pair(key: str, value: str) -> str:
        return f"{key} {base64.b64encode(value.encode()).decode()}"

    recorded = live.interview.questions[0]
    for metadata, key in [
        ([("token", token), ("question", str(recorded.id)), ("take", "1"), ("take", "2")], "take"),
        (
            [("token", token), ("token", "someone-else"), ("question", str(recorded.id)), ("take", "1")],
            "token",
        ),
    ]:
        r = await client.post(
            "/api/v1/uploads/",
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": "10",
                "Upload-Metadata": ",".join(pair(k, v) for k, v in metadata),
            },
        )
        assert r.status == 400, await r.text()
        assert f"the key '{key}' is given more than once; give each key once" in await r.text()
        assert "Location" not in r.headers

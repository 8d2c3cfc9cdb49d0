"""An answer is sent as JSON writes it, one kind at a time: a take's number as a number, a written answer as a
string. Anything else is refused saying what to send, and nothing is kept."""

from __future__ import annotations

import pytest

from boxinterview.domain import invitations, journey


@pytest.fixture
async def live(make_site):
    return await make_site()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"take": "1"}, "take is a whole number written as a JSON number, such as 1"),
        ({"take": 1.0}, "take is a whole number written as a JSON number, such as 1"),
        ({"take": True}, "take is a whole number written as a JSON number, such as 1"),
        ({"take": 1, "text": "x"}, "send exactly one of: take (a recorded take's number), text, or choice"),
        ({"text": None}, "text is the written answer, as a string"),
        ({"text": ["Ich bin Jana."]}, "text is the written answer, as a string"),
        (
            {"text": "Ich bin Jana.", "mood": "😀"},
            "unknown field(s) 'mood'; send one of take, text or choice",
        ),
        ({}, "send exactly one of: take (a recorded take's number), text, or choice"),
    ],
)
async def test_an_answer_not_written_as_json_writes_it_is_refused(live, body: dict, said: str) -> None:
    inv, token = invitations.invite(live.db, live.interview.id, "Jana Nováková", "jana@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    question = live.interview.questions[0]
    browser = await live.browser()
    r = await browser.post(f"/api/v1/candidate/{token}/answers/{question.id}", json=body)
    assert r.status == 422 and (await r.json())["error"]["message"] == said
    assert not any(q.submitted for q in journey.progress(live.db, token).questions)

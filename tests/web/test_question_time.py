"""A question's time begins once, on the server, when the candidate is first shown its countdown: a reload or
another device goes on with it. A written answer sent after its time ran out is kept, and the reviewers are told
by how much."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from boxinterview import clock
from boxinterview.domain import answers, invitations
from tests.support.flows import record_take
from tests.support.reviewing import reviewer
from tests.support.site import text_of


@pytest.fixture
async def live(make_site):
    return await make_site()


async def test_a_question_s_time_begins_once_and_goes_on(live) -> None:
    inv, token = invitations.invite(live.db, live.interview.id, "Søren Kierkegaard", "soren@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    first, second, _ = live.interview.questions
    browser = await live.browser()
    api = f"/api/v1/candidate/{token}"
    state = await (await browser.get(f"{api}/state")).json()
    assert [q["began_seconds_ago"] for q in state["questions"]] == [None, None, None]  # nothing shown yet
    out_of_order = await browser.post(f"{api}/questions/{second.id}/begin", json={})
    assert out_of_order.status == 409  # questions come in order: its time cannot begin early
    began = await (await browser.post(f"{api}/questions/{first.id}/begin", json={})).json()
    assert 0 <= began["began_seconds_ago"] < 5
    answers.open_question(live.db, inv.id, first.id, now=clock.now() + timedelta(hours=1))  # a later device
    again = await (await browser.post(f"{api}/questions/{first.id}/begin", json={})).json()
    assert again["began_seconds_ago"] >= began["began_seconds_ago"]  # it did not begin again
    state = await (await browser.get(f"{api}/state")).json()
    assert state["questions"][0]["began_seconds_ago"] is not None
    assert state["questions"][1]["began_seconds_ago"] is None
    stranger = await browser.post(f"/api/v1/candidate/{'x' * 43}/questions/{first.id}/begin", json={})
    assert stranger.status == 404


async def test_a_written_answer_sent_late_is_kept_and_the_reviewers_are_told(live) -> None:
    q = live.interview.questions  # the written one allows 60 s
    people = []
    for n, late_by in enumerate((10, 95)):  # within the time it takes to send, and well over
        inv, token = invitations.invite(live.db, live.interview.id, f"Late {n}", f"late{n}@example.com", "t")
        invitations.record_consent(live.db, inv.id, "1")
        for question in q[:2]:
            record_take(live.db, live.settings, token, question.id, 1, b"take")
            answers.submit_take(live.db, inv.id, question.id, 1)
        shown = clock.now() - timedelta(seconds=60 + late_by)
        answers.open_question(live.db, inv.id, q[2].id, now=shown)
        answers.submit_text(live.db, inv.id, q[2].id, "Listening first.")
        answers.complete(live.db, inv.id)
        people.append(inv.id)
    s = await reviewer(live, "reads@example.com")
    first_page = " ".join((await text_of(s, f"/review/{people[0]}")).split())
    late_page = " ".join((await text_of(s, f"/review/{people[1]}")).split())
    assert "after its time ran out" not in first_page  # 10 s late is the time the page takes to send it
    said = re.search(r"Sent (\d+) s after its time ran out \(the limit: 1:00\)\.", late_page)
    assert said and 80 <= int(said.group(1)) <= 82, late_page[-3000:]  # 95 s late, less the 15 s to send it
    assert "Listening first." in late_page  # kept as written

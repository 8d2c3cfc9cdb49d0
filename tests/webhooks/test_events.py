"""Which changes are events, recorded with the change or not at all; and from a candidate's finish over HTTP to a
signed `interview.completed` at the applicant tracking system, through the worker."""

from __future__ import annotations

import asyncio

from boxinterview import clock
from boxinterview.domain import answers, decisions, invitations, recordings, reviews, webhooks
from boxinterview.domain.models import Outcome
from boxinterview.errors import Conflict
from boxinterview.pipeline.worker import Worker
from tests.domain.test_saving_reviews import LETTERHEAD, candidate, ids, interview, reviewer  # noqa: F401
from tests.support.flows import record_take
from tests.support.receiver import receiving, until, verify
from tests.webhooks.test_delivery import FAST


def kinds(db) -> list[str]:
    return [d.type for d in reversed(webhooks.deliveries(db))]


def test_each_change_records_its_event_for_the_endpoints_that_want_it(db, interview) -> None:  # noqa: F811
    webhooks.add(db, "https://ats.example.com/all", None, "", "t")
    webhooks.add(db, "https://ats.example.com/decisions", ["decision.made"], "", "t")
    invitation_id = candidate(db, interview)
    rae = reviewer(db, interview)
    why, how, _, clarity, care = ids(interview)
    reviews.save(db, rae, invitation_id, why, {clarity: 4, care: 3}, "", submit=True)
    reviews.save_all(db, rae, invitation_id, {how: ({care: 5}, "")}, submit=True)
    decisions.decide(db, rae, invitation_id, Outcome.ADVANCE, "Well done", LETTERHEAD)
    assert kinds(db) == [
        "invitation.opened",
        "interview.completed",
        "review.submitted",
        "review.submitted",
        "decision.made",
        "decision.made",  # the second endpoint's
    ]
    [decided] = [d for d in webhooks.deliveries(db) if d.endpoint_id == 2]
    assert decided.url == "https://ats.example.com/decisions" and decided.state == "queued"


def test_a_change_that_is_refused_records_no_event(db, interview) -> None:  # noqa: F811
    webhooks.add(db, "https://ats.example.com/all", None, "", "t")
    invitation_id = candidate(db, interview, complete=False)
    before = kinds(db)
    assert before == ["invitation.opened"]
    try:
        answers.complete(db, invitation_id)
    except Conflict:
        pass
    else:
        raise AssertionError("an interview with unanswered questions was completed")
    assert kinds(db) == before


def test_no_endpoint_no_event(db, interview) -> None:  # noqa: F811
    candidate(db, interview)
    assert db.read(lambda con: con.execute("SELECT count(*) FROM webhook_events").fetchall()) == [(0,)]


async def test_a_failed_recording_and_a_finished_interview_reach_the_ats_signed(make_site) -> None:
    async with receiving() as receiver:
        live = await make_site(webhooks=FAST)
        _, secret = webhooks.add(live.db, receiver.url(), None, "Our ATS", "t")
        inv, token = invitations.invite(live.db, live.interview.id, "Ann Example", "ann@example.com", "t")
        candidate_client = await live.browser()
        assert (await candidate_client.get(f"/i/{token}")).status == 200  # opens the link
        invitations.record_consent(live.db, inv.id, "1")
        q = live.interview.questions
        abandoned = record_take(live.db, live.settings, token, q[0].id, 1, b"take")
        live.db.write(recordings.fail, abandoned, "the upload was abandoned", clock.now())
        for question in q[:2]:
            take = 2 if question is q[0] else 1
            record_take(live.db, live.settings, token, question.id, take, b"take")
            answers.submit_take(live.db, inv.id, question.id, take)
        answers.submit_text(live.db, inv.id, q[2].id, "Listening first.")
        r = await candidate_client.post(f"/api/v1/candidate/{token}/finish", json={})
        assert r.status == 200 and (await r.json())["finished"] is True

        stop = asyncio.Event()
        worker = asyncio.create_task(Worker(live.db, live.settings).run(stop))
        try:
            await until(lambda: len(receiver.received) == 3)
            await until(lambda: all(d.state == "delivered" for d in webhooks.deliveries(live.db)))
        finally:
            stop.set()
            await asyncio.wait_for(worker, 10)
        payloads = [verify(secret, got) for got in receiver.received]
        by_type = {p["type"]: p["data"] for p in payloads}
        assert set(by_type) == {"invitation.opened", "recording.failed", "interview.completed"}
        done = by_type["interview.completed"]
        assert done["invitation_id"] == inv.id and done["interview_id"] == live.interview.id
        assert done["review_url"] == f"{live.settings.base_url}/review/{inv.id}"
        failed = by_type["recording.failed"]
        assert failed["recording_id"] == abandoned and failed["question_id"] == q[0].id
        assert len(webhooks.deliveries(live.db)) == 3

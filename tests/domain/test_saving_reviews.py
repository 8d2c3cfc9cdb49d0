"""Saving a review, a comment or a decision: each write checks its own rules (who may, which candidate, which
question, what was already submitted) and the next page shows what was saved."""

from __future__ import annotations

import dataclasses

import pytest

from boxinterview.domain import accounts, answers, decisions, interview_io, interviews, invitations, reviews
from boxinterview.domain.models import InterviewStatus, Outcome, Role
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.mail.letters import Letterhead
from boxinterview.store import outbox
from boxinterview.store import reviews as reviews_sql

WRITTEN = """\
title: Written
role: Writer
competencies:
  - {name: Clarity, anchors: {1: a, 5: e}}
  - {name: Care, anchors: {1: a, 5: e}}
questions:
  - {prompt: Why, kind: text, answer_seconds: 60, competencies: [Clarity, Care]}
  - {prompt: How, kind: text, answer_seconds: 60, competencies: [Care]}
  - {prompt: When can you start, kind: text, answer_seconds: 60}
messages:
  outcome.reject:
    subject: "About the {{ role }} role"
    text: |
      Hi {{ name }}, thank you. We will not continue this time.

      {{ feedback }}
"""
LETTERHEAD = Letterhead("Example Ltd", "https://jobs.example.com", "jobs@example.com", "")


@pytest.fixture
def interview(db):
    interview_id = interviews.create(db, interview_io.from_yaml(WRITTEN), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    return interviews.get(db, interview_id)


def candidate(db, interview, name: str = "Ann Example", complete: bool = True) -> int:
    inv, _ = invitations.invite(db, interview.id, name, f"{name.split()[0].lower()}@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    for q in interview.questions:
        answers.submit_text(db, inv.id, q.id, f"{name} on {q.prompt}")
        if not complete:
            break
    if complete:
        answers.complete(db, inv.id)
    return inv.id


def reviewer(db, interview, email: str = "rae@example.com"):
    account, _ = accounts.create(db, email, Role.REVIEWER, "t")
    accounts.assign(db, email, interview.id, "t")
    return account


def ids(interview) -> tuple[int, int, int, int, int]:
    why, how, when = (q.id for q in interview.questions)
    clarity, care = (c.id for c in interview.competencies)
    return why, how, when, clarity, care


def test_a_saved_draft_is_on_the_next_page_and_the_submission_in_the_results(db, interview) -> None:
    invitation_id = candidate(db, interview)
    rae = reviewer(db, interview)
    why, how, _, clarity, care = ids(interview)
    reviews.save(db, rae, invitation_id, why, {clarity: 4}, "  thoughtful  ", submit=False)
    page = reviews.candidate(db, rae, invitation_id)
    first = page.answers[0]
    assert (
        first.mine.scores == {clarity: 4} and first.mine.notes == "thoughtful" and not first.mine.submitted_at
    )
    assert not page.complete_for_me

    typed = {why: ({clarity: 4, care: 2}, "thoughtful"), how: ({care: 5}, "")}
    assert reviews.save_all(db, rae, invitation_id, typed, submit=True) == 2
    page = reviews.candidate(db, rae, invitation_id)
    assert page.complete_for_me
    assert [a.mine.scores if a.mine else None for a in page.answers] == [
        {clarity: 4, care: 2},
        {care: 5},
        None,
    ]
    [ranked] = db.read(reviews_sql.ranking, interview.id, None, 10, 0)
    assert ranked["invitation_id"] == invitation_id
    assert ranked["competencies"][clarity][1] == 4.0 and ranked["competencies"][care][1] == 3.5  # (2 + 5) / 2


def test_every_write_refuses_a_reviewer_taken_off_the_interview(db, interview) -> None:
    invitation_id = candidate(db, interview)
    rae = reviewer(db, interview)
    why, _, _, clarity, _ = ids(interview)
    reviews.candidate(db, rae, invitation_id)  # the page was open when the admin took Rae off
    accounts.unassign(db, rae.email, interview.id, "t")
    for write in (
        lambda: reviews.save(db, rae, invitation_id, why, {clarity: 3}, "", False),
        lambda: reviews.save_all(db, rae, invitation_id, {why: ({clarity: 3}, "")}, False),
        lambda: reviews.comment(db, rae, invitation_id, why, 1000, "noted"),
        lambda: decisions.decide(db, rae, invitation_id, Outcome.HOLD, "", LETTERHEAD),
    ):
        with pytest.raises(NotFound, match="no candidate here for you to review"):
            write()
    assert db.read(reviews_sql.reviews_of, invitation_id) == []
    admin, _ = accounts.create(db, "ada@example.com", Role.ADMIN, "t")  # an admin reviews every interview
    reviews.save(db, admin, invitation_id, why, {clarity: 3}, "", False)


def test_a_candidate_still_answering_cannot_be_scored_commented_or_decided(db, interview) -> None:
    invitation_id = candidate(db, interview, "Ben Busy", complete=False)
    rae = reviewer(db, interview)
    why, _, _, clarity, _ = ids(interview)
    for write in (
        lambda: reviews.save(db, rae, invitation_id, why, {clarity: 3}, "", False),
        lambda: reviews.save_all(db, rae, invitation_id, {}, False),
        lambda: reviews.comment(db, rae, invitation_id, why, None, "early"),
        lambda: decisions.decide(db, rae, invitation_id, Outcome.REJECT, "", LETTERHEAD),
    ):
        with pytest.raises(Conflict, match="not completed the interview yet"):
            write()


def test_only_this_interviews_questions_and_competencies_can_be_scored(db, interview) -> None:
    invitation_id = candidate(db, interview)
    rae = reviewer(db, interview)
    why, how, when, clarity, care = ids(interview)
    other = interviews.get(db, interviews.create(db, interview_io.from_yaml(WRITTEN), "t"))
    foreign = other.questions[0].id
    with pytest.raises(NotFound, match=f"question {foreign} is not part"):
        reviews.save(db, rae, invitation_id, foreign, {}, "", False)
    with pytest.raises(NotFound, match=f"question {foreign} is not part"):
        reviews.comment(db, rae, invitation_id, foreign, None, "elsewhere")
    with pytest.raises(NotFound, match="not part of this interview"):
        reviews.save_all(db, rae, invitation_id, {foreign: ({}, "x")}, False)
    with pytest.raises(Invalid, match="score only the competencies this question assesses"):
        reviews.save(db, rae, invitation_id, how, {clarity: 3}, "", False)  # "How" assesses Care only
    with pytest.raises(Invalid, match="score only the competencies"):
        reviews.save(db, rae, invitation_id, when, {care: 3}, "", False)  # assesses nothing
    with pytest.raises(Invalid, match="question 2: score only the competencies it assesses"):
        reviews.save_all(db, rae, invitation_id, {how: ({other.competencies[1].id: 3}, "")}, False)
    with pytest.raises(Invalid, match=r"missing: Care"):
        reviews.save(db, rae, invitation_id, why, {clarity: 3}, "", True)
    with pytest.raises(Invalid, match=r"still to score: question 1 \(Care\); question 2 \(Care\)"):
        reviews.save_all(db, rae, invitation_id, {why: ({clarity: 3}, "")}, True)
    with pytest.raises(Invalid, match="not answered on video or audio.*in your notes"):
        reviews.comment(
            db, rae, invitation_id, when, None, "starts in May"
        )  # a written answer has no moments


def test_a_submitted_answer_stays_as_it_was(db, interview) -> None:
    invitation_id = candidate(db, interview)
    rae = reviewer(db, interview)
    why, how, _, clarity, care = ids(interview)
    reviews.save(db, rae, invitation_id, why, {clarity: 2, care: 2}, "first look", True)
    with pytest.raises(Conflict, match="already submitted your review of this answer"):
        reviews.save(db, rae, invitation_id, why, {clarity: 5, care: 5}, "", False)
    # Saving the whole page leaves the submitted answer alone and keeps the rest.
    typed = {why: ({clarity: 5, care: 5}, "changed"), how: ({care: 4}, "")}
    assert reviews.save_all(db, rae, invitation_id, typed, True) == 1
    mine = {r.question_id: r for r in db.read(reviews_sql.reviews_of, invitation_id)}
    assert mine[why].scores == {clarity: 2, care: 2} and mine[why].notes == "first look"
    assert mine[how].scores == {care: 4} and mine[how].submitted_at is not None
    with pytest.raises(Conflict, match="already submitted your review of this candidate"):
        reviews.save_all(db, rae, invitation_id, typed, False)


def test_a_blind_decision_is_worded_by_the_interview_and_names_the_candidate_only_in_the_message(
    db, interview
) -> None:
    interviews.update(db, interview.id, dataclasses.replace(interview, blind_review=True), "t")
    invitation_id = candidate(db, interview, "Cleo Hidden")
    rae = reviewer(db, interview)
    page = reviews.candidate(db, rae, invitation_id)
    subject, preview = decisions.render_feedback(
        page, Outcome.REJECT, "Thank you for the clear answers.", "Ex"
    )
    assert subject == "About the Writer role" and "Hi {name}," in preview and "Cleo" not in preview
    decision = decisions.decide(
        db, rae, invitation_id, Outcome.REJECT, "Thank you for the clear answers.", LETTERHEAD
    )
    assert decision.outcome is Outcome.REJECT and decision.feedback == "Thank you for the clear answers."
    [message] = db.read(outbox.for_invitation, invitation_id)
    assert message["subject"] == "About the Writer role" and message["kind"] == "outcome.reject"
    assert message["body"].startswith("Hi Cleo Hidden, thank you.")
    assert "Thank you for the clear answers." in message["body"]
    with pytest.raises(Conflict, match="already decided"):
        decisions.decide(db, rae, invitation_id, Outcome.ADVANCE, "", LETTERHEAD)

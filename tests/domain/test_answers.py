"""Answers: takes allowed and which one counts; text and choice answers; finishing the interview."""

from __future__ import annotations

from datetime import timedelta

import pytest

from boxinterview import clock
from boxinterview.domain import answers, invitations
from boxinterview.domain.models import InvitationStatus
from boxinterview.errors import Conflict, Forbidden, Gone, Invalid
from boxinterview.store import answers as answers_sql
from tests.support.flows import record_take


@pytest.fixture
def candidate(db, open_interview):
    return invitations.invite(db, open_interview.id, "Ann", "ann@example.com", "test")


@pytest.fixture
def invitation(candidate):
    return candidate[0]


def test_nothing_is_recorded_before_consent(db, open_interview, invitation) -> None:
    with pytest.raises(Forbidden, match="privacy notice"):
        answers.begin_take(db, invitation.id, open_interview.questions[0].id)


def test_takes_are_counted_and_one_is_submitted(db, settings, open_interview, candidate) -> None:
    invitation, token = candidate
    invitations.record_consent(db, invitation.id, "1")
    video = open_interview.questions[0]
    for take in (1, 2, 3):
        record_take(db, settings, token, video.id, take, b"take %d" % take)
    assert invitations.get(db, invitation.id).status is InvitationStatus.STARTED
    with pytest.raises(Forbidden, match="all 3 takes"):
        answers.begin_take(db, invitation.id, video.id)
    answers.submit_take(db, invitation.id, video.id, 2)
    answer = db.read(answers_sql.get_answer, invitation.id, video.id)
    assert answer.submitted_at is not None
    assert [t.submitted for t in db.read(answers_sql.takes_of, answer.id)] == [False, True, False]
    with pytest.raises(Conflict, match="already been submitted"):
        answers.begin_take(db, invitation.id, video.id)


def test_questions_are_answered_in_order(db, settings, open_interview, candidate) -> None:
    invitation, token = candidate
    invitations.record_consent(db, invitation.id, "1")
    with pytest.raises(Conflict, match="answer question 1 before question 3"):
        answers.submit_text(db, invitation.id, open_interview.questions[2].id, "Too early.")
    second = open_interview.questions[1]
    record_take(db, settings, token, second.id, 1, b"recorded ahead")  # recording ahead is harmless...
    with pytest.raises(Conflict, match="answer question 1 before question 2"):
        answers.submit_take(db, invitation.id, second.id, 1)  # ...submitting it before question 1 is not


def test_a_take_without_a_usable_recording_cannot_be_submitted(db, open_interview, invitation) -> None:
    invitations.record_consent(db, invitation.id, "1")
    video = open_interview.questions[0]
    answers.begin_take(db, invitation.id, video.id)  # started, but nothing was ever uploaded
    with pytest.raises(Conflict, match="take 1 cannot be submitted"):
        answers.submit_take(db, invitation.id, video.id, 1)


def test_text_and_choice_answers_are_checked(db, settings, open_interview, candidate) -> None:
    invitation, token = candidate
    invitations.record_consent(db, invitation.id, "1")
    text_q, choice_q = open_interview.questions[2], open_interview.questions[3]
    for video in open_interview.questions[:2]:
        record_take(db, settings, token, video.id, 1, b"video")
        answers.submit_take(db, invitation.id, video.id, 1)
    with pytest.raises(Invalid, match="limit is 1500"):
        answers.submit_text(db, invitation.id, text_q.id, "x" * 1501)
    with pytest.raises(Invalid, match="empty"):
        answers.submit_text(db, invitation.id, text_q.id, "   ")
    with pytest.raises(Invalid, match="not recorded"):
        answers.begin_take(db, invitation.id, text_q.id)
    answers.submit_text(db, invitation.id, text_q.id, "Solving the customer's problem.")
    with pytest.raises(Invalid, match="one of the 2 options"):
        answers.submit_choice(db, invitation.id, choice_q.id, 3)
    assert answers.submit_choice(db, invitation.id, choice_q.id, 2).choice_position == 2


def test_complete_needs_every_answer(db, settings, open_interview, candidate) -> None:
    invitation, token = candidate
    invitations.record_consent(db, invitation.id, "1")
    q = open_interview.questions
    for video in q[:2]:
        record_take(db, settings, token, video.id, 1, b"video")
        answers.submit_take(db, invitation.id, video.id, 1)
    answers.submit_text(db, invitation.id, q[2].id, "An answer.")
    answers.submit_choice(db, invitation.id, q[3].id, 1)
    with pytest.raises(Conflict, match="question 5 has no submitted answer"):
        answers.complete(db, invitation.id)
    answers.submit_choice(db, invitation.id, q[4].id, 1)
    done = answers.complete(db, invitation.id)
    assert done.status is InvitationStatus.COMPLETED and done.completed_at is not None
    with pytest.raises(Forbidden, match="completed"):
        answers.begin_take(db, invitation.id, q[0].id)


def test_a_take_begun_before_the_deadline_may_be_submitted_within_the_grace(
    db, settings, open_interview
) -> None:
    deadline = clock.now() + timedelta(minutes=2)
    inv, token = invitations.invite(
        db, open_interview.id, "Fay Late", "fay@example.com", "t", deadline=deadline
    )
    invitations.record_consent(db, inv.id, "1")
    video = open_interview.questions[0]
    record_take(db, settings, token, video.id, 1, b"recorded at the last minute")
    grace = timedelta(minutes=60)
    with pytest.raises(Gone, match="the deadline for this interview has passed"):
        answers.submit_take(db, inv.id, video.id, 1, deadline + timedelta(minutes=10))  # no grace given
    with pytest.raises(Gone, match="the deadline for this interview has passed"):
        answers.submit_take(db, inv.id, video.id, 1, deadline + grace, grace)  # the grace is over
    answers.submit_take(db, inv.id, video.id, 1, deadline + timedelta(minutes=10), grace)
    assert db.read(answers_sql.get_answer, inv.id, video.id).submitted_at is not None
    # Nothing new is begun after the deadline, grace or not
    with pytest.raises(Gone, match="the deadline for this interview has passed"):
        answers.begin_take(db, inv.id, open_interview.questions[1].id, deadline + timedelta(minutes=1))

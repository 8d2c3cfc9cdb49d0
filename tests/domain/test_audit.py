"""The audit log: viewings are noted without waiting for the writer and written soon after, all of them by the
time the database closes; readers of the log see them."""

from __future__ import annotations

import time

import pytest

from boxinterview.domain import accounts, answers, audit, interview_io, interviews, invitations, reviews
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql

ONE_QUESTION = """\
title: Short
role: Short
competencies: [{name: Clarity, anchors: {1: a, 5: e}}]
questions:
  - {prompt: Why, kind: text, answer_seconds: 60, competencies: [Clarity]}
"""


@pytest.fixture
def viewing(db):
    """A reviewer and a candidate who completed the interview."""
    interview = interviews.get(db, interviews.create(db, interview_io.from_yaml(ONE_QUESTION), "t"))
    interviews.set_status(db, interview.id, InterviewStatus.OPEN, "t")
    inv, _ = invitations.invite(db, interview.id, "Ann Example", "ann@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    answers.submit_text(db, inv.id, interview.questions[0].id, "Because.")
    answers.complete(db, inv.id)
    account, _ = accounts.create(db, "rae@example.com", Role.REVIEWER, "t")
    accounts.assign(db, account.email, interview.id, "t")
    return account, inv.id, interview.questions[0].id


def written(db: Database, action: str = "review.view") -> list:
    """What is in the log itself, without asking for waiting viewings to be written."""
    return [e for e in db.read(audit_sql.entries, action) if e.action == action]


def test_viewings_wait_in_memory_and_the_log_shows_them_all(db, viewing, monkeypatch) -> None:
    monkeypatch.setattr(audit, "FLUSH_SECONDS", 3600.0)
    account, invitation_id, _ = viewing
    for _ in range(3):
        reviews.candidate(db, account, invitation_id)
    assert written(db) == []  # no write of its own for a page view
    found = [e for e in audit.search(db, "review.view") if e.action == "review.view"]
    assert len(found) == 3 and {e.actor for e in found} == {f"reviewer:{account.id}"}
    assert {e.subject_id for e in found} == {invitation_id}
    assert len(written(db)) == 3


def test_every_viewing_is_written_when_the_database_closes(settings, viewing, monkeypatch) -> None:
    monkeypatch.setattr(audit, "FLUSH_SECONDS", 3600.0)
    db = Database.open(settings.database_path)
    account, invitation_id, _ = viewing
    for _ in range(5):
        reviews.candidate(db, account, invitation_id)
    db.close()
    with Database.open(settings.database_path) as again:
        assert len(written(again)) == 5


def test_viewings_are_written_within_the_flush_interval_or_once_enough_wait(db, viewing, monkeypatch) -> None:
    account, invitation_id, _ = viewing
    monkeypatch.setattr(audit, "FLUSH_SECONDS", 0.05)
    reviews.candidate(db, account, invitation_id)
    assert until(lambda: len(written(db)) == 1)
    audit.flush(db)
    other = Database.open(db.path)  # a second handle (as another process would be) gets its own log
    try:
        monkeypatch.setattr(audit, "FLUSH_SECONDS", 3600.0)
        monkeypatch.setattr(audit, "FLUSH_RECORDS", 4)
        for _ in range(4):
            reviews.candidate(other, account, invitation_id)
        assert until(lambda: len(written(db)) == 5)
    finally:
        other.close()


def test_the_log_reads_in_the_order_things_happened(db, viewing, monkeypatch) -> None:
    monkeypatch.setattr(audit, "FLUSH_SECONDS", 3600.0)
    account, invitation_id, question_id = viewing
    reviews.candidate(db, account, invitation_id)  # viewed first, written after the save below
    time.sleep(0.002)
    reviews.save(db, account, invitation_id, question_id, {}, "a note", False)
    actions = [e.action for e in audit.search(db, "reviewer:") if e.action.startswith("review.")]
    assert actions == ["review.save", "review.view"]


def until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()

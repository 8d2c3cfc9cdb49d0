"""Invitations: unguessable links stored hashed, and the rules of the candidate's lifecycle."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from boxinterview import clock
from boxinterview.domain import interviews, invitations
from boxinterview.domain.models import InterviewStatus, InvitationStatus
from boxinterview.errors import Conflict, Forbidden, Invalid, NotFound
from boxinterview.mail.letters import Letterhead
from boxinterview.store import outbox as outbox_sql


def test_tokens_are_long_random_and_stored_only_as_a_hash(db, settings, open_interview) -> None:
    tokens = set()
    for i in range(20):
        inv, token = invitations.invite(db, open_interview.id, f"C {i}", f"c{i}@example.com", "test")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
        tokens.add(token)
        assert invitations.by_token(db, token).id == inv.id
    assert len(tokens) == 20
    db.close()  # flush the write-ahead log into the file before reading its bytes
    stored = settings.database_path.read_bytes()
    assert all(t.encode() not in stored for t in tokens)
    assert invitations.hash_token(next(iter(tokens))).encode() in stored


def test_unknown_or_malformed_tokens_are_not_found(db, open_interview) -> None:
    for token in ("", "short", "x" * 43, "../../etc/passwd", "a" * 500):
        with pytest.raises(NotFound, match="link is not valid"):
            invitations.by_token(db, token)


def test_invite_refuses_bad_input_and_closed_interviews(db, template, open_interview) -> None:
    with pytest.raises(Invalid, match="not an e-mail address"):
        invitations.invite(db, open_interview.id, "Ann", "ann at example", "test")
    with pytest.raises(Invalid, match="not an e-mail address"):
        invitations.invite(db, open_interview.id, "Ann", "ann@example.com\r\nBcc: x@example.com", "test")
    with pytest.raises(Invalid, match="not an e-mail address"):  # a spreadsheet's link, not an address
        invitations.invite(db, open_interview.id, "Ann", '=HYPERLINK("mailto:ann@example.com")', "test")
    with pytest.raises(Invalid, match="name must not be empty"):
        invitations.invite(db, open_interview.id, "  ", "ann@example.com", "test")
    with pytest.raises(Invalid, match="already passed"):
        invitations.invite(
            db, open_interview.id, "Ann", "ann@example.com", "test", deadline=clock.now() - timedelta(hours=1)
        )
    draft = interviews.create(db, template, "test")
    with pytest.raises(Conflict, match=f"interview open {draft}"):
        invitations.invite(db, draft, "Ann", "ann@example.com", "test")
    invitations.invite(db, open_interview.id, "Ann", "ann@example.com", "test")
    with pytest.raises(Conflict, match="already invited"):
        invitations.invite(db, open_interview.id, "Ann E.", "ANN@example.com", "test")


def test_candidate_numbers_count_up_per_interview(db, template, open_interview) -> None:
    other = interviews.create(db, template, "test")
    interviews.set_status(db, other, InterviewStatus.OPEN, "test")
    a, _ = invitations.invite(db, open_interview.id, "A", "a@example.com", "test")
    b, _ = invitations.invite(db, open_interview.id, "B", "b@example.com", "test")
    c, _ = invitations.invite(db, other, "A", "a@example.com", "test")
    assert (a.number, b.number, c.number) == (1, 2, 1)
    assert a.candidate_id == c.candidate_id  # one person, two interviews


def test_lifecycle_requires_consent_and_respects_the_deadline(db, open_interview) -> None:
    now = clock.now().replace(microsecond=0)  # the store keeps milliseconds
    inv, _ = invitations.invite(
        db, open_interview.id, "Ann", "ann@example.com", "test", deadline=now + timedelta(days=2)
    )
    invitations.move(db, inv.id, InvitationStatus.OPENED, "candidate", now=now)
    with pytest.raises(Conflict, match="consent"):
        invitations.move(db, inv.id, InvitationStatus.STARTED, "candidate", now=now)
    invitations.record_consent(db, inv.id, "1", now=now)
    started = invitations.move(db, inv.id, InvitationStatus.STARTED, "candidate", now=now)
    assert started.status is InvitationStatus.STARTED and started.consent_version == "1"
    later = now + timedelta(days=3)
    with pytest.raises(Forbidden, match="deadline"):
        invitations.move(db, inv.id, InvitationStatus.COMPLETED, "candidate", now=later)
    expired = invitations.move(db, inv.id, InvitationStatus.EXPIRED, "system", now=later)
    assert expired.status is InvitationStatus.EXPIRED
    back = invitations.extend_deadline(db, inv.id, later + timedelta(days=2), "test", now=later)
    assert back.status is InvitationStatus.STARTED  # picks up where the candidate left off
    assert back.deadline == later + timedelta(days=2)
    withdrawn = invitations.move(db, inv.id, InvitationStatus.WITHDRAWN, "test", now=later)
    with pytest.raises(Conflict, match="withdrawn"):
        invitations.move(db, withdrawn.id, InvitationStatus.STARTED, "test", now=later)
    with pytest.raises(Conflict, match="no longer matters"):
        invitations.extend_deadline(db, inv.id, later + timedelta(days=9), "test", now=later)


def test_accommodation_is_bounded_and_follows_the_interview_setting(db, open_interview) -> None:
    inv, _ = invitations.invite(db, open_interview.id, "Ann", "ann@example.com", "test", time_multiplier=1.5)
    assert inv.time_multiplier == 1.5
    invitations.grant_accommodation(db, inv.id, 2.0, "screen reader", "test")
    assert invitations.get(db, inv.id).time_multiplier == 2.0
    with pytest.raises(Invalid, match="multiplier from 1.0 to 4.0"):
        invitations.grant_accommodation(db, inv.id, 10, "", "test")


def test_withdrawing_a_candidate_cancels_the_messages_not_sent_yet(db, settings, open_interview) -> None:
    head = Letterhead.from_settings(settings)
    inv, _ = invitations.invite(
        db, open_interview.id, "Françoise Déjà", "francoise@example.com", "t", letterhead=head
    )
    invitations.extend_deadline(db, inv.id, inv.deadline + timedelta(days=2), "t", letterhead=head)
    other, _ = invitations.invite(db, open_interview.id, "Ann", "ann@example.com", "t", letterhead=head)
    invitations.move(db, inv.id, InvitationStatus.WITHDRAWN, "console")
    states = {m["kind"]: (m["state"], m["last_error"]) for m in db.read(outbox_sql.for_invitation, inv.id)}
    assert states == {
        "invitation": ("cancelled", "the candidate was withdrawn"),
        "extension": ("cancelled", "the candidate was withdrawn"),
    }
    assert [m["state"] for m in db.read(outbox_sql.for_invitation, other.id)] == ["queued"]  # nobody else's

"""Invitations: who is asked to which interview, with which link, until when, and how far they have got.

A candidate's link carries a random token of 256 bits. Only its SHA-256 is stored, so a copy of the database
(or a backup) does not hand out working links.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

import apsw

from boxinterview import clock
from boxinterview.domain import deadlines, lifecycle, plaintext, webhooks
from boxinterview.domain.models import Candidate, InterviewStatus, Invitation, InvitationStatus
from boxinterview.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from boxinterview.mail import addresses, letters
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import outbox as outbox_sql

TOKEN_BYTES = 32
DEFAULT_DAYS = 14
MAX_MULTIPLIER = 4.0
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
# Deliberately simple: one @, something on both sides, a dot in the domain, no spaces or control characters,
# and no quotes, brackets or the like in the domain, where they never belong (a spreadsheet's
# =HYPERLINK("mailto:ann@example.com") is not an address).
_DOMAIN_CHAR = r"[^@\s\x00-\x1f\x7f\"'(),:;<>\[\]\\=]"
_EMAIL_RE = re.compile(rf"^[^@\s\x00-\x1f\x7f]{{1,64}}@{_DOMAIN_CHAR}+\.{_DOMAIN_CHAR}{{2,}}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def check_email(email: str) -> str:
    email = email.strip()
    wrong = None if len(email) <= 254 and _EMAIL_RE.match(email) else "invalid"
    if wrong is None:
        wrong = addresses.problem(email)  # the sender reads it this way: what passes here can be sent
    if wrong is not None:
        detail = "" if wrong == "invalid" else f" ({wrong})"
        raise Invalid(
            f"{email!r} is not an e-mail address{detail}; write it as name@example.com",
            [("email", "invalid")],
        )
    return email


def email_advice(email: str) -> list[str]:
    """Warnings about an address that is valid but that not every mail server can deliver to."""
    found = addresses.advice(email)
    return [found] if found else []


def check_name(name: str) -> str:
    name = plaintext.one_line(name)
    if not name:
        raise Invalid("the candidate's name must not be empty", [("name", "empty")])
    if len(name) > 200:
        raise Invalid("the candidate's name must be at most 200 characters", [("name", "too long")])
    return name


def _existing(con: apsw.Connection, invitation_id: int) -> Invitation:
    found = sql.get_invitation(con, invitation_id)
    if found is None:
        raise NotFound(f"no invitation with id {invitation_id}")
    return found


def fresh_link(con: apsw.Connection, invitation_id: int, now: datetime) -> str:
    """Another working link for an invitation (the earlier ones keep working); returns its token, which only
    the message that carries it will ever see."""
    if _existing(con, invitation_id).erased_at is not None:
        raise Conflict(f"invitation {invitation_id} has been erased; a link to it would lead nowhere")
    token = new_token()
    sql.add_link(con, invitation_id, hash_token(token), now)
    return token


def invite(
    db: Database,
    interview_id: int,
    name: str,
    email: str,
    actor: str,
    *,
    deadline: datetime | None = None,
    time_multiplier: float = 1.0,
    accommodation_note: str = "",
    phone: str = "",
    now: datetime | None = None,
    letterhead: Letterhead | None = None,
) -> tuple[Invitation, str]:
    """Invite a candidate (new or known by e-mail) to an open interview. Returns the invitation and its token:
    the token is shown once, here, and never again. With a `letterhead`, the invitation e-mail is queued in the
    same transaction."""
    now = now or clock.now()
    name = check_name(name)
    email = check_email(email)
    if not 1.0 <= time_multiplier <= MAX_MULTIPLIER:
        raise Invalid(
            f"extra time is a multiplier from 1.0 to {MAX_MULTIPLIER}", [("time_multiplier", "range")]
        )
    token = new_token()

    def tx(con: apsw.Connection) -> Invitation:
        interview = interviews_sql.get(con, interview_id)
        if interview is None:
            raise NotFound(f"no interview with id {interview_id}")
        if interview.status is not InterviewStatus.OPEN:
            raise Conflict(
                f"interview {interview_id} is {interview.status}: candidates can only be invited to an open "
                f"interview (`boxinterview interview open {interview_id}`)"
            )
        due = deadline or interview.deadline or (now + timedelta(days=DEFAULT_DAYS))
        check_deadline(due, now)
        candidate = sql.candidate_by_email(con, email)
        if candidate is None:
            candidate_id = sql.insert_candidate(con, name, email, phone, now)
        else:
            candidate_id = candidate.id
            if sql.invitation_exists(con, interview_id, candidate_id):
                raise Conflict(
                    f"{email} is already invited to interview {interview_id}; resend or extend that invitation"
                )
        invitation_id = sql.insert_invitation(
            con,
            interview_id=interview_id,
            candidate_id=candidate_id,
            token_hash=hash_token(token),
            deadline=due,
            time_multiplier=time_multiplier,
            accommodation_note=accommodation_note,
            now=now,
        )
        audit_sql.record(
            con,
            actor=actor,
            action="invitation.create",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"interview": interview_id, "candidate": candidate_id},
            now=now,
        )
        found = sql.get_invitation(con, invitation_id)
        assert found is not None
        if letterhead is not None:
            person = sql.get_candidate(con, found.candidate_id)
            assert person is not None
            letters.invitation(con, letterhead, found, person, interview, token, now)
        return found

    return db.write(tx), token


def get(db: Database, invitation_id: int) -> Invitation:
    found = db.read(sql.get_invitation, invitation_id)
    if found is None:
        raise NotFound(f"no invitation with id {invitation_id}")
    return found


ERASED = "this interview link no longer works: everything recorded with it has been erased"


def by_token(db: Database, token: str) -> Invitation:
    """The invitation a link's token belongs to. An unknown token says nothing about which tokens exist; the
    link of an erased invitation leads nowhere, whichever of its links it is."""
    if not _TOKEN_RE.match(token or ""):
        raise NotFound("this interview link is not valid; check that the whole link was copied")
    found = db.read(sql.invitation_by_token_hash, hash_token(token))
    if found is None:
        raise NotFound("this interview link is not valid; check that the whole link was copied")
    if found.erased_at is not None:
        raise Gone(ERASED)
    return found


def listing(db: Database, interview_id: int) -> list[tuple[Invitation, Candidate]]:
    return db.read(sql.invitations_of, interview_id)


def parse_deadline(text: str) -> datetime:
    """A deadline as the API takes it (ISO 8601 with a time zone), in UTC; Invalid saying how to write it. What
    people type and spreadsheets write, read in the interview's time zone, is `deadlines.read`."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text[:40]!r} is not a date and time; write it like 2026-12-31T17:00+01:00") from None
    if value.tzinfo is None:
        raise Invalid(f"{text[:40]!r} has no time zone; add one, e.g. 2026-12-31T17:00+01:00")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
        raise Invalid(f"{text[:40]!r} is too far in the future; check the year") from None


# Further ahead is a typing mistake (year 9999), and leaves no room to count from (the grace after a deadline).
MAX_DEADLINE_DAYS = 100 * 366


def check_deadline(deadline: datetime, now: datetime) -> None:
    if deadline <= now:
        raise Invalid("the deadline has already passed; give a later one", [("deadline", "past")])
    if deadline - now > timedelta(days=MAX_DEADLINE_DAYS):
        raise Invalid(
            f"the deadline {deadline:%Y-%m-%d} is more than a hundred years away; check the year",
            [("deadline", "too far")],
        )


def is_past_deadline(invitation: Invitation, now: datetime) -> bool:
    return invitation.deadline <= now


# The moves an applicant tracking system hears of (`domain/webhooks.py`).
# The messages that ask the candidate to answer, with their link; a decision's message is not among them.
_ASKING_TO_ANSWER = ("invitation", "reminder.", "nudge", "extension", "accommodation")
_EVENTS = {InvitationStatus.OPENED: "invitation.opened", InvitationStatus.COMPLETED: "interview.completed"}


def move(
    db: Database,
    invitation_id: int,
    target: InvitationStatus,
    actor: str,
    now: datetime | None = None,
) -> Invitation:
    """Move an invitation along its lifecycle (opened, started, completed, withdrawn, expired)."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Invitation:
        current = _existing(con, invitation_id)
        if current.status is target:
            return current
        if target in (InvitationStatus.OPENED, InvitationStatus.STARTED, InvitationStatus.COMPLETED):
            if is_past_deadline(current, now):
                raise Forbidden(
                    f"the deadline ({current.deadline:%Y-%m-%d %H:%M} UTC) has passed; "
                    "ask the hiring team to extend it"
                )
            if target is InvitationStatus.STARTED and current.consent_at is None:
                raise Conflict("the candidate must consent to the privacy notice before starting")
        lifecycle.advance("invitation", current.status, target)
        sql.set_invitation_status(con, invitation_id, current.status, target, now)
        audit_sql.record(
            con,
            actor=actor,
            action=f"invitation.{target.value}",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"from": current.status.value},
            now=now,
        )
        if target in _EVENTS:
            webhooks.invitation_event(con, _EVENTS[target], invitation_id, now)
        if target is InvitationStatus.WITHDRAWN:
            # A message not sent yet would bring a link that no longer works: it is not sent
            for kind in _ASKING_TO_ANSWER:
                outbox_sql.cancel_unsent(con, invitation_id, kind, "the candidate was withdrawn")
        found = sql.get_invitation(con, invitation_id)
        assert found is not None
        return found

    return db.write(tx)


def record_consent(
    db: Database, invitation_id: int, notice_version: str, now: datetime | None = None
) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        current = _existing(con, invitation_id)
        if current.status in (
            InvitationStatus.WITHDRAWN,
            InvitationStatus.EXPIRED,
            InvitationStatus.COMPLETED,
        ):
            raise Conflict(f"this invitation is {current.status}; consent cannot be given now")
        sql.record_consent(con, invitation_id, notice_version, now)
        audit_sql.record(
            con,
            actor=f"candidate:{invitation_id}",
            action="invitation.consent",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"notice_version": notice_version},
            now=now,
        )

    db.write(tx)


def extend_deadline(
    db: Database,
    invitation_id: int,
    deadline: datetime,
    actor: str,
    now: datetime | None = None,
    letterhead: Letterhead | None = None,
) -> Invitation:
    """Give a candidate more time; an expired invitation goes back to where the candidate had got to. With a
    `letterhead`, the candidate is told, with a fresh link, in the same transaction."""
    now = now or clock.now()
    check_deadline(deadline, now)

    def tx(con: apsw.Connection) -> Invitation:
        current = _existing(con, invitation_id)
        if current.status in (InvitationStatus.COMPLETED, InvitationStatus.WITHDRAWN):
            raise Conflict(f"this invitation is {current.status}; its deadline no longer matters")
        if deadline <= current.deadline:
            # The candidate would be told of "more time" that is less, or none: they plan by the deadline given.
            interview = interviews_sql.get(con, current.interview_id)
            zone_name = interview.time_zone if interview is not None else "UTC"
            zone = deadlines.zone(zone_name)
            raise Invalid(
                f"the new deadline {deadline.astimezone(zone):%Y-%m-%d %H:%M} is not later than the current one, "
                f"{current.deadline.astimezone(zone):%Y-%m-%d %H:%M} ({zone_name}): more time must end later; "
                "give a later deadline",
                [("deadline", "not later")],
            )
        sql.set_deadline(con, invitation_id, deadline)
        if current.status is InvitationStatus.EXPIRED:
            back = (
                InvitationStatus.STARTED
                if current.started_at
                else InvitationStatus.OPENED
                if current.opened_at
                else InvitationStatus.INVITED
            )
            lifecycle.advance("invitation", current.status, back)
            sql.set_invitation_status(con, invitation_id, current.status, back, now)
        audit_sql.record(
            con,
            actor=actor,
            action="invitation.extend",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"from": clock.to_db(current.deadline), "to": clock.to_db(deadline)},
            now=now,
        )
        found = sql.get_invitation(con, invitation_id)
        assert found is not None
        person = sql.get_candidate(con, found.candidate_id)
        if letterhead is not None and person is not None and person.email:
            interview = interviews_sql.get(con, found.interview_id)
            assert interview is not None
            token = fresh_link(con, found.id, now)
            letters.extension(con, letterhead, found, person, interview, token, now)
        return found

    return db.write(tx)


def grant_accommodation(
    db: Database,
    invitation_id: int,
    multiplier: float,
    note: str,
    actor: str,
    now: datetime | None = None,
    letterhead: Letterhead | None = None,
) -> bool:
    """Extra time (think and answer time multiplied) for a candidate who needs it; this answers their request,
    if they made one. With a `letterhead`, a candidate given more time than before is told, with a fresh link,
    while they can still use it. Returns whether they are told."""
    now = now or clock.now()
    if not 1.0 <= multiplier <= MAX_MULTIPLIER:
        raise Invalid(
            f"extra time is a multiplier from 1.0 to {MAX_MULTIPLIER}", [("time_multiplier", "range")]
        )

    def tx(con: apsw.Connection) -> bool:
        current = _existing(con, invitation_id)
        interview = interviews_sql.get(con, current.interview_id)
        assert interview is not None
        if not interview.allow_accommodations:
            raise Conflict("this interview does not allow accommodations; change that setting first")
        sql.set_accommodation(con, invitation_id, multiplier, note, now)
        audit_sql.record(
            con,
            actor=actor,
            action="invitation.accommodation",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"time_multiplier": multiplier},
            now=now,
        )
        still_open = current.status not in (
            InvitationStatus.COMPLETED,
            InvitationStatus.WITHDRAWN,
            InvitationStatus.EXPIRED,
        )
        person = sql.get_candidate(con, current.candidate_id)
        more = multiplier > current.time_multiplier
        if letterhead is None or not (more and still_open and person is not None and person.email):
            return False
        found = sql.get_invitation(con, invitation_id)
        assert found is not None
        letters.accommodation(con, letterhead, found, person, interview, fresh_link(con, found.id, now), now)
        return True

    return db.write(tx)


RESEND_GAP = timedelta(hours=1)


def resend(
    db: Database, invitation_id: int, letterhead: Letterhead, actor: str, now: datetime | None = None
) -> None:
    """Send the invitation again, with a fresh link (earlier links keep working); at most once an hour."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        current = _existing(con, invitation_id)
        if current.status in (
            InvitationStatus.COMPLETED,
            InvitationStatus.WITHDRAWN,
            InvitationStatus.EXPIRED,
        ):
            raise Conflict(f"this invitation is {current.status}; there is nothing to resend")
        last = outbox_sql.last_for(con, invitation_id, ("invitation", "invitation.resend"))
        if last is not None and now - last[0] < RESEND_GAP:
            count = max(1, int((now - last[0]).total_seconds() // 60))
            minutes = f"{count} minute{'s' if count != 1 else ''}"
            said = {
                "sent": f"was sent {minutes} ago",
                "failed": f"queued {minutes} ago could not be sent (see the outbox)",
            }.get(last[1], f"was queued {minutes} ago and is not sent yet (see the outbox)")
            raise Conflict(f"the invitation {said}; wait an hour between resends")
        person = sql.get_candidate(con, current.candidate_id)
        interview = interviews_sql.get(con, current.interview_id)
        assert person is not None and interview is not None
        if not person.email:
            raise Conflict("the candidate's data has been erased; there is no address to send to")
        token = fresh_link(con, invitation_id, now)
        letters.invitation(con, letterhead, current, person, interview, token, now, kind="invitation.resend")
        audit_sql.record(
            con,
            actor=actor,
            action="invitation.resend",
            subject_type="invitation",
            subject_id=invitation_id,
            now=now,
        )

    db.write(tx)


def new_link(db: Database, invitation_id: int, actor: str, now: datetime | None = None) -> str:
    """Another working personal link for a candidate (to pass on by hand); earlier links keep working."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> str:
        current = _existing(con, invitation_id)
        if current.status in (InvitationStatus.COMPLETED, InvitationStatus.WITHDRAWN):
            raise Conflict(f"this invitation is {current.status}; a link would lead nowhere")
        token = fresh_link(con, invitation_id, now)
        audit_sql.record(
            con,
            actor=actor,
            action="invitation.link",
            subject_type="invitation",
            subject_id=invitation_id,
            now=now,
        )
        return token

    return db.write(tx)

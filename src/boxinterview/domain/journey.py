"""The candidate's journey as the candidate's browser sees it: where they are, what they may do next.

Everything here is reached with the invitation token from the candidate's link; the rules themselves live in
`answers`, `invitations` and `uploads`, so they hold whatever the browser does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain import answers, invitations, numbers, placement, plaintext, recordings, webhooks
from boxinterview.domain.models import (
    RATINGS,
    Interview,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    stored_id,
)
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.mail import alerts
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import journey as sql

MAX_COMMENT = 2000
MAX_REQUEST = 1000
REQUEST_ALERT_GAP = timedelta(hours=1)


@dataclass(frozen=True)
class TakeState:
    number: int
    state: str  # the recording's state, or "none" when no upload started
    reason: str
    submitted: bool
    silent: bool = False  # processed, and nothing could be heard in it
    counts: bool = True  # uses up one of the question's takes (one that could not be used may not)


@dataclass(frozen=True)
class QuestionState:
    question: Question
    submitted: bool
    takes: tuple[TakeState, ...]
    takes_left: int
    takes_allowed: int = 1  # the question's takes, plus any that could not be used through no fault of theirs
    text_value: str | None = None
    choice_position: int | None = None
    file_name: str | None = None
    began_seconds_ago: float | None = None  # since the question's time began (None: not shown yet)

    @property
    def needs_retake(self) -> bool:
        """The submitted take was rejected by processing: the candidate records another (if any are left)."""
        return any(t.submitted and t.state in ("rejected", "failed") for t in self.takes)


@dataclass(frozen=True)
class Progress:
    invitation: Invitation
    interview: Interview
    questions: tuple[QuestionState, ...]
    closed: str | None  # why the candidate can no longer answer, or None
    feedback: tuple[int, str] | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> int | None:
        """0-based index of the first question still to answer, or None when all are answered."""
        for i, q in enumerate(self.questions):
            if not q.submitted or q.needs_retake:
                return i
        return None

    @property
    def finished(self) -> bool:
        return self.invitation.status is InvitationStatus.COMPLETED


def _closed(invitation: Invitation, now: datetime) -> str | None:
    if invitation.status is InvitationStatus.WITHDRAWN:
        return "withdrawn"
    if invitation.status is InvitationStatus.COMPLETED:
        return None
    if invitation.status is InvitationStatus.EXPIRED or invitation.deadline <= now:
        return "expired"
    return None


def _progress(con: apsw.Connection, invitation: Invitation, now: datetime) -> Progress:
    interview = interviews_sql.get(con, invitation.interview_id)
    assert interview is not None
    by_question = {a.question_id: a for a in answers_sql.answers_of(con, invitation.id)}
    began = answers_sql.openings(con, invitation.id)
    states = []
    for q in interview.questions:
        answer = by_question.get(stored_id(q))
        takes: list[TakeState] = []
        allowed = q.takes if q.kind.is_recorded else 1
        if answer is not None:
            rows = answers_sql.takes_of(con, answer.id)
            if q.kind.is_recorded:
                allowed += answers.spared_takes(con, rows)
            for t in rows:
                rec = answers_sql.recording_of_take(con, t.id)
                takes.append(
                    TakeState(
                        t.number,
                        rec.state.value if rec else "none",
                        rec.reason if rec else "",
                        t.submitted,
                        silent=rec is not None and rec.silent,
                        counts=not recordings.spares_a_take(rec),
                    )
                )
        states.append(
            QuestionState(
                question=q,
                submitted=answer is not None and answer.submitted_at is not None,
                takes=tuple(takes),
                takes_left=max(0, allowed - len(takes)) if q.kind.is_recorded else 1,
                takes_allowed=allowed,
                text_value=answer.text_value if answer else None,
                choice_position=answer.choice_position if answer else None,
                file_name=answer.file_name if answer else None,
                began_seconds_ago=(
                    max(0.0, (now - began[stored_id(q)]).total_seconds()) if stored_id(q) in began else None
                ),
            )
        )
    return Progress(
        invitation=invitation,
        interview=interview,
        questions=tuple(states),
        closed=_closed(invitation, now),
        feedback=sql.feedback_of(con, invitation.id),
    )


def progress(db: Database, token: str, now: datetime | None = None) -> Progress:
    invitation = invitations.by_token(db, token)
    return db.read(_progress, invitation, now or clock.now())


def opened(db: Database, token: str, now: datetime | None = None) -> Progress:
    """The candidate opened their link: record it (once) and return where they are."""
    now = now or clock.now()
    invitation = invitations.by_token(db, token)
    if invitation.status is InvitationStatus.INVITED and invitation.deadline > now:
        invitations.move(db, invitation.id, InvitationStatus.OPENED, f"candidate:{invitation.id}", now)
    return progress(db, token, now)


def consent(
    db: Database,
    token: str,
    notice_version: str,
    accommodation_request: str = "",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> None:
    """Consent to the privacy notice (required before anything is recorded), with an optional request for an
    accommodation such as extra time, which the hiring team then grants or discusses. The form shows the request
    on record, so what is sent is the candidate's request now: the same words again change nothing, new words
    are a new request that waits for the team (the earlier stays in the audit log). Left empty, the request on
    record stands: another device's form may not have shown it. With `settings`, the operator is told."""
    now = now or clock.now()
    invitation = invitations.by_token(db, token)
    request = plaintext.one_line(accommodation_request)
    if len(request) > MAX_REQUEST:  # said, not cut
        raise Invalid(
            f"the request is {len(request):,} characters long; the limit is {MAX_REQUEST:,}: shorten it"
        )
    if invitation.status is InvitationStatus.INVITED and invitation.deadline > now:
        invitations.move(db, invitation.id, InvitationStatus.OPENED, f"candidate:{invitation.id}", now)
    if invitation.consent_at is None or invitation.consent_version != notice_version:
        invitations.record_consent(db, invitation.id, notice_version, now)
    if request and request != invitation.accommodation_request:

        def tx(con: apsw.Connection) -> None:
            interview = interviews_sql.get(con, invitation.interview_id)
            assert interview is not None
            if not interview.allow_accommodations:
                raise Conflict(
                    "this interview does not take accommodation requests; contact the support address"
                )
            candidates_sql.request_accommodation(con, invitation.id, request, now)
            audit_sql.record(
                con,
                actor=f"candidate:{invitation.id}",
                action="invitation.accommodation_request",
                subject_type="invitation",
                subject_id=invitation.id,
                detail={"request": request, "earlier": invitation.accommodation_request},
                now=now,
            )
            webhooks.invitation_event(con, "invitation.accommodation_requested", invitation.id, now)
            asked = invitation.accommodation_requested_at
            if settings is not None and (
                not invitation.accommodation_waiting or asked is None or now - asked >= REQUEST_ALERT_GAP
            ):  # words changed again before anyone answered are in the console, not another e-mail each time
                _tell_operator(con, settings, interview, invitation, request, now)

        db.write(tx)


def _tell_operator(
    con: apsw.Connection,
    settings: Settings,
    interview: Interview,
    invitation: Invitation,
    request: str,
    now: datetime,
) -> None:
    person = candidates_sql.get_candidate(con, invitation.candidate_id)
    name = person.name if person is not None else f"candidate #{invitation.number}"
    changed = (
        f' (it replaces "{invitation.accommodation_request}")' if invitation.accommodation_request else ""
    )
    alerts.queue_in(
        con,
        settings,
        f"accommodation.{invitation.id}",
        "A candidate asks for an adjustment",
        f'{name} (#{invitation.number}, interview {interview.id} "{interview.title}") asks: "{request}"{changed}. '
        f"Deadline: {invitation.deadline:%Y-%m-%d %H:%M} UTC.",
        f"In the console, Candidates (c), choose interview {interview.id}, highlight #{invitation.number} and "
        "press a: give extra time or write a note of what was agreed. Reply to the candidate if you need more.",
        now,
        daily=False,
    )


def begin_question(db: Database, token: str, question_id: int, now: datetime | None = None) -> float:
    """The candidate is shown a question's countdown: its time begins now, unless it began before (a reload,
    another device), and the countdown goes on from there. Returns the seconds since it began."""
    invitation = invitations.by_token(db, token)
    return answers.open_question(db, invitation.id, question_id, now)


def record_device_check(
    db: Database, token: str, report: dict[str, Any], now: datetime | None = None
) -> None:
    """What the device check found, for the candidate's support and the process insight."""
    now = now or clock.now()
    invitation = invitations.by_token(db, token)

    def text(key: str, limit: int = 200) -> str:
        return str(report.get(key) or "")[:limit]

    kbps = report.get("upload_kbps")
    db.write(
        sql.insert_device_check,
        invitation.id,
        passed=bool(report.get("passed")),
        camera=bool(report.get("camera")),
        microphone=bool(report.get("microphone")),
        # a browser's measurement: anything not a plausible speed (negative, NaN, 1e300) is not kept
        upload_kbps=int(kbps) if isinstance(kbps, int | float) and 0 <= kbps <= 100_000_000 else None,
        recorder_type=text("recorder_type"),
        browser=text("browser"),
        problem=text("problem", 500),
        now=now,
    )


def submit(
    db: Database,
    token: str,
    question_id: int,
    body: dict[str, Any],
    now: datetime | None = None,
    grace: timedelta = timedelta(0),
) -> None:
    """Submit an answer: exactly one of `{"take": n}` for a recording, `{"text": "…"}` or `{"choice": position}`,
    each as JSON writes it (a number as a number, the text as a string): `{"text": null}` is no answer "None".
    A take begun before the deadline may be submitted for `grace` after it (`answers.submit_take`)."""
    invitation = invitations.by_token(db, token)
    given = [name for name in ANSWER_FIELDS if name in body]
    if unknown := sorted(set(body) - set(ANSWER_FIELDS)):
        raise Invalid(f"unknown field(s) {', '.join(map(repr, unknown))}; send one of take, text or choice")
    if len(given) != 1:
        raise Invalid("send exactly one of: take (a recorded take's number), text, or choice")
    [name] = given
    if name == "text":
        if not isinstance(body["text"], str):
            raise Invalid("text is the written answer, as a string")
        answers.submit_text(db, invitation.id, question_id, body["text"], now)
    elif name == "take":
        answers.submit_take(db, invitation.id, question_id, _int(body["take"], "take"), now, grace)
    else:
        answers.submit_choice(db, invitation.id, question_id, _int(body["choice"], "choice"), now)


ANSWER_FIELDS = ("take", "text", "choice")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):  # "1", 1.0 and true are not a take's number
        raise Invalid(f"{name} is a whole number written as a JSON number, such as 1")
    return numbers.whole(value, name, low=1, high=1000)


def finish(
    db: Database, token: str, now: datetime | None = None, letterhead: Letterhead | None = None
) -> Invitation:
    invitation = invitations.by_token(db, token)
    return answers.complete(db, invitation.id, now, letterhead)


def feedback(db: Database, token: str, rating: Any, comment: str, now: datetime | None = None) -> None:
    """The one-question satisfaction rating on the finish page (one of RATINGS), with an optional comment."""
    now = now or clock.now()
    invitation = invitations.by_token(db, token)
    if invitation.status is not InvitationStatus.COMPLETED:
        raise Conflict("finish the interview first; then you can tell us how it was")
    if isinstance(rating, str) and rating.strip().isdigit():
        raise Invalid(
            f'the rating is a number from {RATINGS[0]} to {RATINGS[-1]}, sent as a number (3, not "3")'
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise Invalid(f"choose a rating from {RATINGS[0]} to {RATINGS[-1]}")
    kept = plaintext.lines(comment)
    if len(kept) > MAX_COMMENT:  # said, not cut: the candidate's words are kept whole or not at all
        raise Invalid(
            f"the comment is {len(kept):,} characters long; the limit is {MAX_COMMENT:,}: shorten it"
        )
    db.write(sql.set_feedback, invitation.id, rating, kept, now)


def file_question(progress: Progress, question_id: int) -> Question:
    q = next((s.question for s in progress.questions if s.question.id == question_id), None)
    if q is None or q.kind is not QuestionKind.FILE:
        raise Invalid(f"question {question_id} is not a file question of this interview")
    return q


def take_file(db: Database, token: str, question_id: int, take_number: int) -> Path:
    """The candidate's own take, to watch again after a reload: the playback file once it is ready, else the
    original as uploaded."""
    invitation = invitations.by_token(db, token)

    def read(con: apsw.Connection) -> Path | None:
        answer = answers_sql.get_answer(con, invitation.id, question_id)
        take = (
            next((t for t in answers_sql.takes_of(con, answer.id) if t.number == take_number), None)
            if answer
            else None
        )
        rec = answers_sql.recording_of_take(con, take.id) if take else None
        if rec is None or rec.state.value in ("uploading", "rejected", "failed"):
            return None
        chosen = rec.playback_path if rec.state.value == "ready" else rec.original_path
        return Path(chosen) if chosen else None

    path = db.read(read)
    if path is None or not (path.exists() or db.read(placement.located, str(path))):  # here or in the bucket
        raise NotFound("this take is not available to watch yet")
    return path

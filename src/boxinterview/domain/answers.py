"""Answers: the rules of taking a recorded answer (takes allowed, which take counts) and of text and choice
answers. A candidate's link must be active: consented, started, before the deadline."""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.domain import documents, invitations, lifecycle, plaintext, recordings, webhooks
from boxinterview.domain.models import (
    Answer,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    Recording,
    RecordingState,
    Take,
    stored_id,
)
from boxinterview.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from boxinterview.mail import letters
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import answers as sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql


def _answerable(
    con: apsw.Connection,
    invitation_id: int,
    question_id: int,
    now: datetime,
    kinds: tuple[QuestionKind, ...] | None = None,
    in_order: bool = True,
    late_until: datetime | None = None,
) -> tuple[Invitation, Question]:
    """The invitation and question, if the candidate may answer it now: not erased, consented, before the
    deadline (or before `late_until`, for what was begun before it), not finished or withdrawn, the question of a
    kind in `kinds`, and (for submitting, `in_order`) every earlier question answered. Recording a take is allowed
    out of order; submitting it is not. Reads only."""
    invitation = candidates_sql.get_invitation(con, invitation_id)
    if invitation is None:
        raise NotFound(f"no invitation with id {invitation_id}")
    if invitation.erased_at is not None:
        raise Gone(invitations.ERASED)
    late = late_until is not None and now < late_until
    if (invitation.deadline <= now and not late) or invitation.status is InvitationStatus.EXPIRED:
        raise Gone("the deadline for this interview has passed; ask the hiring team to extend it")
    if invitation.status in (InvitationStatus.WITHDRAWN, InvitationStatus.COMPLETED):
        raise Forbidden(f"this interview is {invitation.status}; no more answers can be given")
    if invitation.consent_at is None:
        raise Forbidden("the privacy notice has not been accepted yet; nothing is recorded before that")
    interview = interviews_sql.get(con, invitation.interview_id)
    assert interview is not None
    question = next((q for q in interview.questions if q.id == question_id), None)
    if question is None:
        raise NotFound(f"question {question_id} is not part of this interview")
    if kinds is not None and question.kind not in kinds:
        what = "recorded" if QuestionKind.VIDEO in kinds else f"a {kinds[0]} question"
        raise Invalid(f"question {question_id} is a {question.kind} question; it is not {what}")
    submitted = {a.question_id for a in sql.answers_of(con, invitation_id) if a.submitted_at is not None}
    earlier = [q for q in interview.questions if q.position < question.position and q.id not in submitted]
    if earlier and in_order:
        raise Conflict(
            f"questions are answered in order: answer question {earlier[0].position} before question "
            f"{question.position}"
        )
    return invitation, question


def _active(
    con: apsw.Connection,
    invitation_id: int,
    question_id: int,
    now: datetime,
    kinds: tuple[QuestionKind, ...] | None = None,
    in_order: bool = True,
    late_until: datetime | None = None,
) -> tuple[Invitation, Question]:
    """`_answerable`, inside a write transaction that is about to record an answer: the candidate has started."""
    invitation, question = _answerable(con, invitation_id, question_id, now, kinds, in_order, late_until)
    if invitation.status in (InvitationStatus.INVITED, InvitationStatus.OPENED):
        for step in (InvitationStatus.OPENED, InvitationStatus.STARTED):
            if invitation.status is not step and lifecycle.can("invitation", invitation.status, step):
                candidates_sql.set_invitation_status(con, invitation_id, invitation.status, step, now)
                if step is InvitationStatus.OPENED:
                    webhooks.invitation_event(con, "invitation.opened", invitation_id, now)
                found = candidates_sql.get_invitation(con, invitation_id)
                assert found is not None  # just read and changed in this transaction
                invitation = found
    return invitation, question


def may_give_file(db: Database, invitation_id: int, question_id: int, now: datetime | None = None) -> None:
    """Raise as `submit_file` would, before a document is even received: a closed link is refused without
    reading what it sends. `submit_file` checks again when it records the answer."""
    db.read(_answerable, invitation_id, question_id, now or clock.now(), (QuestionKind.FILE,))


# A written answer sent this soon after its time ran out is on time: the page sends it as the countdown ends, and
# the request takes a moment on a slow link.
SENDING_SECONDS = 15


def open_question(db: Database, invitation_id: int, question_id: int, now: datetime | None = None) -> float:
    """Begin the question's time for the candidate (its think time, or its writing time) the first time they are
    shown it; returns the seconds since it began, so a reload or another device goes on with the same countdown."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> float:
        _answerable(con, invitation_id, question_id, now, None)
        began = sql.open_question(con, invitation_id, question_id, now)
        return max(0.0, (now - began).total_seconds())

    return db.write(tx)


def _over_time(con: apsw.Connection, invitation: Invitation, question: Question, now: datetime) -> int:
    """Whole seconds past a written answer's time (with the time to send it), 0 when on time or never timed."""
    began = sql.openings(con, invitation.id).get(stored_id(question))
    if began is None:
        return 0
    allowed = question.answer_seconds * invitation.time_multiplier + SENDING_SECONDS
    return max(0, math.ceil((now - began).total_seconds() - allowed))


RECORDED = (QuestionKind.VIDEO, QuestionKind.AUDIO)
UNUSABLE = (RecordingState.REJECTED, RecordingState.FAILED)


def _submitted_recording(con: apsw.Connection, answer_id: int) -> Recording | None:
    take = next((t for t in sql.takes_of(con, answer_id) if t.submitted), None)
    return sql.recording_of_take(con, take.id) if take else None


def _submitted_recording_usable(con: apsw.Connection, answer_id: int) -> bool:
    """False when the submitted take's recording was rejected or failed: the candidate may record again."""
    recording = _submitted_recording(con, answer_id)
    return recording is None or recording.state not in UNUSABLE


def spared_takes(con: apsw.Connection, takes: list[Take]) -> int:
    """Takes that do not count against the question's number, because they could not be used."""
    return sum(recordings.spares_a_take(sql.recording_of_take(con, t.id)) for t in takes)


def _answer_row(con: apsw.Connection, invitation_id: int, question_id: int, now: datetime) -> Answer:
    answer = sql.get_answer(con, invitation_id, question_id)
    if answer is None:
        sql.insert_answer(con, invitation_id, question_id, now)
        answer = sql.get_answer(con, invitation_id, question_id)
    assert answer is not None
    return answer


def begin_take_in(
    con: apsw.Connection, invitation_id: int, question_id: int, now: datetime, number: int | None = None
) -> Take:
    """Start a take inside the caller's transaction. `number` (1-based) is the take the candidate is on; by
    default the next one."""
    _, question = _active(con, invitation_id, question_id, now, RECORDED, in_order=False)
    answer = _answer_row(con, invitation_id, question_id, now)
    if answer.submitted_at is not None and _submitted_recording_usable(con, answer.id):
        raise Conflict("this answer has already been submitted")
    existing = sql.takes_of(con, answer.id)
    allowed = question.takes + spared_takes(con, existing)
    if len(existing) >= allowed:
        raise Forbidden(f"all {allowed} takes for this question have been used; submit one of them")
    if number is not None:
        if not 1 <= number <= allowed:
            raise Invalid(f"take {number} does not exist: this question allows takes 1 to {allowed}")
        if any(t.number == number for t in existing):
            raise Conflict(f"take {number} of this question has already been recorded; record the next take")
    return sql.insert_take(con, answer.id, now, number)


def begin_take(
    db: Database, invitation_id: int, question_id: int, now: datetime | None = None, number: int | None = None
) -> Take:
    """Start a new take of a video or audio answer, if the candidate has one left."""
    return db.write(begin_take_in, invitation_id, question_id, now or clock.now(), number)


def submit_take(
    db: Database,
    invitation_id: int,
    question_id: int,
    take_number: int,
    now: datetime | None = None,
    grace: timedelta = timedelta(0),
) -> Answer:
    """Choose which take is the answer reviewers will see. A take begun before the deadline may be submitted for
    `grace` after it (the time its upload has to arrive): an answer recorded at the last minute is not lost."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Answer:
        invitation = candidates_sql.get_invitation(con, invitation_id)
        answer = sql.get_answer(con, invitation_id, question_id)
        take = (
            next((t for t in sql.takes_of(con, answer.id) if t.number == take_number), None)
            if answer
            else None
        )
        late_until = None
        if invitation is not None and take is not None and take.created_at < invitation.deadline:
            late_until = invitation.deadline + grace
        _active(con, invitation_id, question_id, now, RECORDED, late_until=late_until)
        if answer is None:
            raise Conflict("there is no take to submit yet; record one first")
        if take is None:
            raise NotFound(f"there is no take {take_number} for this question")
        recording = sql.recording_of_take(con, take.id)
        if recording is None or recording.state in UNUSABLE:
            why = recording.reason if recording and recording.reason else "its upload never started"
            raise Conflict(f"take {take_number} cannot be submitted: {why}")
        if recording.state is RecordingState.UPLOADING:  # submitted, it could hold the interview up for good
            raise Conflict(
                f"take {take_number} is still arriving: let the device it was recorded on finish sending it, or "
                "record the answer again"
            )
        sql.mark_take_submitted(con, answer.id, take.id)
        sql.submit_answer(con, answer.id, now)
        audit_sql.record(
            con,
            actor=f"candidate:{invitation_id}",
            action="answer.submit",
            subject_type="answer",
            subject_id=answer.id,
            detail={"take": take_number},
            now=now,
        )
        found = sql.get_answer(con, invitation_id, question_id)
        assert found is not None
        return found

    return db.write(tx)


def submit_text(
    db: Database, invitation_id: int, question_id: int, text: str, now: datetime | None = None
) -> Answer:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Answer:
        invitation, question = _active(con, invitation_id, question_id, now, (QuestionKind.TEXT,))
        body = plaintext.lines(text)
        if not body:
            raise Invalid("the answer is empty; write your answer before submitting")
        limit = question.max_chars or 0
        if limit and len(body) > limit:
            raise Invalid(
                f"the answer has {len(body)} characters; the limit is {limit}. Shorten it and submit again"
            )
        answer = _answer_row(con, invitation_id, question_id, now)
        if answer.submitted_at is not None:
            raise Conflict("this answer has already been submitted")
        sql.submit_answer(con, answer.id, now, text_value=body)
        if over := _over_time(con, invitation, question, now):  # kept, and shown to the reviewers
            sql.set_over_time(con, answer.id, over)
        found = sql.get_answer(con, invitation_id, question_id)
        assert found is not None
        return found

    return db.write(tx)


def submit_choice(
    db: Database, invitation_id: int, question_id: int, position: int, now: datetime | None = None
) -> Answer:
    """`position` is the 1-based position of the chosen option."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Answer:
        _, question = _active(con, invitation_id, question_id, now, (QuestionKind.CHOICE,))
        if not 1 <= position <= len(question.choices):
            raise Invalid(f"choose one of the {len(question.choices)} options")
        answer = _answer_row(con, invitation_id, question_id, now)
        if answer.submitted_at is not None:
            raise Conflict("this answer has already been submitted")
        sql.submit_answer(con, answer.id, now, choice_position=position)
        found = sql.get_answer(con, invitation_id, question_id)
        assert found is not None
        return found

    return db.write(tx)


def submit_file(
    db: Database,
    data_dir: Path,
    invitation_id: int,
    question_id: int,
    staged: documents.Staged,
    *,
    name: str,
    now: datetime | None = None,
) -> Answer:
    """A file answer (a CV), checked and staged by `documents.stage`; a new one replaces an earlier one.

    The answer rules are checked in the transaction that records the answer, and the document is moved into
    place inside it too, so a refused document never touches the kept one, and an erasure (which runs on the
    same writer) either comes first and refuses this, or comes after and removes it."""
    now = now or clock.now()
    target = files.document_path(data_dir, invitation_id, question_id, staged.kind)

    def tx(con: apsw.Connection) -> tuple[Answer, str | None]:
        _active(con, invitation_id, question_id, now, (QuestionKind.FILE,))
        answer = _answer_row(con, invitation_id, question_id, now)
        sql.submit_answer(con, answer.id, now, file_path=str(target), file_name=name, file_type=staged.mime)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        found = sql.get_answer(con, invitation_id, question_id)
        assert found is not None
        return found, answer.file_path

    try:
        found, earlier = db.write(tx)
    finally:
        staged.discard()
    files.fsync_dir(target.parent)
    if earlier and Path(earlier) != target:  # the earlier document was of another kind (a PDF, now a DOCX)
        files.remove(Path(earlier))
    return found


def complete(
    db: Database, invitation_id: int, now: datetime | None = None, letterhead: Letterhead | None = None
) -> Invitation:
    """Finish the interview: every question must have a submitted answer. With a `letterhead`, the thank-you and
    confirmation e-mail is queued in the same transaction."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Invitation:
        invitation = candidates_sql.get_invitation(con, invitation_id)
        if invitation is None:
            raise NotFound(f"no invitation with id {invitation_id}")
        if invitation.status is InvitationStatus.COMPLETED:
            return invitation
        interview = interviews_sql.get(con, invitation.interview_id)
        assert interview is not None
        answers = {a.question_id: a for a in sql.answers_of(con, invitation_id) if a.submitted_at is not None}
        missing = [i for i, q in enumerate(interview.questions, start=1) if q.id not in answers]
        if missing:
            which = (
                f"question {missing[0]} has"
                if len(missing) == 1
                else f"questions {', '.join(map(str, missing))} have"
            )
            raise Conflict(f"{which} no submitted answer yet")
        for i, q in enumerate(interview.questions, start=1):
            if not q.kind.is_recorded:
                continue
            recording = _submitted_recording(con, answers[stored_id(q)].id)
            if recording is None or recording.state is RecordingState.UPLOADING:
                raise Conflict(
                    f"the answer to question {i} is still uploading; wait until every answer is saved"
                )
            if recording.state in UNUSABLE:
                raise Conflict(
                    f"the answer to question {i} could not be used ({recording.reason}); record it again"
                )
        lifecycle.advance("invitation", invitation.status, InvitationStatus.COMPLETED)
        candidates_sql.set_invitation_status(
            con, invitation_id, invitation.status, InvitationStatus.COMPLETED, now
        )
        audit_sql.record(
            con,
            actor=f"candidate:{invitation_id}",
            action="invitation.completed",
            subject_type="invitation",
            subject_id=invitation_id,
            now=now,
        )
        webhooks.invitation_event(con, "interview.completed", invitation_id, now)
        found = candidates_sql.get_invitation(con, invitation_id)
        assert found is not None
        if letterhead is not None:
            person = candidates_sql.get_candidate(con, found.candidate_id)
            if person is not None and person.email:
                letters.confirmation(con, letterhead, found, person, interview, now)
        return found

    return db.write(tx)

"""Structured, fair review: each reviewer scores every answer against the anchored rubric of the competencies
its question assesses, without seeing anyone else's scores until they have submitted their own; a blind
interview hides who the candidate is. Deciding on a candidate is in `decisions`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import audit, documents, plaintext, scoring, viewing, webhooks
from boxinterview.domain.models import (
    SCORE_RANGE,
    SCORES,
    Account,
    Answer,
    Candidate,
    Decision,
    Interview,
    InterviewSummary,
    Invitation,
    InvitationStatus,
    Question,
    Recording,
    Review,
    Role,
    candidate_label,
    stored_id,
)
from boxinterview.errors import Conflict, Gone, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import accounts as accounts_sql
from boxinterview.store import answers as answers_sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import outbox as outbox_sql
from boxinterview.store import reviews as sql

MAX_NOTES = 5000


def may_review(con: apsw.Connection, account: Account, interview_id: int) -> bool:
    return account.role is Role.ADMIN or interview_id in accounts_sql.assigned_interviews(con, account.id)


@dataclass(frozen=True)
class QueueItem:
    invitation_id: int
    interview_id: int
    interview_title: str
    candidate_label: str
    completed_at: datetime
    questions: int
    reviewed: int


def queue(db: Database, account: Account) -> list[QueueItem]:
    """Completed interviews waiting for my review, oldest first (so reviews are prompt)."""
    out = []
    for r in db.read(sql.queue, account.id, account.role is Role.ADMIN):
        if r["reviewed"] >= r["questions"]:
            continue
        label = candidate_label(r["candidate_name"], r["number"], r["blind_review"])
        out.append(
            QueueItem(
                r["invitation_id"],
                r["interview_id"],
                r["title"],
                label,
                clock.from_db(r["completed_at"]),
                r["questions"],
                r["reviewed"],
            )
        )
    return out


@dataclass(frozen=True)
class AnswerReview:
    question: Question
    answer: Answer | None
    recording: Recording | None  # the submitted take's recording, for recorded questions
    mine: Review | None
    others: tuple[Review, ...]  # empty until my own review of this answer is submitted
    others_hidden: int  # how many other reviewers' reviews are waiting behind mine
    comments: tuple[dict[str, Any], ...] = ()  # mine, and others' once mine is submitted; by moment


@dataclass(frozen=True)
class CandidateReview:
    invitation: Invitation
    interview: Interview
    label: str  # the candidate's name, or "Candidate 7" in blind mode
    candidate: Candidate | None  # None in blind mode
    answers: tuple[AnswerReview, ...]
    decision: Decision | None
    reviewer_names: dict[int, str]
    messages: tuple[
        dict[str, Any], ...
    ] = ()  # what the candidate was sent, with any refusal from their server

    @property
    def outcome_told(self) -> bool:
        """An outcome message already went to the candidate."""
        return any(m["kind"].startswith("outcome.") and m["state"] == "sent" for m in self.messages)

    @property
    def outcome_waiting(self) -> bool:
        """An outcome message is queued and not sent yet (a changed decision replaces it)."""
        return any(m["kind"].startswith("outcome.") and m["state"] == "queued" for m in self.messages)

    viewer_id: int | None = None  # the reviewer reading it

    @property
    def complete_for_me(self) -> bool:
        return all(a.mine and a.mine.submitted_at for a in self.answers if a.question.competencies)

    @property
    def decision_hidden(self) -> bool:
        """A decision another reviewer made is not shown to one who has still to submit their scores, so it
        does not sway them."""
        return (
            self.decision is not None
            and self.decision.decided_by != self.viewer_id
            and not self.complete_for_me
        )


def _erased(day: str) -> Gone:
    """What a reviewer reads about a candidate whose answers were erased (asked to, or at the end of retention) on
    `day` (YYYY-MM-DD)."""
    return Gone(f"this candidate's answers and details were erased on {day}: there is nothing left to review")


def _load(con: apsw.Connection, account: Account, invitation_id: int) -> CandidateReview:
    invitation = candidates_sql.get_invitation(con, invitation_id)
    if invitation is None or not may_review(con, account, invitation.interview_id):
        raise NotFound("there is no candidate here for you to review")
    if invitation.erased_at is not None:
        raise _erased(f"{invitation.erased_at:%Y-%m-%d}")
    if invitation.status is not InvitationStatus.COMPLETED:
        raise Conflict("this candidate has not completed the interview yet")
    interview = interviews_sql.get(con, invitation.interview_id)
    assert interview is not None
    candidate = candidates_sql.get_candidate(con, invitation.candidate_id)
    blind = interview.blind_review
    by_question = {a.question_id: a for a in answers_sql.answers_of(con, invitation_id)}
    recordings = answers_sql.submitted_recordings(con, invitation_id)
    reviews = sql.reviews_of(con, invitation_id)
    all_comments = sql.comments_of(con, invitation_id)
    items = []
    for q in interview.questions:
        answer = by_question.get(stored_id(q))
        recording = recordings.get(stored_id(q)) if answer and q.kind.is_recorded else None
        mine = next((r for r in reviews if r.question_id == q.id and r.reviewer_id == account.id), None)
        others = [
            r for r in reviews if r.question_id == q.id and r.reviewer_id != account.id and r.submitted_at
        ]
        visible = mine is not None and mine.submitted_at is not None
        comments = tuple(
            c
            for c in all_comments
            if c["question_id"] == q.id and (c["reviewer_id"] == account.id or visible)
        )
        items.append(
            AnswerReview(
                q,
                answer,
                recording,
                mine,
                tuple(others) if visible else (),
                0 if visible else len(others),
                comments,
            )
        )
    names = {a.id: (a.name or a.email) for a in accounts_sql.all_accounts(con)}
    return CandidateReview(
        invitation=invitation,
        interview=interview,
        label=candidate_label(candidate.name if candidate else "?", invitation.number, blind),
        candidate=None if blind else candidate,
        answers=tuple(items),
        decision=sql.latest_decision(con, invitation_id),
        reviewer_names=names,
        messages=tuple(
            {k: m[k] for k in ("kind", "state", "created_at", "sent_at", "last_error", "subject")}
            for m in outbox_sql.for_invitation(con, invitation_id)
        ),
        viewer_id=account.id,
    )


def candidate(db: Database, account: Account, invitation_id: int) -> CandidateReview:
    view = db.read(_load, account, invitation_id)
    audit.viewed(
        db,
        actor=f"reviewer:{account.id}",
        action="review.view",
        subject_type="invitation",
        subject_id=invitation_id,
    )
    return view


def reviewable(con: apsw.Connection, account: Account, invitation_id: int) -> dict[str, Any]:
    """The candidate a reviewer's write is about (its interview and candidate ids), if this reviewer may review it
    and it has completed the interview; the same refusals as the review page's."""
    target = sql.review_target(con, invitation_id, account.id, account.role is Role.ADMIN)
    if target is None or not target["allowed"]:
        raise NotFound("there is no candidate here for you to review")
    if target["erased_at"] is not None:
        raise _erased(str(target["erased_at"])[:10])  # the store's text, which starts with the day
    if target["status"] != InvitationStatus.COMPLETED.value:
        raise Conflict("this candidate has not completed the interview yet")
    return target


def save(
    db: Database,
    account: Account,
    invitation_id: int,
    question_id: int,
    scores: dict[int, int],
    notes: str,
    submit: bool,
    now: datetime | None = None,
) -> None:
    """Save my scores (one of SCORES per competency the question assesses) and notes; `submit` makes them final."""
    now = now or clock.now()
    if len(notes) > MAX_NOTES:
        raise Invalid(f"notes are limited to {MAX_NOTES} characters")

    def tx(con: apsw.Connection) -> None:
        target = reviewable(con, account, invitation_id)
        sheet = sql.scoring_sheet(con, invitation_id, target["interview_id"], account.id, question_id)
        if not sheet:
            raise NotFound(f"question {question_id} is not part of this interview")
        item = sheet[0]
        if item["submitted_at"] is not None:
            raise Conflict("you have already submitted your review of this answer")
        gaps = _unscored(item["assessed"], scores, "score only the competencies this question assesses")
        if submit and gaps:
            raise Invalid(f"score every competency before submitting (missing: {', '.join(gaps)})")
        sql.save_review(
            con, invitation_id, question_id, account.id, scores, plaintext.lines(notes), submit, now
        )
        if submit:
            scoring.refresh(con, invitation_id, target["interview_id"])
            webhooks.review_submitted(con, invitation_id, account.id, [question_id], now)
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="review.submit" if submit else "review.save",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"question": question_id, "scores": {str(k): v for k, v in scores.items()}},
            now=now,
        )

    db.write(tx)


def _unscored(assessed: dict[int, str], scores: dict[int, int], foreign: str) -> list[str]:
    """The names of the `assessed` competencies (id -> name) that `scores` leaves out; Invalid (saying `foreign`
    for a competency the answer does not assess) when a score cannot be kept."""
    if set(scores) - set(assessed):
        raise Invalid(foreign)
    if any(v not in SCORES for v in scores.values()):
        raise Invalid(f"scores run from {SCORE_RANGE}")
    return [name for cid, name in assessed.items() if cid not in scores]


def save_all(
    db: Database,
    account: Account,
    invitation_id: int,
    typed: dict[int, tuple[dict[int, int], str]],
    submit: bool,
    now: datetime | None = None,
) -> int:
    """Save my scores and notes for every answer at once (`typed`: question id -> (scores by competency id,
    notes)); `submit` makes them all final, and then every scored answer must have every score. Returns how many
    answers were submitted. Answers I submitted before are left as they are."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> int:
        target = reviewable(con, account, invitation_id)
        sheet = sql.scoring_sheet(con, invitation_id, target["interview_id"], account.id)
        open_items = [a for a in sheet if a["assessed"] and a["submitted_at"] is None]
        if set(typed) - {a["question_id"] for a in sheet}:
            raise NotFound("some of these questions are not part of this interview")
        if not open_items:
            raise Conflict("you have already submitted your review of this candidate")
        for item in sheet:
            if not item["assessed"] and typed.get(item["question_id"], ({}, ""))[0]:
                raise Invalid(f"question {item['position']} assesses no competency: it takes no scores")
        missing = []
        for item in open_items:
            scores, notes = typed.get(item["question_id"], ({}, ""))
            gaps = _unscored(
                item["assessed"],
                scores,
                f"question {item['position']}: score only the competencies it assesses",
            )
            if len(notes) > MAX_NOTES:
                raise Invalid(f"question {item['position']}: notes are limited to {MAX_NOTES} characters")
            if gaps:
                missing.append(f"question {item['position']} ({', '.join(gaps)})")
        if submit and missing:
            raise Invalid(f"score every competency before submitting; still to score: {'; '.join(missing)}")
        for item in open_items:
            scores, notes = typed.get(item["question_id"], ({}, ""))
            if not submit and not scores and not notes.strip() and item["review_id"] is None:
                continue  # nothing typed for this answer yet: no draft to keep
            sql.save_review(
                con,
                invitation_id,
                item["question_id"],
                account.id,
                scores,
                plaintext.lines(notes),
                submit,
                now,
            )
        if submit:
            scoring.refresh(con, invitation_id, target["interview_id"])
            submitted = [a["question_id"] for a in open_items]
            webhooks.review_submitted(con, invitation_id, account.id, submitted, now)
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="review.submit" if submit else "review.save",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"questions": sorted(a["question_id"] for a in open_items)},
            now=now,
        )
        return len(open_items) if submit else 0

    return db.write(tx)


def shuffled(items: list[QueueItem], account: Account) -> list[QueueItem]:
    """Oldest day first, so reviews stay prompt; within a day each reviewer sees candidates in their own stable
    random order, so no candidate is always seen first (or last) by everyone."""

    def key(item: QueueItem) -> tuple[date, str]:
        digest = hashlib.sha256(f"{account.id}:{item.invitation_id}".encode()).hexdigest()
        return (item.completed_at.date(), digest)

    return sorted(items, key=key)


def media_path(db: Database, account: Account, recording_id: int, kind: str, audited: bool = True) -> str:
    """The playback file (or its preview while that is made) or poster of a recording, if it may be seen at all
    (`viewing.visible`) and this reviewer reviews its interview. `audited` notes the viewing for the audit log
    (once per viewing, not for every byte range)."""

    def read(con: apsw.Connection) -> str:
        return viewing.visible(
            con,
            recording_id,
            kind,
            lambda owner: may_review(con, account, owner["interview_id"]),
            preview=True,
        )

    path = db.read(read)
    if audited:
        audit.viewed(
            db,
            actor=f"reviewer:{account.id}",
            action=f"recording.{kind}",
            subject_type="recording",
            subject_id=recording_id,
        )
    return path


def interviews_for(db: Database, account: Account) -> list[InterviewSummary]:
    """The interviews this reviewer is assigned to (every interview for an admin)."""

    def read(con: apsw.Connection) -> list[InterviewSummary]:
        allowed = set(accounts_sql.assigned_interviews(con, account.id))
        return [s for s in interviews_sql.summaries(con) if account.role is Role.ADMIN or s.id in allowed]

    return db.read(read)


MAX_COMMENT = 2000


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def comment(
    db: Database,
    account: Account,
    invitation_id: int,
    question_id: int,
    at_ms: int | None,
    body: str,
    now: datetime | None = None,
) -> None:
    """A note pinned to a moment of the recording (`at_ms`), which reviewers click to jump to."""
    now = now or clock.now()
    body = plaintext.lines(body)
    if not body:
        raise Invalid("write the comment first")
    if len(body) > MAX_COMMENT:
        raise Invalid(f"a comment is at most {MAX_COMMENT} characters")
    if at_ms is not None and not 0 <= at_ms <= 24 * 3600 * 1000:
        raise Invalid("the moment must be within the recording")

    def tx(con: apsw.Connection) -> None:
        target = reviewable(con, account, invitation_id)
        interview = interviews_sql.get(con, target["interview_id"])
        question = next((q for q in interview.questions if q.id == question_id), None) if interview else None
        if question is None:
            raise NotFound(f"question {question_id} is not part of this interview")
        if not question.kind.is_recorded:
            raise Invalid(
                f"question {question.position} is not answered on video or audio: comments are pinned to a moment "
                "of a recording; write about this answer in your notes beside its scores"
            )
        recording = answers_sql.submitted_recordings(con, invitation_id).get(question_id)
        length = recording.duration_ms if recording is not None else None
        if at_ms is not None and length and at_ms > length + 1000:  # a second's leeway for the player's end
            raise Invalid(
                f"the moment {_clock(at_ms)} is after the end of the recording ({_clock(length)}); "
                "pick a moment within it"
            )
        review_id = sql.ensure_review(con, invitation_id, question_id, account.id, now)
        sql.add_comment(con, review_id, at_ms, body, now)
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="review.comment",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"question": question_id, "at_ms": at_ms},
            now=now,
        )

    db.write(tx)


def document_path(
    db: Database, account: Account, invitation_id: int, question_id: int
) -> tuple[str, str, str]:
    """(path, file name, MIME type) of a candidate's uploaded document; hidden in blind review."""

    def read(con: apsw.Connection) -> tuple[str, str, str]:
        view = _load(con, account, invitation_id)
        if view.interview.blind_review:
            raise NotFound("documents are hidden in blind review")
        item = next((a for a in view.answers if a.question.id == question_id), None)
        if item is None or item.answer is None or not item.answer.file_path:
            raise NotFound("no document for this question")
        mime = item.answer.file_type or ""
        return item.answer.file_path, documents.download_name(item.answer.file_name or "document", mime), mime

    found = db.read(read)
    audit.viewed(
        db,
        actor=f"reviewer:{account.id}",
        action="document.view",
        subject_type="invitation",
        subject_id=invitation_id,
        detail={"question": question_id},
    )
    return found

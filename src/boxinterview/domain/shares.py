"""Share links: a read-only, expiring, revocable view of chosen candidates' answers to chosen questions, for a
hiring manager without an account. Every opening is written to the audit log."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import plaintext, reviews, viewing
from boxinterview.domain.models import (
    Account,
    Interview,
    InvitationStatus,
    Question,
    Recording,
    Role,
    candidate_label,
    stored_id,
)
from boxinterview.errors import Forbidden, Gone, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import shares as sql

MAX_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create(
    db: Database,
    account: Account,
    invitation_ids: list[int],
    question_ids: list[int],
    days: int,
    label: str = "",
    now: datetime | None = None,
) -> tuple[int, str]:
    """Returns (share id, token); the token is shown once."""
    now = now or clock.now()
    if not invitation_ids or not question_ids:
        raise Invalid("choose at least one candidate and one question to share")
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(f"a share link lasts from 1 to {MAX_DAYS} days")
    token = secrets.token_urlsafe(32)

    def tx(con: apsw.Connection) -> int:
        interview_ids = set()
        for invitation_id in invitation_ids:
            invitation = candidates_sql.get_invitation(con, invitation_id)
            if invitation is None or not reviews.may_review(con, account, invitation.interview_id):
                raise NotFound(f"no candidate {invitation_id} for you to share")
            if invitation.status is not InvitationStatus.COMPLETED:
                raise Invalid("only candidates who completed the interview can be shared")
            interview_ids.add(invitation.interview_id)
        if len(interview_ids) != 1:
            raise Invalid("a share link covers candidates of one interview")
        interview = interviews_sql.get(con, interview_ids.pop())
        assert interview is not None
        known = {q.id for q in interview.questions}
        if not set(question_ids) <= known:
            raise Invalid("share only questions of this interview")
        share_id = sql.insert(
            con,
            token_hash=_hash(token),
            interview_id=stored_id(interview),
            created_by=account.id,
            label=plaintext.one_line(label)[:200],
            invitation_ids=sorted(set(invitation_ids)),
            question_ids=sorted(set(question_ids)),
            expires_at=now + timedelta(days=days),
            now=now,
        )
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="share.create",
            subject_type="share",
            subject_id=share_id,
            detail={"candidates": invitation_ids, "questions": question_ids, "days": days},
            now=now,
        )
        return share_id

    return db.write(tx), token


@dataclass(frozen=True)
class SharedAnswer:
    question: Question
    recording: Recording | None
    text: str | None
    choice: str | None


@dataclass(frozen=True)
class SharedCandidate:
    label: str
    answers: tuple[SharedAnswer, ...]


@dataclass(frozen=True)
class SharedView:
    interview: Interview
    label: str
    expires_at: datetime
    candidates: tuple[SharedCandidate, ...]


def _live(con: apsw.Connection, token: str, now: datetime) -> dict[str, Any]:
    share = sql.by_token_hash(con, _hash(token)) if token and len(token) < 100 else None
    if share is None:
        raise NotFound("this share link is not valid")
    if share["revoked_at"] is not None:
        raise Gone("this share link has been withdrawn by the hiring team")
    if share["expires_at"] <= now:
        raise Gone("this share link has expired; ask the hiring team for a new one")
    return share


def open_view(db: Database, token: str, address: str, now: datetime | None = None) -> SharedView:
    now = now or clock.now()

    def read(con: apsw.Connection) -> tuple[SharedView, int]:
        share = _live(con, token, now)
        interview = interviews_sql.get(con, share["interview_id"])
        assert interview is not None
        questions = [q for q in interview.questions if q.id in share["question_ids"]]
        people = []
        for invitation_id in share["invitation_ids"]:
            invitation = candidates_sql.get_invitation(con, invitation_id)
            assert invitation is not None
            candidate = candidates_sql.get_candidate(con, invitation.candidate_id)
            assert candidate is not None
            label = candidate_label(candidate.name, invitation.number, interview.blind_review)
            by_question = {a.question_id: a for a in answers_sql.answers_of(con, invitation_id)}
            recordings = answers_sql.submitted_recordings(con, invitation_id)
            items = []
            for q in questions:
                a = by_question.get(stored_id(q))
                rec = recordings.get(stored_id(q)) if a and q.kind.is_recorded else None
                choice = q.choices[a.choice_position - 1].label if a and a.choice_position else None
                items.append(SharedAnswer(q, rec, a.text_value if a else None, choice))
            people.append(SharedCandidate(label, tuple(items)))
        return SharedView(interview, share["label"], share["expires_at"], tuple(people)), share["id"]

    view, share_id = db.read(read)
    db.write(
        audit_sql.record,
        actor=f"share:{share_id}",
        action="share.open",
        subject_type="share",
        subject_id=share_id,
        detail={"address": address},
        now=now,
    )
    return view


def media_path(db: Database, token: str, recording_id: int, kind: str, now: datetime | None = None) -> str:
    """A recording's playback file (or its preview while that is made) or poster, if it may be seen at all
    (`viewing.visible`) and is one of the link's candidates' answers to one of its questions."""
    now = now or clock.now()

    def read(con: apsw.Connection) -> str:
        share = _live(con, token, now)
        return viewing.visible(
            con,
            recording_id,
            kind,
            lambda owner: (
                owner["invitation_id"] in share["invitation_ids"]
                and owner["question_id"] in share["question_ids"]
            ),
            preview=True,
        )

    return db.read(read)


def mine(db: Database, account: Account) -> list[dict[str, Any]]:
    return db.read(sql.created_by, account.id)


def revoke(db: Database, account: Account, share_id: int, now: datetime | None = None) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        share = sql.get(con, share_id)
        if share is None:
            raise NotFound("no such share link")
        if share["created_by"] != account.id and account.role is not Role.ADMIN:
            raise Forbidden("only the person who made a share link (or an admin) can withdraw it")
        sql.revoke(con, share_id, now)
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="share.revoke",
            subject_type="share",
            subject_id=share_id,
            now=now,
        )

    db.write(tx)

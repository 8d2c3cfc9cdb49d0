"""Read access for integrations (an applicant tracking system, a spreadsheet): API tokens, and the data as plain
dictionaries for JSON. A token reads every interview; a reviewer's session reads the interviews they review."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import reviews
from boxinterview.domain.models import Account
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import accounts as accounts_sql
from boxinterview.store import answers as answers_sql
from boxinterview.store import api_tokens as sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import reviews as reviews_sql


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


SCOPES = {
    "read": "read interviews, invitations, answers (with links to their recordings), reviews and decisions",
    "invite": "invite candidates, send an invitation again, extend a deadline, withdraw an invitation",
    "decide": "record a decision on a candidate (the candidate is told, with the feedback given)",
}


@dataclass(frozen=True)
class Caller:
    """The integration behind a request: its token's id and name, and what the token may do."""

    token_id: int
    name: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


def parse_scopes(text: str) -> tuple[str, ...]:
    """ "read,invite" (or space-separated) as scopes, in their usual order; unknown ones refused, naming them."""
    given = {s for s in text.replace(",", " ").split() if s}
    unknown = sorted(given - set(SCOPES))
    if unknown or not given:
        problem = (
            f"unknown scope(s) {', '.join(map(repr, unknown))}" if unknown else "give at least one scope"
        )
        raise Invalid(f"{problem}; the scopes are {', '.join(SCOPES)}")
    return tuple(s for s in SCOPES if s in given)


def create_token(
    db: Database, name: str, actor: str, scopes: tuple[str, ...] = ("read",), now: datetime | None = None
) -> str:
    """A new token for an integration, allowed `scopes`; shown once."""
    now = now or clock.now()
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("give the token a name of 1 to 100 characters, e.g. the system that will use it")
    scopes = parse_scopes(" ".join(scopes))
    token = "bxi_" + secrets.token_urlsafe(32)

    def tx(con: apsw.Connection) -> None:
        if any(t["name"] == name and t["revoked_at"] is None for t in sql.listing(con)):
            raise Conflict(f"a token named {name!r} already exists; revoke it first or choose another name")
        token_id = sql.insert(con, _hash(token), name, " ".join(scopes), now)
        audit_sql.record(
            con,
            actor=actor,
            action="api_token.create",
            subject_type="api_token",
            subject_id=token_id,
            detail={"name": name, "scopes": list(scopes)},
            now=now,
        )

    db.write(tx)
    return token


def revoke_token(db: Database, name: str, actor: str, now: datetime | None = None) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        if not sql.revoke(con, name, now):
            raise NotFound(f"no active token named {name!r}")
        audit_sql.record(con, actor=actor, action="api_token.revoke", detail={"name": name}, now=now)

    db.write(tx)


def check_token(db: Database, token: str) -> Caller | None:
    """The integration a token belongs to, or None."""
    if not token.startswith("bxi_") or len(token) > 100:
        return None
    found = db.read(sql.live, _hash(token))
    if found is None:
        return None
    db.write(sql.used, found["id"], clock.now())
    return Caller(found["id"], found["name"], frozenset(found["scopes"].split()))


def tokens(db: Database) -> list[dict[str, Any]]:
    """Every token ever made (never the token itself): name, scopes, when made, last used, revoked."""
    return db.read(sql.listing)


def _allowed(con: apsw.Connection, account: Account | None, interview_id: int) -> bool:
    return account is None or reviews.may_review(con, account, interview_id)


def _iso(value: Any) -> Any:
    return clock.to_db(value) if isinstance(value, datetime) else value


def interviews(db: Database, account: Account | None) -> list[dict[str, Any]]:
    def read(con: apsw.Connection) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "title": s.title,
                "role": s.role,
                "status": s.status.value,
                "version": s.version,
                "questions": s.questions,
                "invited": s.invited,
                "started": s.started,
                "completed": s.completed,
                "deadline": _iso(s.deadline),
            }
            for s in interviews_sql.summaries(con)
            if _allowed(con, account, s.id)
        ]

    return db.read(read)


def interview(db: Database, account: Account | None, interview_id: int) -> dict[str, Any]:
    def read(con: apsw.Connection) -> dict[str, Any]:
        iv = interviews_sql.get(con, interview_id)
        if iv is None or not _allowed(con, account, interview_id):
            raise NotFound(f"no interview {interview_id}")
        return {
            "id": iv.id,
            "title": iv.title,
            "role": iv.role,
            "status": iv.status.value,
            "version": iv.version,
            "objectives": iv.objectives,
            "deadline": _iso(iv.deadline),
            "blind_review": iv.blind_review,
            "competencies": [
                {"id": c.id, "name": c.name, "anchors": {str(k): v for k, v in c.anchors.items()}}
                for c in iv.competencies
            ],
            "questions": [
                {
                    "id": q.id,
                    "position": q.position,
                    "kind": q.kind.value,
                    "category": q.category.value,
                    "prompt": q.prompt,
                    "answer_seconds": q.answer_seconds,
                    "takes": q.takes,
                    "competencies": list(q.competencies),
                }
                for q in iv.questions
            ],
        }

    return db.read(read)


def invitations(db: Database, account: Account | None, interview_id: int) -> list[dict[str, Any]]:
    def read(con: apsw.Connection) -> list[dict[str, Any]]:
        iv = interviews_sql.get(con, interview_id)
        if iv is None or not _allowed(con, account, interview_id):
            raise NotFound(f"no interview {interview_id}")
        out = []
        for p in reviews_sql.pipeline(con, interview_id):
            blind = iv.blind_review and account is not None
            out.append(
                {
                    "id": p["invitation_id"],
                    "number": p["number"],
                    "status": p["status"],
                    "candidate": None if blind else {"name": p["name"], "email": p["email"]},
                    "invited_at": p["created_at"],
                    "completed_at": p["completed_at"],
                    "deadline": p["deadline"],
                    "reviewers": p["reviewers"],
                    "decision": p["outcome"],
                }
            )
        return out

    return db.read(read)


def invitation(db: Database, account: Account | None, invitation_id: int) -> dict[str, Any]:
    def read(con: apsw.Connection) -> dict[str, Any]:
        inv = candidates_sql.get_invitation(con, invitation_id)
        if inv is None or not _allowed(con, account, inv.interview_id):
            raise NotFound(f"no invitation {invitation_id}")
        iv = interviews_sql.get(con, inv.interview_id)
        assert iv is not None
        candidate = candidates_sql.get_candidate(con, inv.candidate_id)
        blind = iv.blind_review and account is not None
        answers = []
        recordings = answers_sql.submitted_recordings(con, invitation_id)
        for a in answers_sql.answers_of(con, invitation_id):
            rec = recordings.get(a.question_id)
            answers.append(
                {
                    "question_id": a.question_id,
                    "submitted_at": _iso(a.submitted_at),
                    "text": a.text_value,
                    "choice": a.choice_position,
                    "file_name": None if blind else a.file_name,
                    "recording": None
                    if rec is None
                    else {
                        "id": rec.id,
                        "state": rec.state.value,
                        "duration_ms": rec.duration_ms,
                        "reason": rec.reason,
                    },
                }
            )
        visible_reviews = [
            r
            for r in reviews_sql.reviews_of(con, invitation_id)
            if r.submitted_at and (account is None or _own_done(con, account, invitation_id, r.question_id))
        ]
        names = {a.id: a.email for a in accounts_sql.all_accounts(con)}
        decision = reviews_sql.latest_decision(con, invitation_id)
        return {
            "id": inv.id,
            "interview_id": inv.interview_id,
            "number": inv.number,
            "external_id": candidates_sql.external_id(con, invitation_id),
            "status": inv.status.value,
            "candidate": None
            if blind or candidate is None
            else {"name": candidate.name, "email": candidate.email},
            "deadline": _iso(inv.deadline),
            "completed_at": _iso(inv.completed_at),
            "accommodation": {
                "time_multiplier": inv.time_multiplier,
                "note": inv.accommodation_note,
                # the candidate's own words may say why (a health matter): not for blind reviewers
                "request": None if blind else inv.accommodation_request or None,
                "requested_at": _iso(inv.accommodation_requested_at),
                "answered_at": _iso(inv.accommodation_answered_at),
                "waiting": inv.accommodation_waiting,
            },
            "answers": answers,
            "reviews": [
                {
                    "question_id": r.question_id,
                    "reviewer": names.get(r.reviewer_id),
                    "notes": r.notes,
                    "scores": {str(k): v for k, v in r.scores.items()},
                    "submitted_at": _iso(r.submitted_at),
                }
                for r in visible_reviews
            ],
            "decision": None
            if decision is None
            else {
                "outcome": decision.outcome.value,
                "feedback": decision.feedback,
                "decided_at": _iso(decision.decided_at),
            },
        }

    return db.read(read)


def _own_done(con: apsw.Connection, account: Account, invitation_id: int, question_id: int) -> bool:
    mine = reviews_sql.review_for(con, invitation_id, question_id, account.id)
    return mine is not None and mine.submitted_at is not None

"""Interviews: the rules for a well-formed interview, and the services that create, change and copy them.

Fairness rule: every candidate of an interview gets the same questions against the same rubric. Once any
candidate has started, the questions and competencies are fixed; a change needs a new version (`duplicate`).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import apsw

from boxinterview import clock, i18n
from boxinterview.domain import lifecycle
from boxinterview.domain.models import (
    SCORE_RANGE,
    SCORES,
    Interview,
    InterviewStatus,
    InterviewSummary,
    QuestionKind,
)
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.mail.compose import check_own_wording
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import interviews as sql

MAX_TAKES = 10
MAX_THINK_SECONDS = 600
MAX_ANSWER_SECONDS = {"video": 600, "audio": 600, "text": 3600, "choice": 600, "file": 3600}
MAX_TEXT_CHARS = 20000
DEFAULT_TEXT_CHARS = 2000
# "the interview takes about 20 minutes", "20 minutes in all": a length written into an interview's own text, which
# candidates would read beside the estimate the pages and the invitation give them.
_STATED_LENGTH = re.compile(
    r"\b(?:takes?|lasts?)\s+(?:about\s+|around\s+|roughly\s+|up\s+to\s+|under\s+)?(\d+)\s*min(?:ute)?s?\b"
    r"|\b(\d+)\s*min(?:ute)?s?\s+(?:in\s+all|in\s+total|altogether)\b",
    re.IGNORECASE,
)

Problem = tuple[str, str]  # (field path such as "questions[1].takes", what is wrong)


def validate(iv: Interview) -> list[Problem]:
    """Every rule a saved interview must meet. Paths use 0-based indexes in the order given."""
    problems: list[Problem] = []

    def need_text(path: str, text: str, limit: int) -> None:
        if not text.strip():
            problems.append((path, "must not be empty"))
        elif len(text) > limit:
            problems.append((path, f"must be at most {limit} characters (it has {len(text)})"))

    need_text("title", iv.title, 200)
    need_text("role", iv.role, 200)
    if not 1 <= iv.review_target_days <= 60:
        problems.append(("review_target_days", "must be a whole number of days from 1 to 60"))
    if (why := i18n.problem(iv.language)) is not None:
        problems.append(("language", why))
    if (why := i18n.time_zone_problem(iv.time_zone)) is not None:
        problems.append(("time_zone", why))
    if not 1 <= iv.retention_days <= 3650:
        problems.append(("retention_days", "must be a whole number of days from 1 to 3650"))
    if iv.deadline is not None and iv.deadline.tzinfo is None:
        problems.append(("deadline", "needs a time zone, e.g. 2026-12-31T17:00:00+01:00"))

    names: set[str] = set()
    for i, comp in enumerate(iv.competencies):
        path = f"competencies[{i}]"
        need_text(f"{path}.name", comp.name, 100)
        if comp.name in names:
            problems.append(
                (f"{path}.name", f"competency {comp.name!r} is listed twice; names must be unique")
            )
        names.add(comp.name)
        for score, text in comp.anchors.items():
            if score not in SCORES:
                problems.append(
                    (f"{path}.anchors.{score}", f"score {score} is not on the {SCORE_RANGE} scale")
                )
            elif not str(text).strip():
                problems.append((f"{path}.anchors.{score}", "an anchor needs a description of that score"))

    if not iv.questions:
        problems.append(("questions", "an interview needs at least one question"))
    for i, q in enumerate(iv.questions):
        path = f"questions[{i}]"
        need_text(f"{path}.prompt", q.prompt, 2000)
        limit = MAX_ANSWER_SECONDS[q.kind.value]
        if not 1 <= q.answer_seconds <= limit:
            problems.append(
                (f"{path}.answer_seconds", f"must be from 1 to {limit} seconds for a {q.kind} question")
            )
        if not 0 <= q.think_seconds <= MAX_THINK_SECONDS:
            problems.append((f"{path}.think_seconds", f"must be from 0 to {MAX_THINK_SECONDS} seconds"))
        if not 1 <= q.takes <= MAX_TAKES:
            problems.append((f"{path}.takes", f"must be from 1 to {MAX_TAKES}"))
        if not q.kind.is_recorded and q.takes != 1:
            problems.append((f"{path}.takes", f"only video and audio questions have takes; a {q.kind} has 1"))
        if q.kind is QuestionKind.CHOICE:
            labels = [c.label for c in q.choices]
            if len(labels) < 2:
                problems.append((f"{path}.choices", "a choice question needs at least two choices"))
            if len(set(labels)) != len(labels):
                problems.append((f"{path}.choices", "two choices have the same label"))
            for j, c in enumerate(q.choices):
                if not c.label.strip():
                    problems.append((f"{path}.choices[{j}].label", "must not be empty"))
            if q.choices and all(c.knockout for c in q.choices):
                problems.append(
                    (f"{path}.choices", "every choice is a knockout; leave at least one that passes")
                )
        elif q.choices:
            problems.append(
                (f"{path}.choices", f"only choice questions have choices, not a {q.kind} question")
            )
        if q.kind is QuestionKind.TEXT:
            if q.max_chars is not None and not 1 <= q.max_chars <= MAX_TEXT_CHARS:
                problems.append((f"{path}.max_chars", f"must be from 1 to {MAX_TEXT_CHARS}"))
        elif q.max_chars is not None:
            problems.append((f"{path}.max_chars", "only text questions have a character limit"))
        seen: set[str] = set()
        for j, name in enumerate(q.competencies):
            if name not in names:
                known = ", ".join(sorted(names)) or "none are defined"
                problems.append(
                    (
                        f"{path}.competencies[{j}]",
                        f"no competency named {name!r} in this interview (known: {known})",
                    )
                )
            if name in seen:
                problems.append((f"{path}.competencies[{j}]", f"{name!r} is listed twice"))
            seen.add(name)
    for w in iv.messages:
        for field, message in check_own_wording(w.kind, w.subject, w.text):
            problems.append((f"messages.{w.kind}.{field}".rstrip("."), message))
    return problems


def advice(iv: Interview) -> list[str]:
    """Good-practice warnings: the interview is valid, but candidates or reviewers would be better served."""
    out = []
    if not iv.questions:
        out.append(
            "no questions yet: add the questions every candidate will answer (3 to 8 suit a pre-screen)"
        )
    if not iv.competencies:
        out.append(
            "no competencies yet: add what reviewers score answers against, each with its rubric anchors"
        )
    if len(iv.questions) > 8:
        out.append(f"{len(iv.questions)} questions: keep a pre-screen to 8 or fewer")
    minutes = iv.total_answer_seconds / 60
    if minutes > 20:
        out.append(f"about {minutes:.0f} minutes of thinking and answering: keep a pre-screen under 20")
    stated = [int(a or b) for a, b in _STATED_LENGTH.findall(f"{iv.intro}\n{iv.instructions}")]
    if any(n != iv.estimated_minutes() for n in stated):
        out.append(
            f"the intro or instructions say the interview takes {stated[0]} minutes, but candidates are told about "
            f"{iv.estimated_minutes()} minutes in all (worked out from the questions' times, and longer with extra "
            "time): leave the figure out of the text"
        )
    for i, q in enumerate(iv.questions, start=1):
        if not q.competencies and q.kind is not QuestionKind.FILE:
            out.append(
                f"question {i} assesses no competency: reviewers will have nothing to score it against"
            )
        if q.kind.is_recorded and q.think_seconds == 0:
            out.append(f"question {i} gives no think time before recording")
    for comp in iv.competencies:
        missing = [s for s in SCORES if s not in comp.anchors]
        if missing:
            out.append(
                f"competency {comp.name!r} has no anchor for score {', '.join(map(str, missing))}: "
                "anchored scores keep reviewers consistent"
            )
    return out


def normalised(iv: Interview) -> Interview:
    """Fill defaults that depend on the kind of question (a text question's character limit)."""
    questions = tuple(
        dataclasses.replace(q, max_chars=DEFAULT_TEXT_CHARS)
        if q.kind is QuestionKind.TEXT and q.max_chars is None
        else q
        for q in iv.questions
    )
    return dataclasses.replace(iv, questions=questions)


def _check(iv: Interview) -> Interview:
    problems = validate(iv)
    if problems:
        raise Invalid(
            "the interview is not valid: " + "; ".join(f"{p}: {m}" for p, m in problems), problems=problems
        )
    return normalised(iv)


def _content(iv: Interview) -> tuple[object, ...]:
    """What candidates are asked and how they are scored: the part that is fixed once someone starts."""
    comps = tuple((c.name, c.description, tuple(sorted(c.anchors.items()))) for c in iv.competencies)
    qs = tuple(dataclasses.replace(q, id=None, position=0) for q in iv.questions)
    return (iv.role, comps, qs)


def create(db: Database, iv: Interview, actor: str, now: datetime | None = None) -> int:
    iv = _check(iv)
    now = now or clock.now()

    def tx(con: apsw.Connection) -> int:
        interview_id = sql.insert(con, dataclasses.replace(iv, status=InterviewStatus.DRAFT), now)
        audit_sql.record(
            con,
            actor=actor,
            action="interview.create",
            subject_type="interview",
            subject_id=interview_id,
            detail={"title": iv.title},
            now=now,
        )
        return interview_id

    return db.write(tx)


def get(db: Database, interview_id: int) -> Interview:
    found = db.read(sql.get, interview_id)
    if found is None:
        raise NotFound(f"no interview with id {interview_id}; `boxinterview interview list` shows them")
    return found


def summaries(db: Database) -> list[InterviewSummary]:
    return db.read(sql.summaries)


# The settings an update says it changed, in words an operator checks: what candidates read and when.
_SAID = {
    "title": "title",
    "language": "language",
    "time_zone": "time zone",
    "deadline": "default deadline",
    "support_contact": "support contact",
    "retention_days": "retention days",
    "blind_review": "blind review",
    "allow_audio_only": "sound-only answers",
    "allow_accommodations": "accommodations",
    "review_target_days": "review target days",
}


def update(
    db: Database, interview_id: int, iv: Interview, actor: str, now: datetime | None = None
) -> list[str]:
    """Replace an interview's content. Once a candidate has started, only settings that do not change what
    candidates are asked may change; anything else is refused with the way forward. Returns the settings that
    changed, each as "language: en → de", for the operator to check."""
    iv = _check(iv)
    now = now or clock.now()
    changed: list[str] = []

    def tx(con: apsw.Connection) -> None:
        changed.clear()
        current = sql.get(con, interview_id)
        if current is None:
            raise NotFound(f"no interview with id {interview_id}")
        for name, said in _SAID.items():
            before, after = getattr(current, name), getattr(iv, name)
            if before != after:
                changed.append(f"{said}: {_setting(before)} → {_setting(after)}")
        if sql.is_locked(con, interview_id):
            if _content(normalised(current)) != _content(iv):
                raise Conflict(
                    f"interview {interview_id} has candidates who started it, so its role, questions and rubric "
                    f"cannot change (every candidate must get the same ones); make a new version with "
                    f"`boxinterview interview duplicate {interview_id}` and change that"
                )
            sql.update_settings(con, interview_id, iv, now)
        else:
            sql.replace(con, interview_id, iv, now)
        audit_sql.record(
            con,
            actor=actor,
            action="interview.update",
            subject_type="interview",
            subject_id=interview_id,
            detail={"title": iv.title, "changed": changed},
            now=now,
        )

    db.write(tx)
    return changed


def _setting(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def duplicate(db: Database, interview_id: int, actor: str, now: datetime | None = None) -> int:
    """A new draft version of an interview, with the same content, for changes after candidates started."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> int:
        current = sql.get(con, interview_id)
        if current is None:
            raise NotFound(f"no interview with id {interview_id}")
        copy = dataclasses.replace(
            current,
            status=InterviewStatus.DRAFT,
            version=sql.next_version(con, interview_id),
            previous_id=interview_id,
        )
        new_id = sql.insert(con, copy, now)
        audit_sql.record(
            con,
            actor=actor,
            action="interview.duplicate",
            subject_type="interview",
            subject_id=new_id,
            detail={"from": interview_id, "version": copy.version},
            now=now,
        )
        return new_id

    return db.write(tx)


def set_status(
    db: Database, interview_id: int, status: InterviewStatus, actor: str, now: datetime | None = None
) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        current = sql.status(con, interview_id)
        if current is None:
            raise NotFound(f"no interview with id {interview_id}")
        lifecycle.advance("interview", current, status)
        sql.set_status(con, interview_id, status, now)
        audit_sql.record(
            con,
            actor=actor,
            action=f"interview.{status.value}",
            subject_type="interview",
            subject_id=interview_id,
            detail={"from": current.value},
            now=now,
        )

    db.write(tx)

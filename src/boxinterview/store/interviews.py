"""SQL for interviews, their competencies (with rubric anchors) and questions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import (
    Choice,
    Competency,
    Interview,
    InterviewStatus,
    InterviewSummary,
    Question,
    QuestionCategory,
    QuestionKind,
    Wording,
)
from boxinterview.store._sql import row, rows, value

_FIELDS = (
    "title, role, objectives, instructions, intro, deadline, support_contact, retention_days, "
    "blind_review, allow_accommodations, allow_audio_only, review_target_days, language, time_zone"
)


def _field_values(iv: Interview) -> tuple[Any, ...]:
    return (
        iv.title,
        iv.role,
        iv.objectives,
        iv.instructions,
        iv.intro,
        to_db(iv.deadline),
        iv.support_contact,
        iv.retention_days,
        int(iv.blind_review),
        int(iv.allow_accommodations),
        int(iv.allow_audio_only),
        iv.review_target_days,
        iv.language,
        iv.time_zone,
    )


def insert(con: apsw.Connection, iv: Interview, now: datetime) -> int:
    con.execute(
        f"INSERT INTO interviews ({_FIELDS}, status, version, previous_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_field_values(iv), iv.status.value, iv.version, iv.previous_id, to_db(now), to_db(now)),
    )
    interview_id = con.last_insert_rowid()
    _insert_content(con, interview_id, iv)
    _replace_wordings(con, interview_id, iv)
    return interview_id


def replace(con: apsw.Connection, interview_id: int, iv: Interview, now: datetime) -> None:
    """Overwrite an interview's settings, competencies and questions (only while nobody has started it)."""
    con.execute(
        "UPDATE interviews SET title = ?, role = ?, objectives = ?, instructions = ?, intro = ?, deadline = ?, "
        "support_contact = ?, retention_days = ?, blind_review = ?, allow_accommodations = ?, allow_audio_only = ?, "
        "review_target_days = ?, language = ?, time_zone = ?, updated_at = ? WHERE id = ?",
        (*_field_values(iv), to_db(now), interview_id),
    )
    _replace_wordings(con, interview_id, iv)
    con.execute("DELETE FROM questions WHERE interview_id = ?", (interview_id,))
    con.execute("DELETE FROM competencies WHERE interview_id = ?", (interview_id,))
    _insert_content(con, interview_id, iv)


def update_settings(con: apsw.Connection, interview_id: int, iv: Interview, now: datetime) -> None:
    """Settings that may change at any time (they do not change what candidates are asked)."""
    con.execute(
        "UPDATE interviews SET title = ?, objectives = ?, instructions = ?, intro = ?, deadline = ?, "
        "support_contact = ?, retention_days = ?, blind_review = ?, allow_accommodations = ?, allow_audio_only = ?, "
        "review_target_days = ?, language = ?, time_zone = ?, updated_at = ? WHERE id = ?",
        (
            iv.title,
            iv.objectives,
            iv.instructions,
            iv.intro,
            to_db(iv.deadline),
            iv.support_contact,
            iv.retention_days,
            int(iv.blind_review),
            int(iv.allow_accommodations),
            int(iv.allow_audio_only),
            iv.review_target_days,
            iv.language,
            iv.time_zone,
            to_db(now),
            interview_id,
        ),
    )
    _replace_wordings(con, interview_id, iv)


def _replace_wordings(con: apsw.Connection, interview_id: int, iv: Interview) -> None:
    con.execute("DELETE FROM message_wordings WHERE interview_id = ?", (interview_id,))
    con.executemany(
        "INSERT INTO message_wordings (interview_id, kind, subject, body) VALUES (?, ?, ?, ?)",
        [(interview_id, w.kind, w.subject, w.text) for w in iv.messages],
    )


def _insert_content(con: apsw.Connection, interview_id: int, iv: Interview) -> None:
    competency_ids: dict[str, int] = {}
    for position, comp in enumerate(iv.competencies, start=1):
        con.execute(
            "INSERT INTO competencies (interview_id, position, name, description) VALUES (?, ?, ?, ?)",
            (interview_id, position, comp.name, comp.description),
        )
        competency_ids[comp.name] = con.last_insert_rowid()
        con.executemany(
            "INSERT INTO rubric_anchors (competency_id, score, descriptor) VALUES (?, ?, ?)",
            [(competency_ids[comp.name], score, text) for score, text in sorted(comp.anchors.items())],
        )
    for position, q in enumerate(iv.questions, start=1):
        con.execute(
            "INSERT INTO questions (interview_id, position, prompt, kind, category, think_seconds, "
            "answer_seconds, takes, max_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                interview_id,
                position,
                q.prompt,
                q.kind.value,
                q.category.value,
                q.think_seconds,
                q.answer_seconds,
                q.takes,
                q.max_chars,
            ),
        )
        question_id = con.last_insert_rowid()
        con.executemany(
            "INSERT INTO question_choices (question_id, position, label, knockout) VALUES (?, ?, ?, ?)",
            [(question_id, i, c.label, int(c.knockout)) for i, c in enumerate(q.choices, start=1)],
        )
        con.executemany(
            "INSERT INTO question_competencies (question_id, competency_id) VALUES (?, ?)",
            [(question_id, competency_ids[name]) for name in q.competencies],
        )


def get(con: apsw.Connection, interview_id: int) -> Interview | None:
    """The interview with its competencies, anchors, questions, choices and wordings: one query for each kind of
    row, however many questions and competencies it has."""
    r = row(con, "SELECT * FROM interviews WHERE id = ?", (interview_id,))
    if r is None:
        return None
    anchors: dict[int, dict[int, str]] = {}
    for cid, score, descriptor in con.execute(
        "SELECT a.competency_id, a.score, a.descriptor FROM rubric_anchors a "
        "JOIN competencies c ON c.id = a.competency_id WHERE c.interview_id = ? ORDER BY a.competency_id, a.score",
        (interview_id,),
    ):
        anchors.setdefault(cid, {})[score] = descriptor
    competencies = []
    names: dict[int, str] = {}
    for c in rows(
        con, "SELECT * FROM competencies WHERE interview_id = ? ORDER BY position", (interview_id,)
    ):
        names[c["id"]] = c["name"]
        competencies.append(
            Competency(
                name=c["name"], description=c["description"], anchors=anchors.get(c["id"], {}), id=c["id"]
            )
        )
    choices: dict[int, list[Choice]] = {}
    for qid, label, knockout in con.execute(
        "SELECT qc.question_id, qc.label, qc.knockout FROM question_choices qc "
        "JOIN questions q ON q.id = qc.question_id WHERE q.interview_id = ? ORDER BY qc.question_id, qc.position",
        (interview_id,),
    ):
        choices.setdefault(qid, []).append(Choice(label=label, knockout=bool(knockout)))
    assessed: dict[int, list[str]] = {}
    for qid, cid in con.execute(
        "SELECT qc.question_id, qc.competency_id FROM question_competencies qc "
        "JOIN competencies c ON c.id = qc.competency_id WHERE c.interview_id = ? ORDER BY qc.question_id, c.position",
        (interview_id,),
    ):
        assessed.setdefault(qid, []).append(names[cid])
    questions = []
    for q in rows(con, "SELECT * FROM questions WHERE interview_id = ? ORDER BY position", (interview_id,)):
        questions.append(
            Question(
                prompt=q["prompt"],
                kind=QuestionKind(q["kind"]),
                category=QuestionCategory(q["category"]),
                answer_seconds=q["answer_seconds"],
                think_seconds=q["think_seconds"],
                takes=q["takes"],
                max_chars=q["max_chars"],
                choices=tuple(choices.get(q["id"], ())),
                competencies=tuple(assessed.get(q["id"], ())),
                position=q["position"],
                id=q["id"],
            )
        )
    return Interview(
        title=r["title"],
        role=r["role"],
        objectives=r["objectives"],
        instructions=r["instructions"],
        intro=r["intro"],
        deadline=from_db(r["deadline"]),
        support_contact=r["support_contact"],
        retention_days=r["retention_days"],
        blind_review=bool(r["blind_review"]),
        allow_accommodations=bool(r["allow_accommodations"]),
        allow_audio_only=bool(r["allow_audio_only"]),
        review_target_days=r["review_target_days"],
        language=r["language"],
        time_zone=r["time_zone"],
        status=InterviewStatus(r["status"]),
        competencies=tuple(competencies),
        questions=tuple(questions),
        messages=tuple(
            Wording(w["kind"], w["subject"], w["body"])
            for w in rows(
                con, "SELECT * FROM message_wordings WHERE interview_id = ? ORDER BY kind", (interview_id,)
            )
        ),
        version=r["version"],
        previous_id=r["previous_id"],
        id=r["id"],
        created_at=from_db(r["created_at"]),
        updated_at=from_db(r["updated_at"]),
    )


def competency_names(con: apsw.Connection, interview_id: int) -> list[tuple[int, str]]:
    """(id, name) of the interview's competencies, in the rubric's order."""
    return [
        (cid, name)
        for cid, name in con.execute(
            "SELECT id, name FROM competencies WHERE interview_id = ? ORDER BY position", (interview_id,)
        )
    ]


def letter_parts(con: apsw.Connection, interview_id: int, kind: str) -> dict[str, Any] | None:
    """What a message of `kind` to one of the interview's candidates needs: the role, whether review is blind,
    the language and time zone, and the interview's own subject and body for that kind (None for the standard
    wording)."""
    return row(
        con,
        "SELECT i.role, i.blind_review, i.language, i.time_zone, w.subject, w.body FROM interviews i "
        "LEFT JOIN message_wordings w ON w.interview_id = i.id AND w.kind = ? WHERE i.id = ?",
        (kind, interview_id),
    )


def summaries(con: apsw.Connection) -> list[InterviewSummary]:
    out = []
    for r in rows(
        con,
        """
        SELECT i.id, i.title, i.role, i.status, i.version, i.deadline,
               (SELECT count(*) FROM questions q WHERE q.interview_id = i.id) AS questions,
               count(v.id) AS invited,
               count(v.started_at) AS started,
               count(v.completed_at) AS completed
        FROM interviews i LEFT JOIN invitations v ON v.interview_id = i.id
        GROUP BY i.id ORDER BY i.id
        """,
    ):
        out.append(
            InterviewSummary(
                id=r["id"],
                title=r["title"],
                role=r["role"],
                status=InterviewStatus(r["status"]),
                version=r["version"],
                questions=r["questions"],
                invited=r["invited"],
                started=r["started"],
                completed=r["completed"],
                deadline=from_db(r["deadline"]),
                locked=r["started"] > 0,
            )
        )
    return out


def status(con: apsw.Connection, interview_id: int) -> InterviewStatus | None:
    found = value(con, "SELECT status FROM interviews WHERE id = ?", (interview_id,))
    return InterviewStatus(found) if found else None


def set_status(con: apsw.Connection, interview_id: int, new: InterviewStatus, now: datetime) -> None:
    con.execute(
        "UPDATE interviews SET status = ?, updated_at = ? WHERE id = ?", (new.value, to_db(now), interview_id)
    )


def is_locked(con: apsw.Connection, interview_id: int) -> bool:
    """True once any candidate has started the interview: its questions and rubric are then fixed."""
    return bool(
        value(
            con,
            "SELECT EXISTS (SELECT 1 FROM invitations WHERE interview_id = ? AND started_at IS NOT NULL)",
            (interview_id,),
        )
    )


def next_version(con: apsw.Connection, interview_id: int) -> int:
    """The version number a copy of this interview gets: one above the highest in its family."""
    return (
        value(
            con,
            """
            WITH RECURSIVE family(id) AS (
                SELECT ? UNION SELECT i.id FROM interviews i JOIN family f ON i.previous_id = f.id
            )
            SELECT max(version) FROM interviews WHERE id IN family
            """,
            (interview_id,),
        )
        or 0
    ) + 1

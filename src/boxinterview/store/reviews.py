"""SQL for reviews (scores per competency, notes), decisions, the review queue and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import Decision, Outcome, Review
from boxinterview.store._sql import row, rows, value


def queue(con: apsw.Connection, account_id: int, everything: bool) -> list[dict[str, Any]]:
    """Completed interviews this reviewer may review and has not finished reviewing, oldest first."""
    return rows(
        con,
        """
        SELECT v.id AS invitation_id, v.number, v.completed_at, i.id AS interview_id, i.title, i.blind_review,
               c.name AS candidate_name,
               -- only questions that assess a competency are scored (a CV or a yes/no question is not)
               (SELECT count(*) FROM questions q WHERE q.interview_id = i.id
                  AND EXISTS (SELECT 1 FROM question_competencies qc WHERE qc.question_id = q.id)) AS questions,
               (SELECT count(*) FROM reviews r WHERE r.invitation_id = v.id AND r.reviewer_id = ?1
                  AND r.submitted_at IS NOT NULL) AS reviewed
        FROM invitations v
        JOIN interviews i ON i.id = v.interview_id
        JOIN candidates c ON c.id = v.candidate_id
        WHERE v.status = 'completed'
          AND (?2 OR EXISTS (SELECT 1 FROM assignments a WHERE a.account_id = ?1 AND a.interview_id = i.id))
          AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.invitation_id = v.id)
        ORDER BY v.completed_at, v.id
        """,
        (account_id, int(everything)),
    )


def _review(r: dict[str, Any], scores: dict[int, int]) -> Review:
    return Review(
        id=r["id"],
        invitation_id=r["invitation_id"],
        question_id=r["question_id"],
        reviewer_id=r["reviewer_id"],
        notes=r["notes"],
        scores=scores,
        submitted_at=from_db(r["submitted_at"]),
    )


def reviews_of(con: apsw.Connection, invitation_id: int) -> list[Review]:
    """Every review of a candidate with its scores (two queries, however many reviews)."""
    scores: dict[int, dict[int, int]] = {}
    for review_id, competency_id, score in con.execute(
        "SELECT s.review_id, s.competency_id, s.score FROM reviews r JOIN review_scores s ON s.review_id = r.id "
        "WHERE r.invitation_id = ? ORDER BY s.review_id, s.competency_id",
        (invitation_id,),
    ):
        scores.setdefault(review_id, {})[competency_id] = score
    return [
        _review(r, scores.get(r["id"], {}))
        for r in rows(con, "SELECT * FROM reviews WHERE invitation_id = ? ORDER BY id", (invitation_id,))
    ]


def review_for(con: apsw.Connection, invitation_id: int, question_id: int, reviewer_id: int) -> Review | None:
    r = row(
        con,
        "SELECT * FROM reviews WHERE invitation_id = ? AND question_id = ? AND reviewer_id = ?",
        (invitation_id, question_id, reviewer_id),
    )
    if r is None:
        return None
    scores: dict[int, int] = {
        cid: score
        for cid, score in con.execute(
            "SELECT competency_id, score FROM review_scores WHERE review_id = ?", (r["id"],)
        )
    }
    return _review(r, scores)


def review_target(
    con: apsw.Connection, invitation_id: int, reviewer_id: int, everything: bool
) -> dict[str, Any] | None:
    """What a reviewer's write needs to know of a candidate: the interview, the candidate, the invitation's status,
    when it was erased (if it was), and whether this reviewer may review it (assigned to the interview, or
    `everything`)."""
    return row(
        con,
        "SELECT v.interview_id, v.candidate_id, v.status, v.erased_at, (?3 OR EXISTS (SELECT 1 FROM assignments a "
        "WHERE a.account_id = ?2 AND a.interview_id = v.interview_id)) AS allowed FROM invitations v WHERE v.id = ?1",
        (invitation_id, reviewer_id, int(everything)),
    )


def scoring_sheet(
    con: apsw.Connection,
    invitation_id: int,
    interview_id: int,
    reviewer_id: int,
    question_id: int | None = None,
) -> list[dict[str, Any]]:
    """The interview's questions (or the one asked for), in order, each with the competencies it assesses
    (`assessed`, id -> name in the rubric's order) and the state of this reviewer's review of it (`review_id`,
    `submitted_at`, None when there is none)."""
    found = rows(
        con,
        "SELECT q.id AS question_id, q.position, r.id AS review_id, r.submitted_at FROM questions q "
        "LEFT JOIN reviews r ON r.invitation_id = ?1 AND r.question_id = q.id AND r.reviewer_id = ?2 "
        "WHERE q.interview_id = ?3 AND (?4 IS NULL OR q.id = ?4) ORDER BY q.position",
        (invitation_id, reviewer_id, interview_id, question_id),
    )
    assessed: dict[int, dict[int, str]] = {}
    for qid, cid, name in con.execute(
        "SELECT qc.question_id, c.id, c.name FROM question_competencies qc JOIN competencies c "
        "ON c.id = qc.competency_id WHERE c.interview_id = ?1 AND (?2 IS NULL OR qc.question_id = ?2) "
        "ORDER BY c.position",
        (interview_id, question_id),
    ):
        assessed.setdefault(qid, {})[cid] = name
    for r in found:
        r["assessed"] = assessed.get(r["question_id"], {})
    return found


def save_review(
    con: apsw.Connection,
    invitation_id: int,
    question_id: int,
    reviewer_id: int,
    scores: dict[int, int],
    notes: str,
    submit: bool,
    now: datetime,
) -> int:
    [(returned,)] = con.execute(
        "INSERT INTO reviews (invitation_id, question_id, reviewer_id, notes, created_at, updated_at, submitted_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5, CASE WHEN ?6 THEN ?5 END) "
        "ON CONFLICT (invitation_id, question_id, reviewer_id) DO UPDATE SET notes = excluded.notes, "
        "updated_at = excluded.updated_at, submitted_at = coalesce(excluded.submitted_at, reviews.submitted_at) "
        "RETURNING id",
        (invitation_id, question_id, reviewer_id, notes, to_db(now), int(submit)),
    ).fetchall()
    assert isinstance(returned, int)
    review_id = returned
    con.execute("DELETE FROM review_scores WHERE review_id = ?", (review_id,))
    con.executemany(
        "INSERT INTO review_scores (review_id, competency_id, score) VALUES (?, ?, ?)",
        [(review_id, cid, score) for cid, score in scores.items()],
    )
    return review_id


def insert_decision(
    con: apsw.Connection,
    invitation_id: int,
    outcome: Outcome,
    feedback: str,
    decided_by: int | None,
    now: datetime,
) -> int:
    con.execute(
        "INSERT INTO decisions (invitation_id, outcome, feedback, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)",
        (invitation_id, outcome.value, feedback, decided_by, to_db(now)),
    )
    decision_id = con.last_insert_rowid()
    con.execute(
        "UPDATE invitations SET decided_at = coalesce(decided_at, ?), outcome = ? WHERE id = ?",
        (to_db(now), outcome.value, invitation_id),
    )
    return decision_id


def latest_decision(con: apsw.Connection, invitation_id: int) -> Decision | None:
    r = row(
        con,
        "SELECT * FROM decisions WHERE invitation_id = ? ORDER BY decided_at DESC, id DESC LIMIT 1",
        (invitation_id,),
    )
    if r is None:
        return None
    return Decision(
        id=r["id"],
        invitation_id=r["invitation_id"],
        outcome=Outcome(r["outcome"]),
        feedback=r["feedback"],
        decided_by=r["decided_by"],
        decided_at=from_db(r["decided_at"]),
    )


def pipeline(con: apsw.Connection, interview_id: int) -> list[dict[str, Any]]:
    """Every candidate of an interview with their progress, latest decision and review count."""
    return rows(
        con,
        """
        SELECT v.id AS invitation_id, v.number, v.status, v.created_at, v.opened_at, v.started_at, v.completed_at,
               v.deadline, c.name, c.email,
               (SELECT d.outcome FROM decisions d WHERE d.invitation_id = v.id
                ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS outcome,
               (SELECT count(DISTINCT r.reviewer_id) FROM reviews r
                WHERE r.invitation_id = v.id AND r.submitted_at IS NOT NULL) AS reviewers
        FROM invitations v JOIN candidates c ON c.id = v.candidate_id
        WHERE v.interview_id = ?
        ORDER BY v.number
        """,
        (interview_id,),
    )


def ensure_review(
    con: apsw.Connection, invitation_id: int, question_id: int, reviewer_id: int, now: datetime
) -> int:
    con.execute(
        "INSERT INTO reviews (invitation_id, question_id, reviewer_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (invitation_id, question_id, reviewer_id) DO NOTHING",
        (invitation_id, question_id, reviewer_id, to_db(now), to_db(now)),
    )
    review_id: int = value(
        con,
        "SELECT id FROM reviews WHERE invitation_id = ? AND question_id = ? AND reviewer_id = ?",
        (invitation_id, question_id, reviewer_id),
    )
    return review_id


def add_comment(con: apsw.Connection, review_id: int, at_ms: int | None, body: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO review_comments (review_id, at_ms, body, created_at) VALUES (?, ?, ?, ?)",
        (review_id, at_ms, body, to_db(now)),
    )
    return con.last_insert_rowid()


def comments_of(con: apsw.Connection, invitation_id: int) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT c.id, c.at_ms, c.body, c.created_at, r.question_id, r.reviewer_id FROM review_comments c "
        "JOIN reviews r ON r.id = c.review_id WHERE r.invitation_id = ? ORDER BY r.question_id, c.at_ms, c.id",
        (invitation_id,),
    )


_STAGED = """
    WITH p AS (
        SELECT v.id AS invitation_id, v.number, v.status, v.created_at, v.completed_at, c.name,
               (SELECT d.outcome FROM decisions d WHERE d.invitation_id = v.id
                ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS outcome,
               EXISTS (SELECT 1 FROM reviews r WHERE r.invitation_id = v.id AND r.submitted_at IS NOT NULL) AS reviewed
        FROM invitations v JOIN candidates c ON c.id = v.candidate_id
        WHERE v.interview_id = :interview
    ), staged AS (
        SELECT *, CASE outcome WHEN 'advance' THEN 'advanced' WHEN 'reject' THEN 'rejected' WHEN 'hold' THEN 'on hold'
                  ELSE CASE WHEN status = 'completed' AND reviewed THEN 'in review' ELSE status END END AS stage
        FROM p
    )
"""
_ORDER = {
    "number": "number",
    "name": "name COLLATE NOCASE, number",
    "stage": "stage, number",
    "completed": "completed_at IS NULL, completed_at, number",
}


def stage_counts(con: apsw.Connection, interview_id: int) -> dict[str, int]:
    return {
        stage: n
        for stage, n in con.execute(
            _STAGED + "SELECT stage, count(*) FROM staged GROUP BY stage", {"interview": interview_id}
        )
    }


def pipeline_page(
    con: apsw.Connection, interview_id: int, stage: str, sort: str, limit: int, offset: int
) -> list[dict[str, Any]]:
    """One page of the interview's candidates, filtered by stage ('' for all) and sorted."""
    order = _ORDER.get(sort, _ORDER["number"])
    found = rows(
        con,
        _STAGED
        + f"SELECT * FROM staged WHERE :stage = '' OR stage = :stage ORDER BY {order} LIMIT :limit OFFSET :offset",
        {"interview": interview_id, "stage": stage, "limit": limit, "offset": offset},
    )
    for r in found:
        r["reviewers"] = value(
            con,
            "SELECT count(DISTINCT reviewer_id) FROM reviews WHERE invitation_id = ? AND submitted_at IS NOT NULL",
            (r["invitation_id"],),
        )
    return found


def reviewer_means(con: apsw.Connection, invitation_id: int) -> dict[int, list[float]]:
    """competency id -> each reviewer's mean score over the questions assessing it (submitted reviews only)."""
    out: dict[int, list[float]] = {}
    for competency_id, score in con.execute(
        "SELECT s.competency_id, avg(s.score) FROM reviews r JOIN review_scores s ON s.review_id = r.id "
        "WHERE r.invitation_id = ? AND r.submitted_at IS NOT NULL GROUP BY s.competency_id, r.reviewer_id",
        (invitation_id,),
    ):
        out.setdefault(competency_id, []).append(score)
    return out


def store_results(
    con: apsw.Connection,
    invitation_id: int,
    interview_id: int,
    competencies: list[tuple[int, int, float | None, float | None, float | None]],
    overall: float | None,
    disagreement: bool,
) -> None:
    con.execute("DELETE FROM competency_results WHERE invitation_id = ?", (invitation_id,))
    con.executemany(
        "INSERT INTO competency_results (invitation_id, competency_id, reviewers, mean, median, spread) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(invitation_id, *c) for c in competencies],
    )
    con.execute(
        "INSERT INTO candidate_results (invitation_id, interview_id, overall, disagreement) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (invitation_id) DO UPDATE SET overall = excluded.overall, disagreement = excluded.disagreement",
        (invitation_id, interview_id, overall, int(disagreement)),
    )


def unsummarised(con: apsw.Connection, interview_id: int) -> list[int]:
    """Candidates with submitted reviews but no stored results (reviews from before results were stored)."""
    return [
        i
        for (i,) in con.execute(
            "SELECT DISTINCT r.invitation_id FROM reviews r JOIN invitations v ON v.id = r.invitation_id "
            "WHERE v.interview_id = ? AND r.submitted_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM candidate_results c WHERE c.invitation_id = r.invitation_id)",
            (interview_id,),
        )
    ]


def ranking(
    con: apsw.Connection, interview_id: int, reviewer_id: int | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """One page of stored results, best first (up to `limit` rows); for a reviewer, only candidates they
    reviewed themselves."""
    mine = (
        ""
        if reviewer_id is None
        else "AND EXISTS (SELECT 1 FROM reviews r WHERE r.invitation_id = cr.invitation_id AND r.reviewer_id = :reviewer "
        "AND r.submitted_at IS NOT NULL)"
    )
    params = {"interview": interview_id, "reviewer": reviewer_id, "limit": limit, "offset": offset}
    found = rows(
        con,
        f"""
        SELECT cr.invitation_id, cr.overall, cr.disagreement, v.number, c.name,
               (SELECT d.outcome FROM decisions d WHERE d.invitation_id = v.id
                ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS outcome
        FROM candidate_results cr JOIN invitations v ON v.id = cr.invitation_id
        JOIN candidates c ON c.id = v.candidate_id
        WHERE cr.interview_id = :interview {mine}
        ORDER BY cr.overall DESC, cr.invitation_id LIMIT :limit OFFSET :offset
        """,
        params,
    )
    by_id = {r["invitation_id"]: r for r in found}
    for r in found:
        r["competencies"] = {}
    marks = ",".join("?" * len(by_id))
    for invitation_id, cid, n, mean, median, spread in (
        con.execute(
            f"SELECT invitation_id, competency_id, reviewers, mean, median, spread FROM competency_results "
            f"WHERE invitation_id IN ({marks})",
            tuple(by_id),
        )
        if by_id
        else ()
    ):
        by_id[invitation_id]["competencies"][cid] = (n, mean, median, spread)
    return found

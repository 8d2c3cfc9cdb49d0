"""SQL for the insight pages: one pass over an interview's invitations (or all interviews') for a period, and the
facts each measure is made from. Aggregation that SQL does well happens here; the statistics are in the domain."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import rows

# The shapes of the rows below, as their SQL makes them.
Journey = tuple[float | None, ...]  # the eight step times, in the order of the query
DeviceChecks = tuple[str, int, str, int]  # browser, passed, problem, how many
ItemSums = tuple[int, int, int, float, float, int, int, float, float, float]
DecisionSums = tuple[int, float, float, int, float]  # n, Σx, Σx², Σy, Σxy
LeniencySums = tuple[int, int, float]  # scores given, shared, Σ difference

_SCOPE = (
    "(:interview IS NULL OR i.interview_id = :interview) AND i.created_at >= :since AND i.created_at < :until"
)


def _args(interview_id: int | None, since: datetime, until: datetime) -> dict[str, Any]:
    return {"interview": interview_id, "since": to_db(since), "until": to_db(until)}


def journeys(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime
) -> list[Journey]:
    """Each invitation's step times in seconds since 1970 (None where it never got there): invited, opened, consented,
    device check passed, started, completed, first review submitted, decided."""
    found = con.execute(
        "SELECT "
        + ", ".join(
            f"unixepoch(i.{c}, 'subsec')"
            for c in (
                "created_at",
                "opened_at",
                "consent_at",
                "checked_at",
                "started_at",
                "completed_at",
                "reviewed_at",
                "decided_at",
            )
        )
        + f" FROM invitations i WHERE {_SCOPE}",
        _args(interview_id, since, until),
    ).fetchall()
    return cast("list[Journey]", found)


def answer_takes(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime
) -> list[tuple[int, int, int, int]]:
    """(question, takes used, answers with that many takes, of them submitted): enough for the answers started and
    left unfinished per question and the median takes of submitted ones, in one pass."""
    found = con.execute(
        "SELECT a.question_id, a.takes, count(*), count(a.submitted_at) FROM answers a "
        f"JOIN invitations i ON i.id = a.invitation_id WHERE {_SCOPE} GROUP BY a.question_id, a.takes",
        _args(interview_id, since, until),
    ).fetchall()
    return cast("list[tuple[int, int, int, int]]", found)


def median_lengths(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime
) -> dict[int, float]:
    """Per question, the median length in seconds of the submitted recordings (the middle one, or the mean of the
    middle two), worked out in SQL so only the middle rows leave the store."""
    found: dict[int, list[float]] = {}
    for question, ms in con.execute(
        "SELECT q, ms FROM (SELECT a.question_id AS q, r.duration_ms AS ms, "
        "row_number() OVER (PARTITION BY a.question_id ORDER BY r.duration_ms) AS k, "
        "count(*) OVER (PARTITION BY a.question_id) AS n FROM answers a JOIN invitations i ON i.id = a.invitation_id "
        "JOIN takes t ON t.answer_id = a.id AND t.submitted = 1 JOIN recordings r ON r.take_id = t.id "
        f"WHERE {_SCOPE} AND r.duration_ms IS NOT NULL) WHERE k IN ((n + 1) / 2, (n + 2) / 2)",
        _args(interview_id, since, until),
    ):
        found.setdefault(question, []).append(ms / 1000)
    return {q: sum(v) / len(v) for q, v in found.items()}


def rejections(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT a.question_id, r.reason, count(*) AS n FROM recordings r JOIN takes t ON t.id = r.take_id "
        "JOIN answers a ON a.id = t.answer_id JOIN invitations i ON i.id = a.invitation_id "
        f"WHERE r.state = 'rejected' AND {_SCOPE} GROUP BY a.question_id, r.reason ORDER BY n DESC",
        _args(interview_id, since, until),
    )


def device_checks(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime
) -> list[DeviceChecks]:
    """(browser, passed, problem, how many) over the device checks of the period."""
    found = con.execute(
        "SELECT d.browser, d.passed, d.problem, count(*) FROM device_checks d "
        f"JOIN invitations i ON i.id = d.invitation_id WHERE {_SCOPE} GROUP BY d.browser, d.passed, d.problem",
        _args(interview_id, since, until),
    ).fetchall()
    return cast("list[DeviceChecks]", found)


def uploads(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """Each upload: how it ended, how often it resumed, when its recording became playable in every browser, and
    when it could first be watched (its preview, in browsers that play WebM; else the same moment)."""
    return rows(
        con,
        "SELECT u.completed_at, u.ended_at, u.end_reason, u.resumes, r.id AS recording_id, r.state, "
        "CASE WHEN r.state = 'ready' THEN r.updated_at END AS playable_at, "
        "CASE WHEN r.state = 'ready' THEN coalesce(r.previewed_at, r.updated_at) END AS watchable_at "
        "FROM uploads u JOIN recordings r ON r.id = u.recording_id JOIN takes t ON t.id = r.take_id "
        "JOIN answers a ON a.id = t.answer_id JOIN invitations i ON i.id = a.invitation_id "
        f"WHERE {_SCOPE}",
        _args(interview_id, since, until),
    )


def refresh_items(con: apsw.Connection, invitation_ids: list[int]) -> None:
    """Recompute the rating sums and leniency parts of these invitations from their submitted scores: called in
    the transaction that submits a review."""
    where = "r.invitation_id IN (SELECT value FROM json_each(?))"
    args = (json.dumps(invitation_ids),)
    con.execute(
        "UPDATE invitations SET reviewed_at = (SELECT min(submitted_at) FROM reviews r WHERE r.invitation_id = "
        "invitations.id) WHERE id IN (SELECT value FROM json_each(?))",
        args,
    )
    con.execute("DELETE FROM rated_items WHERE invitation_id IN (SELECT value FROM json_each(?))", args)
    con.execute("DELETE FROM leniency_parts WHERE invitation_id IN (SELECT value FROM json_each(?))", args)
    con.execute(
        "INSERT INTO rated_items SELECT r.invitation_id, r.question_id, s.competency_id, count(*), sum(s.score), "
        "sum(s.score * s.score) FROM reviews r JOIN review_scores s ON s.review_id = r.id "
        f"WHERE r.submitted_at IS NOT NULL AND {where} GROUP BY r.invitation_id, r.question_id, s.competency_id",
        args,
    )
    con.execute(
        "INSERT INTO leniency_parts SELECT r.invitation_id, r.reviewer_id, count(*), count(*) FILTER (WHERE u.m >= 2), "
        "coalesce(sum(s.score - (u.s - s.score) * 1.0 / (u.m - 1)) FILTER (WHERE u.m >= 2), 0) "
        "FROM reviews r JOIN review_scores s ON s.review_id = r.id JOIN rated_items u ON u.invitation_id = r.invitation_id "
        "AND u.question_id = r.question_id AND u.competency_id = s.competency_id "
        f"WHERE r.submitted_at IS NOT NULL AND {where} GROUP BY r.invitation_id, r.reviewer_id",
        args,
    )


def item_sums(con: apsw.Connection, interview_id: int, since: datetime, until: datetime) -> list[ItemSums]:
    """Per (question, competency), added up over its rated items: for the spread, all ratings (count, Σ, Σ²); for
    agreement, over items rated two or more times (items, ratings, Σ 2·(m·Σv² − (Σv)²)/(m − 1), Σ, Σ²)."""
    found = con.execute(
        "SELECT u.question_id, u.competency_id, sum(u.m), sum(u.s), sum(u.ss), "
        "count(*) FILTER (WHERE u.m >= 2), coalesce(sum(u.m) FILTER (WHERE u.m >= 2), 0), "
        "coalesce(sum(2 * (u.m * u.ss - u.s * u.s) / (u.m - 1)) FILTER (WHERE u.m >= 2), 0), "
        "coalesce(sum(u.s) FILTER (WHERE u.m >= 2), 0), coalesce(sum(u.ss) FILTER (WHERE u.m >= 2), 0) "
        f"FROM rated_items u JOIN invitations i ON i.id = u.invitation_id WHERE {_SCOPE} "
        "GROUP BY u.question_id, u.competency_id",
        _args(interview_id, since, until),
    ).fetchall()
    return cast("list[ItemSums]", found)


def decision_sums(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime
) -> dict[int, DecisionSums]:
    """Per question, over candidates decided advance or reject: n, Σx, Σx², Σy, Σxy, where x is the candidate's
    mean score on the question and y is 1 for advance, 0 for reject (a correlation's sums)."""
    return {
        cast(int, q): cast(DecisionSums, tuple(rest))
        for q, *rest in con.execute(
            "WITH x AS (SELECT u.question_id AS q, u.invitation_id AS inv, sum(u.s) / sum(u.m) AS x "
            f"FROM rated_items u JOIN invitations i ON i.id = u.invitation_id WHERE {_SCOPE} "
            "GROUP BY u.question_id, u.invitation_id), "
            "y AS (SELECT i.id AS inv, i.outcome = 'advance' AS y FROM invitations i "
            f"WHERE i.outcome IN ('advance', 'reject') AND {_SCOPE}) "
            "SELECT x.q, count(*), sum(x.x), sum(x.x * x.x), sum(y.y), sum(x.x * y.y) FROM x JOIN y ON y.inv = x.inv "
            "GROUP BY x.q",
            _args(interview_id, since, until),
        )
    }


def leniency_sums(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime
) -> dict[int, LeniencySums]:
    """Per reviewer: (scores given, items shared with others, Σ(score − mean of the others' scores))."""
    return {
        cast(int, reviewer): cast(LeniencySums, (given, shared, total))
        for reviewer, given, shared, total in con.execute(
            "SELECT p.reviewer_id, sum(p.scores), sum(p.shared), sum(p.total) FROM leniency_parts p "
            f"JOIN invitations i ON i.id = p.invitation_id WHERE {_SCOPE} GROUP BY p.reviewer_id",
            _args(interview_id, since, until),
        )
    }


def reviewers(con: apsw.Connection, interview_id: int | None) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT DISTINCT ac.id, ac.email, ac.name FROM accounts ac LEFT JOIN assignments a ON a.account_id = ac.id "
        "WHERE :interview IS NULL OR a.interview_id = :interview OR ac.role = 'admin' ORDER BY ac.id",
        {"interview": interview_id},
    )


def overdue_by_reviewer(con: apsw.Connection, interview_id: int | None, now: datetime) -> dict[int, int]:
    """Completed candidates past their interview's review target, per assigned reviewer who has not reviewed them."""
    return {
        r["reviewer_id"]: r["n"]
        for r in rows(
            con,
            "SELECT a.account_id AS reviewer_id, count(*) AS n FROM invitations i "
            "JOIN interviews v ON v.id = i.interview_id JOIN assignments a ON a.interview_id = i.interview_id "
            "WHERE i.status = 'completed' AND (:interview IS NULL OR i.interview_id = :interview) "
            "AND julianday(:now) - julianday(i.completed_at) > v.review_target_days "
            "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.invitation_id = i.id AND r.reviewer_id = a.account_id "
            "AND r.submitted_at IS NOT NULL) GROUP BY a.account_id",
            {"interview": interview_id, "now": to_db(now)},
        )
    }


def feedback(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT f.rating, f.comment, f.at, i.interview_id FROM candidate_feedback f "
        f"JOIN invitations i ON i.id = f.invitation_id WHERE {_SCOPE} ORDER BY f.at",
        _args(interview_id, since, until),
    )

"""SQL for `boxinterview demo --candidates N`: writing many made-up candidates' histories in one transaction,
so the insight pages can be tried on a realistic amount of data."""

from __future__ import annotations

import json
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import value


def insert(con: apsw.Connection, interview_id: int, first_number: int, people: list[dict[str, Any]]) -> None:
    """Each person: name, email, token_hash, times (invited … decided; missing = never got there), device check,
    answers [(question_id, takes, seconds)], scores [(question_id, competency_id, reviewer_id, score)], outcome,
    rating and comment."""
    for n, p in enumerate(people):
        t = p["times"]
        con.execute(
            "INSERT INTO candidates (name, email, created_at) VALUES (?, ?, ?)",
            (p["name"], p["email"], to_db(t["invited"])),
        )
        status = (
            "completed"
            if t.get("completed")
            else "started"
            if t.get("started")
            else "opened"
            if t.get("opened")
            else "invited"
        )
        con.execute(
            "INSERT INTO invitations (interview_id, candidate_id, number, token_hash, deadline, status, created_at, "
            "opened_at, consent_at, consent_version, started_at, completed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '1', ?, ?)",
            (
                interview_id,
                con.last_insert_rowid(),
                first_number + n,
                p["token_hash"],
                to_db(p["deadline"]),
                status,
                to_db(t["invited"]),
                to_db(t.get("opened")),
                to_db(t.get("consented")),
                to_db(t.get("started")),
                to_db(t.get("completed")),
            ),
        )
        inv = con.last_insert_rowid()
        if p.get("check"):
            passed, browser, problem, at = p["check"]
            con.execute(
                "INSERT INTO device_checks (invitation_id, at, passed, camera, microphone, browser, problem) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (inv, to_db(at), int(passed), int(passed), 1, browser, problem),
            )
        for question_id, takes, seconds, submitted_at, recorded in p["answers"]:
            con.execute(
                "INSERT INTO answers (invitation_id, question_id, started_at, submitted_at, text_value) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    inv,
                    question_id,
                    to_db(t["started"]),
                    to_db(submitted_at),
                    None if recorded else "(made-up answer)",
                ),
            )
            answer = con.last_insert_rowid()
            for take in range(1, takes + 1) if recorded else ():
                con.execute(
                    "INSERT INTO takes (answer_id, number, submitted, created_at) VALUES (?, ?, ?, ?)",
                    (answer, take, int(take == takes and submitted_at is not None), to_db(t["started"])),
                )
                con.execute(
                    "INSERT INTO recordings (take_id, state, duration_ms, created_at, updated_at) "
                    "VALUES (?, 'ready', ?, ?, ?)",
                    (con.last_insert_rowid(), seconds * 1000, to_db(t["started"]), to_db(t["started"])),
                )
        reviews: dict[tuple[int, int], int] = {}
        for question_id, competency_id, reviewer_id, score in p["scores"]:
            key = (question_id, reviewer_id)
            if key not in reviews:
                con.execute(
                    "INSERT INTO reviews (invitation_id, question_id, reviewer_id, created_at, updated_at, "
                    "submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        inv,
                        question_id,
                        reviewer_id,
                        to_db(t["reviewed"]),
                        to_db(t["reviewed"]),
                        to_db(t["reviewed"]),
                    ),
                )
                reviews[key] = con.last_insert_rowid()
            con.execute(
                "INSERT INTO review_scores (review_id, competency_id, score) VALUES (?, ?, ?)",
                (reviews[key], competency_id, score),
            )
        if p.get("outcome"):
            con.execute(
                "INSERT INTO decisions (invitation_id, outcome, decided_by, decided_at) VALUES (?, ?, ?, ?)",
                (inv, p["outcome"], p["decided_by"], to_db(t["decided"])),
            )
        if p.get("rating"):
            con.execute(
                "INSERT INTO candidate_feedback (invitation_id, rating, comment, at) VALUES (?, ?, ?, ?)",
                (inv, p["rating"], p.get("comment", ""), to_db(t["completed"])),
            )


def next_number(con: apsw.Connection, interview_id: int) -> int:
    return int(
        value(
            con,
            "SELECT coalesce(max(number), 0) + 1 FROM invitations WHERE interview_id = ?",
            (interview_id,),
        )
    )


def invitation_ids(con: apsw.Connection, interview_id: int, first_number: int) -> list[int]:
    return [
        i
        for (i,) in con.execute(
            "SELECT id FROM invitations WHERE interview_id = ? AND number >= ?", (interview_id, first_number)
        )
    ]


def mark_steps(con: apsw.Connection, invitation_ids: list[int]) -> None:
    """The step times invitations keep (first passed check, review, decision, latest outcome), for made-up rows."""
    con.execute(
        """UPDATE invitations SET
            checked_at = (SELECT min(at) FROM device_checks d WHERE d.invitation_id = invitations.id AND d.passed = 1),
            reviewed_at = (SELECT min(submitted_at) FROM reviews r WHERE r.invitation_id = invitations.id),
            decided_at = (SELECT min(decided_at) FROM decisions d WHERE d.invitation_id = invitations.id),
            outcome = (SELECT outcome FROM decisions d WHERE d.invitation_id = invitations.id ORDER BY d.id DESC LIMIT 1) WHERE id IN (SELECT value FROM json_each(?))""",
        (json.dumps(invitation_ids),),
    )

"""SQL for what candidates tell us along the way: device checks and satisfaction."""

from __future__ import annotations

from datetime import datetime

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row


def insert_device_check(
    con: apsw.Connection,
    invitation_id: int,
    *,
    passed: bool,
    camera: bool,
    microphone: bool,
    upload_kbps: int | None,
    recorder_type: str,
    browser: str,
    problem: str,
    now: datetime,
) -> None:
    con.execute(
        "INSERT INTO device_checks (invitation_id, at, passed, camera, microphone, upload_kbps, recorder_type, "
        "browser, problem) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            invitation_id,
            to_db(now),
            int(passed),
            int(camera),
            int(microphone),
            upload_kbps,
            recorder_type,
            browser,
            problem,
        ),
    )
    if passed:
        con.execute(
            "UPDATE invitations SET checked_at = coalesce(checked_at, ?) WHERE id = ?",
            (to_db(now), invitation_id),
        )


def set_feedback(con: apsw.Connection, invitation_id: int, rating: int, comment: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO candidate_feedback (invitation_id, rating, comment, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (invitation_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, at = excluded.at",
        (invitation_id, rating, comment, to_db(now)),
    )


def feedback_of(con: apsw.Connection, invitation_id: int) -> tuple[int, str] | None:
    r = row(con, "SELECT rating, comment FROM candidate_feedback WHERE invitation_id = ?", (invitation_id,))
    return (r["rating"], r["comment"]) if r else None

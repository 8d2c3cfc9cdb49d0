"""SQL for share links: read-only views of chosen candidates and questions for someone without an account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store._sql import row, rows


def insert(
    con: apsw.Connection,
    *,
    token_hash: str,
    interview_id: int,
    created_by: int,
    label: str,
    invitation_ids: list[int],
    question_ids: list[int],
    expires_at: datetime,
    now: datetime,
) -> int:
    con.execute(
        "INSERT INTO share_links (token_hash, interview_id, created_by, label, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, interview_id, created_by, label, to_db(now), to_db(expires_at)),
    )
    share_id = con.last_insert_rowid()
    con.executemany(
        "INSERT INTO share_link_candidates VALUES (?, ?)", [(share_id, i) for i in invitation_ids]
    )
    con.executemany("INSERT INTO share_link_questions VALUES (?, ?)", [(share_id, q) for q in question_ids])
    return share_id


def _share(con: apsw.Connection, r: dict[str, Any]) -> dict[str, Any]:
    r["created_at"] = from_db(r["created_at"])
    r["expires_at"] = from_db(r["expires_at"])
    r["revoked_at"] = from_db(r["revoked_at"])
    r["invitation_ids"] = [
        i
        for (i,) in con.execute(
            "SELECT invitation_id FROM share_link_candidates WHERE share_id = ? ORDER BY invitation_id",
            (r["id"],),
        )
    ]
    r["question_ids"] = [
        q
        for (q,) in con.execute(
            "SELECT question_id FROM share_link_questions WHERE share_id = ? ORDER BY question_id", (r["id"],)
        )
    ]
    return r


def by_token_hash(con: apsw.Connection, token_hash: str) -> dict[str, Any] | None:
    r = row(con, "SELECT * FROM share_links WHERE token_hash = ?", (token_hash,))
    return _share(con, r) if r else None


def get(con: apsw.Connection, share_id: int) -> dict[str, Any] | None:
    r = row(con, "SELECT * FROM share_links WHERE id = ?", (share_id,))
    return _share(con, r) if r else None


def created_by(con: apsw.Connection, account_id: int) -> list[dict[str, Any]]:
    return [
        _share(con, r)
        for r in rows(con, "SELECT * FROM share_links WHERE created_by = ? ORDER BY id DESC", (account_id,))
    ]


def revoke(con: apsw.Connection, share_id: int, now: datetime) -> None:
    con.execute(
        "UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (to_db(now), share_id)
    )

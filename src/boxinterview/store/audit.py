"""SQL for the audit log: who did what to which thing, and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import AuditEntry
from boxinterview.store._sql import rows


def record(
    con: apsw.Connection,
    *,
    actor: str,
    action: str,
    subject_type: str = "",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    con.execute(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (to_db(now), actor, action, subject_type, subject_id, json.dumps(detail or {}, sort_keys=True)),
    )


def record_many(con: apsw.Connection, batch: list[dict[str, Any]]) -> None:
    """Several rows at once, each a dict of `record`'s arguments."""
    con.executemany(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                to_db(e["now"]),
                e["actor"],
                e["action"],
                e.get("subject_type", ""),
                e.get("subject_id"),
                json.dumps(e.get("detail") or {}, sort_keys=True),
            )
            for e in batch
        ],
    )


def entries(con: apsw.Connection, search: str = "", limit: int = 200) -> list[AuditEntry]:
    pattern = f"%{search}%"
    return [
        AuditEntry(
            id=r["id"],
            at=from_db(r["at"]),
            actor=r["actor"],
            action=r["action"],
            subject_type=r["subject_type"],
            subject_id=r["subject_id"],
            detail=json.loads(r["detail"]),
        )
        for r in rows(
            con,
            "SELECT * FROM audit_log WHERE ? = '' OR actor LIKE ? OR action LIKE ? OR detail LIKE ? "
            "ORDER BY at DESC, id DESC LIMIT ?",  # viewings are written a moment after they happen
            (search, pattern, pattern, pattern, limit),
        )
    ]

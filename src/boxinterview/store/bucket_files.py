"""SQL for the files moved to the bucket (see migration 0030)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows


def add(con: apsw.Connection, path: str, key: str, size: int, sha256: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO bucket_files (path, object_key, size, sha256, stored_at) VALUES (?, ?, ?, ?, ?)",
        (path, key, size, sha256, to_db(now)),
    )


def where(con: apsw.Connection, path: str) -> dict[str, Any] | None:
    """The object a file now is, if it was moved to the bucket."""
    return row(
        con,
        "SELECT id, path, object_key, size, sha256 FROM bucket_files WHERE path = ? AND forgotten_at IS NULL",
        (path,),
    )


def under(con: apsw.Connection, folder: str) -> list[dict[str, Any]]:
    """Moved files whose local path was inside `folder` (written with its trailing slash)."""
    return rows(
        con,
        "SELECT id, path, object_key FROM bucket_files WHERE forgotten_at IS NULL "
        "AND substr(path, 1, length(?1)) = ?1",
        (folder,),
    )


def forget(con: apsw.Connection, ids: list[int], now: datetime) -> None:
    con.executemany("UPDATE bucket_files SET forgotten_at = ? WHERE id = ?", [(to_db(now), i) for i in ids])


def forgotten(con: apsw.Connection, limit: int = 1000) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT id, object_key FROM bucket_files WHERE forgotten_at IS NOT NULL ORDER BY id LIMIT ?",
        (limit,),
    )


def drop(con: apsw.Connection, ids: list[int]) -> None:
    con.executemany("DELETE FROM bucket_files WHERE id = ?", [(i,) for i in ids])

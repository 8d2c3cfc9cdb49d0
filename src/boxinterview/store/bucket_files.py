"""SQL for the files moved to the bucket (see migration 0030)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store import _paths
from boxinterview.store._sql import row, rows


def add(con: apsw.Connection, path: str, key: str, size: int, sha256: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO bucket_files (path, object_key, size, sha256, stored_at) VALUES (?, ?, ?, ?, ?)",
        (_paths.stored(con, path), key, size, sha256, to_db(now)),
    )


def where(con: apsw.Connection, path: str) -> dict[str, Any] | None:
    """The object a file now is, if it was moved to the bucket."""
    return row(
        con,
        "SELECT id, object_key, size, sha256 FROM bucket_files WHERE path = ? AND forgotten_at IS NULL",
        (_paths.stored(con, path),),
    )


def under(con: apsw.Connection, folder: str) -> list[dict[str, Any]]:
    """Moved files whose local path was inside `folder`."""
    return rows(
        con,
        "SELECT id, object_key FROM bucket_files WHERE forgotten_at IS NULL AND substr(path, 1, length(?1)) = ?1",
        (f"{_paths.stored(con, folder)}/",),
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


def documents_to_move(con: apsw.Connection, limit: int = 50) -> list[str]:
    """Candidates' documents of finished interviews (nothing replaces them any more) still on the local disk."""
    return [
        _paths.full(con, r["file_path"]) or ""
        for r in rows(
            con,
            "SELECT a.file_path FROM answers a JOIN invitations i ON i.id = a.invitation_id "
            "WHERE a.file_path IS NOT NULL AND i.completed_at IS NOT NULL AND i.erased_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM bucket_files b WHERE b.path = a.file_path AND b.forgotten_at IS NULL) "
            "ORDER BY a.id LIMIT ?",
            (limit,),
        )
    ]


def names_document(con: apsw.Connection, path: str) -> bool:
    return (
        row(con, "SELECT 1 AS found FROM answers WHERE file_path = ?", (_paths.stored(con, path),))
        is not None
    )


def ready_on_disk(con: apsw.Connection) -> tuple[list[int], list[int]]:
    """(recording ids, team video ids) that are ready with some file not yet in the bucket: what was made before
    the bucket was configured."""

    def missing(column: str) -> str:
        return (
            f"({column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bucket_files b WHERE b.path = {column} "
            "AND b.forgotten_at IS NULL))"
        )

    recordings = rows(
        con,
        "SELECT id FROM recordings WHERE state = 'ready' AND "
        f"({missing('original_path')} OR {missing('playback_path')} OR {missing('poster_path')}) ORDER BY id",
    )
    media = rows(
        con,
        "SELECT id FROM interview_media WHERE state = 'ready' AND "
        f"({missing('original_path')} OR {missing('playback_path')}) ORDER BY id",
    )
    return [r["id"] for r in recordings], [m["id"] for m in media]

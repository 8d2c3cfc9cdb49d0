"""Where a finished file lives: on this disk, or (once moved) in the S3-compatible bucket.

Uploads always arrive on the local disk (the browser's chunks are far below S3's 5 MiB part minimum). Once a
recording is ready, a job copies its original, playback file and poster to the bucket, checks each copy (size,
MD5 and SHA-256), records where it went and only then (while no backup runs) deletes the local file. A bucket that is away fails the
job, which is retried, and the local copy stays until a copy has been verified: nothing is lost.

Everything else keeps naming a file by its local path; `located` tells whether that path now lives in the bucket.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.domain.models import RecordingState
from boxinterview.storage import Bucket, StorageError, Stored
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import bucket_files as sql
from boxinterview.store import interview_media as media_sql
from boxinterview.store import jobs as jobs_sql

log = logging.getLogger(__name__)

MOVE_JOB = "storage.move"  # a candidate's recording
MOVE_MEDIA_JOB = "storage.move_media"  # the team's welcome or question video


def located(con: apsw.Connection, path: str) -> str | None:
    """The object key a file was moved to, or None while it is on this disk."""
    found = sql.where(con, path)
    return None if found is None else str(found["object_key"])


def queue_move(con: apsw.Connection, kind: str, subject_id: int, now: datetime) -> None:
    jobs_sql.enqueue(con, kind, subject_id, now)


def queue_all(db: Database) -> tuple[int, int]:
    """Queue moves for every ready recording and team video with files still on this disk (made before the
    bucket was configured); return how many of each."""
    now = clock.now()

    def tx(con: apsw.Connection) -> tuple[int, int]:
        recording_ids, media_ids = sql.ready_on_disk(con)
        for rid in recording_ids:
            queue_move(con, MOVE_JOB, rid, now)
        for mid in media_ids:
            queue_move(con, MOVE_MEDIA_JOB, mid, now)
        return len(recording_ids), len(media_ids)

    return db.write(tx)


def object_key(bucket: Bucket, data_dir: Path, path: Path) -> str:
    """The key a file goes to: its place under data_dir, with a token so that a recording id the database hands
    out again after an erasure never meets an object of the erased one that is still waiting to be deleted."""
    relative = path.resolve().relative_to(data_dir.resolve())
    return bucket.key_for(f"{relative.with_suffix('')}.{uuid.uuid4().hex[:12]}{relative.suffix}")


def move_recording(db: Database, data_dir: Path, bucket: Bucket, recording_id: int) -> list[str]:
    """Copy a ready recording's files to the bucket, verified and recorded; return the paths of all its files
    now in the bucket (for `remove_local_copies`). Safe to repeat: a file recorded already is not copied again."""
    rec = db.read(answers_sql.get_recording, recording_id)
    if rec is None or rec.state is not RecordingState.READY:
        return []  # erased, or replaced by a later state: nothing to move
    paths = [p for p in (rec.original_path, rec.playback_path, rec.poster_path) if p]

    def still_there(con: apsw.Connection, path: str) -> bool:
        return answers_sql.get_recording(con, recording_id) is not None  # not erased while it was copied

    moved = _move(db, data_dir, bucket, paths, still_there)
    if moved:
        log.info("recording %s: %d file(s) copied to bucket %s", recording_id, moved, bucket.name)
    return [p for p in paths if db.read(located, p)]


def move_team_media(db: Database, data_dir: Path, bucket: Bucket, media_id: int) -> list[str]:
    """Copy a ready welcome or question video (original and playback file) to the bucket, as for recordings."""
    media = db.read(media_sql.get, media_id)
    if media is None or media.state != "ready":
        return []
    paths = [p for p in (media.original_path, media.playback_path) if p]

    def still_there(con: apsw.Connection, path: str) -> bool:
        now = media_sql.get(con, media_id)  # the same id is kept when a video is replaced: compare the files
        return now is not None and path in (now.original_path, now.playback_path)

    _move(db, data_dir, bucket, paths, still_there)
    return [p for p in paths if db.read(located, p)]


def move_documents(db: Database, data_dir: Path, bucket: Bucket) -> list[str]:
    """Copy candidates' documents of finished interviews to the bucket; return the paths now there."""
    paths = db.read(sql.documents_to_move)
    _move(db, data_dir, bucket, paths, sql.names_document)
    return [p for p in paths if db.read(located, p)]


def remove_local_copies(db: Database, paths: list[str]) -> int:
    """Delete the local files of these paths that are recorded as in the bucket; return how many. Called while
    no backup runs (the caller holds its lock), so a backup never holds a database naming a local file it lacks."""
    removed = 0
    for name in paths:
        if db.read(located, name) is not None and Path(name).exists():
            files.remove(Path(name))
            removed += 1
    return removed


def _move(
    db: Database,
    data_dir: Path,
    bucket: Bucket,
    paths: list[str],
    still_there: Callable[[apsw.Connection, str], bool],
) -> int:
    moved = 0
    for name in paths:
        path = Path(name)
        if db.read(located, name) is not None:
            continue
        if not path.exists():
            raise StorageError(f"{path} is neither on this disk nor in the bucket")
        stored = bucket.put(path, object_key(bucket, data_dir, path))
        bucket.verify(stored)
        if not db.write(_record, name, stored, still_there):
            bucket.delete([stored.key])  # its owner went while it was copied
            continue
        moved += 1
    return moved


def _record(
    con: apsw.Connection, path: str, stored: Stored, still_there: Callable[[apsw.Connection, str], bool]
) -> bool:
    if not still_there(con, path):
        return False
    sql.add(con, path, stored.key, stored.size, stored.sha256, clock.now())
    return True


def forget_paths(con: apsw.Connection, paths: list[str], now: datetime) -> None:
    """Mark moved files for deletion from the bucket (replaced ones)."""
    found = [f for p in paths if (f := sql.where(con, p)) is not None]
    sql.forget(con, [f["id"] for f in found], now)


def forget_under(con: apsw.Connection, folder: Path, now: datetime) -> int:
    """Mark the moved files that were in `folder` for deletion from the bucket (their owner is being erased)."""
    found = sql.under(con, str(folder))
    sql.forget(con, [f["id"] for f in found], now)
    return len(found)


def cancel_moves(con: apsw.Connection, subject_ids: list[int], kind: str = MOVE_JOB) -> None:
    jobs_sql.cancel(con, kind, subject_ids)


def delete_forgotten(db: Database, bucket: Bucket | None) -> int:
    """Remove the erased files' objects from the bucket; return how many. While the bucket is away they stay
    marked, and the next purge tries again."""
    if bucket is None:
        return 0
    deleted = 0
    while found := db.read(sql.forgotten):
        bucket.delete([f["object_key"] for f in found])
        db.write(sql.drop, [f["id"] for f in found])
        deleted += len(found)
    return deleted

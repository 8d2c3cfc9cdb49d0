"""Retention: each interview keeps its candidates' data for `retention_days` after the last thing that happened
to them (a decision, completion, or the deadline), then erases it: recordings, documents and answers, notes and
comments, messages, and the candidate's name and address. Dates, scores and ratings stay, without a person,
so the team's process figures still add up. Every erasure is in the audit log."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.domain import documents, placement, recordings
from boxinterview.errors import Conflict, NotFound
from boxinterview.storage import Bucket, StorageError
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import retention as sql

log = logging.getLogger(__name__)

STAGED_MAX_AGE_SECONDS = 3600


@dataclass(frozen=True)
class Purged:
    invitations: int
    files: int


def erase(
    db: Database,
    data_dir: Path,
    invitation_id: int,
    actor: str,
    reason: str,
    now: datetime | None = None,
    bucket: Bucket | None = None,
) -> int:
    """Erase one invitation's personal data and media now; returns how many files were removed. Files moved to
    the bucket are deleted there too (`bucket`, from the storage settings); while the bucket is away they stay
    marked for deletion and the next purge deletes them."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> tuple[list[int], list[str], list[str]]:
        invitation = candidates_sql.get_invitation(con, invitation_id)
        if invitation is None:
            raise NotFound(f"no invitation with id {invitation_id}")
        if sql.is_erased(con, invitation_id):
            raise Conflict(f"invitation {invitation_id} was erased already")
        found = sql.media(con, invitation_id)
        sql.erase(con, invitation_id, recordings.PROCESS_JOB, now)
        placement.cancel_moves(con, found[0])
        for rid in found[0]:
            placement.forget_under(con, files.recording_dir(data_dir, rid), now)
        placement.forget_under(con, files.documents_dir(data_dir, invitation_id), now)
        audit_sql.record(
            con,
            actor=actor,
            action="candidate.erase",
            subject_type="invitation",
            subject_id=invitation_id,
            detail={"reason": reason},
            now=now,
        )
        return found

    recording_ids, documents, upload_ids = db.write(tx)
    # Files go after the rows that name them: a crash in between leaves orphan files, never rows without files.
    removed = 0
    for rid in recording_ids:
        folder = files.recording_dir(data_dir, rid)
        if folder.exists():
            removed += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
    for path in [Path(d) for d in documents] + [files.upload_part(data_dir, u) for u in upload_ids]:
        if path.exists():
            files.remove(path)
            removed += 1
    # Whatever else is in the invitation's document folder is theirs too (one left behind when a document of
    # another kind replaced it and the server stopped before removing it).
    folder = files.documents_dir(data_dir, invitation_id)
    if folder.exists():
        removed += sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder)
    return removed + _delete_forgotten(db, bucket)


def _delete_forgotten(db: Database, bucket: Bucket | None) -> int:
    try:
        return placement.delete_forgotten(db, bucket)
    except StorageError as exc:
        log.warning("erased files stay in the bucket until the next purge: %s", exc)
        return 0


def purge(db: Database, data_dir: Path, now: datetime | None = None, bucket: Bucket | None = None) -> Purged:
    """Erase every invitation whose interview's retention has run out."""
    now = now or clock.now()
    count = 0
    # Documents a stopped server left waiting for the answer rules: no answer names them, so nothing else would.
    removed = documents.sweep_staged(files.staging_dir(data_dir), STAGED_MAX_AGE_SECONDS)
    # Objects of erasures made while the bucket was away.
    removed += _delete_forgotten(db, bucket)
    while due := db.read(sql.due, now):
        for invitation_id in due:
            removed += erase(db, data_dir, invitation_id, "retention", "retention period ended", now, bucket)
            count += 1
    return Purged(count, removed)

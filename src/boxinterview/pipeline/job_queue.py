"""The processing queue as operators see it: counts, recent jobs, retrying a failed one."""

from __future__ import annotations

import dataclasses
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import interview_media, recordings
from boxinterview.errors import Conflict, NotFound
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import jobs as sql
from boxinterview.store.jobs import Job


def overview(db: Database, limit: int = 20) -> tuple[dict[str, int], list[Job]]:
    return db.read(lambda con: (sql.counts(con), sql.recent(con, limit)))


def as_dict(job: Job) -> dict[str, Any]:
    out = dataclasses.asdict(job)
    for key in ("run_after", "lease_expires_at", "created_at", "finished_at"):
        out[key] = clock.to_db(out[key])
    return out


def retry(db: Database, job_id: int, actor: str) -> None:
    """Queue a failed job again, with its attempts reset; its recording goes back to processing."""
    now = clock.now()

    def tx(con: apsw.Connection) -> None:
        job = sql.get(con, job_id)
        if job is None:
            raise NotFound(f"no job with id {job_id}")
        if job.state != "failed":
            raise Conflict(f"job {job_id} is {job.state}; only a failed job can be retried")
        sql.requeue_failed(con, job_id, now)
        if job.kind == recordings.PROCESS_JOB:
            recordings.retry_processing(con, job.subject_id, now)
        elif job.kind == interview_media.MEDIA_JOB:
            interview_media.retry_in(con, job.subject_id, now)
        audit_sql.record(con, actor=actor, action="job.retry", subject_type="job", subject_id=job_id, now=now)

    db.write(tx)

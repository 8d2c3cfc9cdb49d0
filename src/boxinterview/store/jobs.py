"""SQL for the job queue. A job is a row; a worker owns it while its lease lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store._sql import row, rows, value


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    subject_id: int
    state: str
    attempts: int
    max_attempts: int
    run_after: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None
    progress: float
    last_error: str
    created_at: datetime
    finished_at: datetime | None


def _job(r: dict[str, Any]) -> Job:
    return Job(
        id=r["id"],
        kind=r["kind"],
        subject_id=r["subject_id"],
        state=r["state"],
        attempts=r["attempts"],
        max_attempts=r["max_attempts"],
        run_after=from_db(r["run_after"]),
        lease_owner=r["lease_owner"],
        lease_expires_at=from_db(r["lease_expires_at"]),
        progress=r["progress"],
        last_error=r["last_error"],
        created_at=from_db(r["created_at"]),
        finished_at=from_db(r["finished_at"]),
    )


def enqueue(
    con: apsw.Connection, kind: str, subject_id: int, now: datetime, max_attempts: int = 5
) -> int | None:
    """Queue a job unless one for the same subject is already queued or running; return its id."""
    con.execute(
        "INSERT INTO jobs (kind, subject_id, max_attempts, run_after, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (kind, subject_id, max_attempts, to_db(now), to_db(now), to_db(now)),
    )
    return con.last_insert_rowid() if con.changes() == 1 else None


def _kinds(kinds: tuple[str, ...] | None, skip: tuple[str, ...] = ()) -> tuple[str, list[Any]]:
    """A condition on the job's kind: one of `kinds` (any when None) and none of `skip`."""
    sql = ""
    args: list[Any] = []
    if kinds is not None:
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        args += list(kinds)
    if skip:
        sql += f" AND kind NOT IN ({', '.join('?' * len(skip))})"
        args += list(skip)
    return sql, args


DUE = "((state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_expires_at <= ?))"


def claim(
    con: apsw.Connection,
    owner: str,
    now: datetime,
    lease_until: datetime,
    *,
    kinds: tuple[str, ...] | None = None,
    skip: tuple[str, ...] = (),
    job_id: int | None = None,
) -> Job | None:
    """Take the next due job: a queued one, or a running one whose worker's lease ran out (it died). Only of
    `kinds` (any when None) and none of `skip`; only job `job_id` when given."""
    only, args = _kinds(kinds, skip)
    if job_id is not None:
        only += " AND id = ?"
        args.append(job_id)
    candidate = row(
        con,
        f"SELECT id, state, lease_expires_at FROM jobs WHERE {DUE}{only} ORDER BY run_after, id LIMIT 1",
        (to_db(now), to_db(now), *args),
    )
    if candidate is None:
        return None
    # Conditional on the state we saw: if another worker claimed it meanwhile, no row changes.
    con.execute(
        "UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, "
        "updated_at = ? WHERE id = ? AND state = ? AND coalesce(lease_expires_at, '') = coalesce(?, '')",
        (
            owner,
            to_db(lease_until),
            to_db(now),
            candidate["id"],
            candidate["state"],
            candidate["lease_expires_at"],
        ),
    )
    if con.changes() != 1:
        return None
    return get(con, candidate["id"])


def due(
    con: apsw.Connection, now: datetime, kinds: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()
) -> bool:
    """Is any job ready to be claimed? (A cheap read before taking the write lock to claim.)"""
    only, args = _kinds(kinds, skip)
    return bool(
        value(con, f"SELECT EXISTS (SELECT 1 FROM jobs WHERE {DUE}{only})", (to_db(now), to_db(now), *args))
    )


def available(con: apsw.Connection, now: datetime, kinds: tuple[str, ...], limit: int) -> list[Job]:
    """The jobs of `kinds` that could be claimed now, the next first."""
    only, args = _kinds(kinds)
    return [
        _job(r)
        for r in rows(
            con,
            f"SELECT * FROM jobs WHERE {DUE}{only} ORDER BY run_after, id LIMIT ?",
            (to_db(now), to_db(now), *args, limit),
        )
    ]


def release(con: apsw.Connection, job_id: int, owner: str, now: datetime) -> bool:
    """Give a job back at once, without counting the attempt (the worker is stopping, not failing)."""
    con.execute(
        "UPDATE jobs SET state = 'queued', run_after = ?, attempts = max(0, attempts - 1), lease_owner = NULL, "
        "lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
        (to_db(now), to_db(now), job_id, owner),
    )
    return con.changes() == 1


def release_all_of(con: apsw.Connection, owner_prefix: str, now: datetime) -> int:
    """Give back at once every running job whose owner's name starts with `owner_prefix` (a removed runner's)."""
    con.execute(
        "UPDATE jobs SET state = 'queued', run_after = ?, attempts = max(0, attempts - 1), lease_owner = NULL, "
        "lease_expires_at = NULL, updated_at = ? "
        "WHERE state = 'running' AND substr(lease_owner, 1, length(?)) = ?",
        (to_db(now), to_db(now), owner_prefix, owner_prefix),
    )
    return con.changes()


def running_of(con: apsw.Connection, owner_prefix: str) -> list[Job]:
    return [
        _job(r)
        for r in rows(
            con,
            "SELECT * FROM jobs WHERE state = 'running' AND substr(lease_owner, 1, length(?)) = ? ORDER BY id",
            (owner_prefix, owner_prefix),
        )
    ]


def get(con: apsw.Connection, job_id: int) -> Job | None:
    r = row(con, "SELECT * FROM jobs WHERE id = ?", (job_id,))
    return _job(r) if r else None


def heartbeat(
    con: apsw.Connection, job_id: int, owner: str, lease_until: datetime, progress: float, now: datetime
) -> bool:
    con.execute(
        "UPDATE jobs SET lease_expires_at = ?, progress = ?, updated_at = ? "
        "WHERE id = ? AND lease_owner = ? AND state = 'running'",
        (to_db(lease_until), max(0.0, min(1.0, progress)), to_db(now), job_id, owner),
    )
    return con.changes() == 1


def finish(con: apsw.Connection, job_id: int, owner: str, now: datetime) -> bool:
    con.execute(
        "UPDATE jobs SET state = 'done', progress = 1, lease_owner = NULL, lease_expires_at = NULL, "
        "finished_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
        (to_db(now), to_db(now), job_id, owner),
    )
    return con.changes() == 1


def retry_later(
    con: apsw.Connection, job_id: int, owner: str, error: str, run_after: datetime, now: datetime
) -> bool:
    con.execute(
        "UPDATE jobs SET state = 'queued', run_after = ?, last_error = ?, lease_owner = NULL, "
        "lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
        (to_db(run_after), error, to_db(now), job_id, owner),
    )
    return con.changes() == 1


def fail(con: apsw.Connection, job_id: int, owner: str | None, error: str, now: datetime) -> bool:
    con.execute(
        "UPDATE jobs SET state = 'failed', last_error = ?, lease_owner = NULL, lease_expires_at = NULL, "
        "finished_at = ?, updated_at = ? WHERE id = ? AND state = 'running' AND (? IS NULL OR lease_owner = ?)",
        (error, to_db(now), to_db(now), job_id, owner, owner),
    )
    return con.changes() == 1


def requeue_failed(con: apsw.Connection, job_id: int, now: datetime) -> bool:
    con.execute(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, finished_at = NULL, updated_at = ? "
        "WHERE id = ? AND state = 'failed'",
        (to_db(now), to_db(now), job_id),
    )
    return con.changes() == 1


def counts(con: apsw.Connection) -> dict[str, int]:
    found = {state: 0 for state in ("queued", "running", "done", "failed")}
    for state, n in con.execute("SELECT state, count(*) FROM jobs GROUP BY state"):
        found[state] = n
    return found


def recent(con: apsw.Connection, limit: int = 50) -> list[Job]:
    return [_job(r) for r in rows(con, "SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,))]


def cancel(con: apsw.Connection, kind: str, subject_ids: list[int]) -> None:
    """Drop the queued or running jobs of one kind for these subjects (their subjects are gone)."""
    con.executemany("DELETE FROM jobs WHERE kind = ? AND subject_id = ?", [(kind, s) for s in subject_ids])

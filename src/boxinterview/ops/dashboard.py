"""What the operator watches: candidates answering now and their uploads, the processing queue, throughput over
the last hour, disk space and how long it lasts at the current rate, the last backup, recent errors. One read,
cheap enough to repeat every two seconds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain.models import candidate_label
from boxinterview.ops import health
from boxinterview.store import Database
from boxinterview.store import dashboard as sql
from boxinterview.store import runners as runners_sql

ACTIVE_WINDOW = timedelta(minutes=10)  # an upload that moved within this is "arriving now"


@dataclass(frozen=True)
class ActiveUpload:
    upload_id: str
    candidate: str  # "Candidate 7" in blind interviews
    interview: str
    question: int
    take: int
    received: int
    length: int | None
    updated_at: datetime

    @property
    def share(self) -> float | None:
        return self.received / self.length if self.length else None


@dataclass(frozen=True)
class QueuedJob:
    id: int
    recording_id: int
    state: str
    attempts: int
    max_attempts: int
    progress: float
    last_error: str
    held_by: str  # who works on a running job: "server", or the remote runner's name


def holder(lease_owner: str | None, runner_names: dict[int, str]) -> str:
    """Who a job's lease owner is: a remote runner (`runner:ID:…`, by its name) or this server's worker."""
    if not lease_owner:
        return ""
    kind, _, rest = lease_owner.partition(":")
    runner_id = rest.partition(":")[0]
    if kind == "runner" and runner_id.isdigit():
        return runner_names.get(int(runner_id), f"runner {runner_id}")
    return "server"


@dataclass(frozen=True)
class Dashboard:
    at: datetime
    candidates_now: int
    uploads: list[ActiveUpload]
    uploads_total: int  # all arriving now, of which `uploads` shows the most recent
    jobs: list[QueuedJob]
    runners: int  # remote runners registered (docs/scaling.md)
    per_minute: list[int]  # bytes received in each of the last 60 minutes, oldest first
    disk: health.Disk  # how long it lasts at the last week's upload rate
    backup: health.LastBackup
    backup_failed: str  # the last backup's error, when the last attempt failed
    errors: list[tuple[datetime, str, str]]  # (when, what and its number: "recording 14", detail)


def _read(con: apsw.Connection, now: datetime, limit: int) -> dict[str, Any]:
    minute = int(now.timestamp() // 60)
    since = now - ACTIVE_WINDOW
    uploads = sql.active_uploads(con, since, limit)
    return {
        "candidates": sql.candidates_in_interview(con, since),
        "uploads": uploads,
        "uploads_total": uploads[0]["total"] if uploads else 0,
        "jobs": sql.open_jobs(con, now - timedelta(days=7), limit),
        "traffic": sql.traffic(con, minute - 59),
        "week": sql.traffic_since(con, minute - 7 * 24 * 60),
        "backup_event": sql.last_backup_event(con),
        "errors": sql.recent_errors(con, 8),
        "runners": {r["id"]: r["name"] for r in runners_sql.listing(con)},
    }


def dashboard(db: Database, settings: Settings, now: datetime | None = None, limit: int = 50) -> Dashboard:
    now = now or clock.now()
    found = db.read(_read, now, limit)
    minute = int(now.timestamp() // 60)
    # Each answer is kept as sent and as played back (about as large again): twice what arrives.
    daily = 2 * found["week"] / 7
    event = found["backup_event"]
    failed = ""
    if event and event["action"] == "backup.failed":
        failed = json.loads(event["detail"]).get("error", "failed")
    uploads = [
        ActiveUpload(
            u["id"],
            candidate_label(u["name"], u["number"], u["blind_review"]),
            u["interview"],
            u["question"],
            u["take"],
            u["received"],
            u["length"],
            clock.from_db(u["updated_at"]),
        )
        for u in found["uploads"]
    ]
    return Dashboard(
        at=now,
        candidates_now=found["candidates"],
        uploads=uploads,
        uploads_total=found["uploads_total"],
        jobs=[
            QueuedJob(
                j["id"],
                j["subject_id"],
                j["state"],
                j["attempts"],
                j["max_attempts"],
                j["progress"],
                j["last_error"],
                holder(j["lease_owner"], found["runners"]),
            )
            for j in found["jobs"]
        ],
        runners=len(found["runners"]),
        per_minute=[found["traffic"].get(m, 0) for m in range(minute - 59, minute + 1)],
        disk=health.disk(settings, daily),
        backup=health.last_backup(settings, now),
        backup_failed=failed,
        errors=[(clock.from_db(e["at"]), f"{e['what']} {e['ref']}", e["detail"]) for e in found["errors"]],
    )

"""How the appliance is doing, for `/metrics`, the console and the operator's alerts: disk space, backups, and
the figures of uploads and processing from the store."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.ops import backup
from boxinterview.store import Database
from boxinterview.store import metrics as metrics_sql


@dataclass(frozen=True)
class Health:
    disk_free_bytes: int
    disk_total_bytes: int
    last_backup: backup.BackupInfo | None
    last_backup_age_seconds: float | None
    figures: dict[str, float]

    @property
    def disk_free_percent(self) -> float:
        return 100 * self.disk_free_bytes / self.disk_total_bytes if self.disk_total_bytes else 0.0


@dataclass(frozen=True)
class Problem:
    key: str
    what: str
    detail: str
    action: str


def snapshot(db: Database, settings: Settings, now: datetime | None = None) -> Health:
    now = now or clock.now()
    usage = shutil.disk_usage(settings.data_dir)
    last = backup.newest(settings)
    age = (now - last.created_at).total_seconds() if last else None
    return Health(usage.free, usage.total, last, age, db.read(metrics_sql.figures))


def problems(health: Health, settings: Settings) -> list[Problem]:
    out = []
    h = settings.health
    free_gb = health.disk_free_bytes / 1e9
    if health.disk_free_percent < h.disk_low_percent or free_gb < h.disk_low_gb:
        out.append(
            Problem(
                "disk",
                "The disk is nearly full",
                f"{free_gb:.1f} GB ({health.disk_free_percent:.0f}%) free on the disk of {settings.data_dir}.",
                "Free space or grow the disk before uploads start failing; old backups are in "
                f"{backup.folder(settings)} (rotation: backup.hourly, daily, weekly).",
            )
        )
    age = health.last_backup_age_seconds
    if h.backup_max_age_hours and (age is None or age > h.backup_max_age_hours * 3600):
        last = health.last_backup
        since = (
            "there is no backup yet"
            if last is None or age is None
            else (f"the newest backup, {last.name}, is {age / 3600:.0f} hours old")
        )
        out.append(
            Problem(
                "backup-age",
                "Backups have stopped",
                since + ".",
                "Check `systemctl status boxinterview-backup.timer` and run `boxinterview backup` to see the error.",
            )
        )
    return out


def prometheus(health: Health) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    f = health.figures
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, value: float, labels: str = "") -> None:
        if not any(line.startswith(f"# HELP boxinterview_{name} ") for line in lines):
            lines.append(f"# HELP boxinterview_{name} {help_text}")
            lines.append(f"# TYPE boxinterview_{name} {kind}")
        lines.append(f"boxinterview_{name}{labels} {value:g}")

    metric("uploads_in_flight", "gauge", "Uploads started and not yet complete.", f["uploads_in_flight"])
    metric(
        "upload_received_bytes",
        "gauge",
        "Bytes received and acknowledged over all stored uploads.",
        f["upload_bytes_received"],
    )
    metric("uploads_completed", "gauge", "Uploads completed (of those still stored).", f["uploads_completed"])
    for state in ("queued", "running", "failed", "done"):
        metric("jobs", "gauge", "Processing jobs by state.", f[f"jobs_{state}"], f'{{state="{state}"}}')
    metric(
        "processing_seconds_sum",
        "gauge",
        "Seconds from queued to done, summed over finished jobs.",
        f["processing_seconds"],
    )
    metric("processing_seconds_count", "gauge", "Finished processing jobs.", f["jobs_done"])
    for state in ("rejected", "failed"):
        metric(
            "recordings_unusable",
            "gauge",
            "Recordings rejected (unusable input) or failed (after retries).",
            f[f"recordings_{state}"],
            f'{{state="{state}"}}',
        )
    for state in ("queued", "failed"):
        metric(
            "mail", "gauge", "Messages in the outbox by state.", f[f"mail_{state}"], f'{{state="{state}"}}'
        )
    metric("disk_free_bytes", "gauge", "Free bytes on the data directory's disk.", health.disk_free_bytes)
    metric("disk_total_bytes", "gauge", "Size of the data directory's disk.", health.disk_total_bytes)
    if health.last_backup_age_seconds is not None:
        metric(
            "last_backup_age_seconds", "gauge", "Age of the newest backup.", health.last_backup_age_seconds
        )
    return "\n".join(lines) + "\n"

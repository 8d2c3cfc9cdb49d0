"""How the appliance is doing, for `/metrics`, the console and the operator's alerts: disk space, backups, and
the figures of uploads and processing from the store. The disk and backup figures, and when each is a worry,
are worked out here alone; the console's dashboard, the metrics and the alerts all show these."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.ops import backup
from boxinterview.store import Database
from boxinterview.store import metrics as metrics_sql

disk_usage = shutil.disk_usage  # the one place the appliance asks the file system how full it is


@dataclass(frozen=True)
class Disk:
    free: int  # bytes
    total: int
    low: bool  # below `health.disk_low_percent` or `health.disk_low_gb`
    days_left: float | None = None  # at the given rate of writing; None when nothing is being written

    @property
    def free_percent(self) -> float:
        return 100 * self.free / self.total if self.total else 0.0


@dataclass(frozen=True)
class LastBackup:
    newest: backup.BackupInfo | None
    age: timedelta | None
    overdue: bool  # none yet, or older than `health.backup_max_age_hours` (when that is not 0)


def disk(settings: Settings, bytes_per_day: float = 0.0) -> Disk:
    """The data directory's disk: how much is free, whether that is too little, and how long it lasts."""
    usage = disk_usage(settings.data_dir)
    h = settings.health
    percent = 100 * usage.free / usage.total if usage.total else 0.0
    low = percent < h.disk_low_percent or usage.free / 1e9 < h.disk_low_gb
    return Disk(usage.free, usage.total, low, usage.free / bytes_per_day if bytes_per_day else None)


def last_backup(settings: Settings, now: datetime) -> LastBackup:
    newest = backup.newest(settings)
    age = now - newest.created_at if newest else None
    hours = settings.health.backup_max_age_hours
    overdue = bool(hours) and (age is None or age > timedelta(hours=hours))
    return LastBackup(newest, age, overdue)


@dataclass(frozen=True)
class Health:
    disk: Disk
    backup: LastBackup
    figures: dict[str, float]


@dataclass(frozen=True)
class Problem:
    key: str
    what: str
    detail: str
    action: str


def snapshot(db: Database, settings: Settings, now: datetime | None = None) -> Health:
    now = now or clock.now()
    return Health(disk(settings), last_backup(settings, now), db.read(metrics_sql.figures))


def problems(health: Health, settings: Settings) -> list[Problem]:
    out = []
    d, b = health.disk, health.backup
    if d.low:
        out.append(
            Problem(
                "disk",
                "The disk is nearly full",
                f"{d.free / 1e9:.1f} GB ({d.free_percent:.0f}%) free on the disk of {settings.data_dir}.",
                "Free space or grow the disk before uploads start failing; old backups are in "
                f"{backup.folder(settings)} (rotation: backup.hourly, daily, weekly).",
            )
        )
    if b.overdue:
        since = (
            "there is no backup yet"
            if b.newest is None or b.age is None
            else (f"the newest backup, {b.newest.name}, is {b.age.total_seconds() / 3600:.0f} hours old")
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
    metric("disk_free_bytes", "gauge", "Free bytes on the data directory's disk.", health.disk.free)
    metric("disk_total_bytes", "gauge", "Size of the data directory's disk.", health.disk.total)
    if health.backup.age is not None:
        metric(
            "last_backup_age_seconds", "gauge", "Age of the newest backup.", health.backup.age.total_seconds()
        )
    return "\n".join(lines) + "\n"

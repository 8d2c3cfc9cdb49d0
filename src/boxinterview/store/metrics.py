"""SQL for the figures `/metrics` and the console show: uploads, processing queue, failures."""

from __future__ import annotations

import apsw

from boxinterview.store._sql import row


def figures(con: apsw.Connection) -> dict[str, float]:
    uploads = row(
        con,
        "SELECT count(*) FILTER (WHERE completed_at IS NULL AND ended_at IS NULL) AS in_flight, "
        "coalesce(sum(received), 0) AS received, count(*) FILTER (WHERE completed_at IS NOT NULL) AS completed "
        "FROM uploads",
    )
    jobs = row(
        con,
        "SELECT count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE state = 'running') AS running, "
        "count(*) FILTER (WHERE state = 'failed') AS failed, count(*) FILTER (WHERE state = 'done') AS done, "
        "coalesce(sum((julianday(finished_at) - julianday(created_at)) * 86400) FILTER (WHERE state = 'done'), 0) "
        "AS seconds FROM jobs",
    )
    recordings = row(
        con,
        "SELECT count(*) FILTER (WHERE state = 'rejected') AS rejected, count(*) FILTER (WHERE state = 'failed') AS failed "
        "FROM recordings",
    )
    outbox = row(
        con,
        "SELECT count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE state = 'failed') AS failed FROM outbox",
    )
    assert uploads and jobs and recordings and outbox
    return {
        "uploads_in_flight": uploads["in_flight"],
        "upload_bytes_received": uploads["received"],
        "uploads_completed": uploads["completed"],
        "jobs_queued": jobs["queued"],
        "jobs_running": jobs["running"],
        "jobs_failed": jobs["failed"],
        "jobs_done": jobs["done"],
        "processing_seconds": jobs["seconds"],
        "recordings_rejected": recordings["rejected"],
        "recordings_failed": recordings["failed"],
        "mail_queued": outbox["queued"],
        "mail_failed": outbox["failed"],
    }

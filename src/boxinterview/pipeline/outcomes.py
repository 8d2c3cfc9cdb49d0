"""How a processing job ends, whoever did the work (this server's worker or a remote runner): done, with the
move to the bucket queued in the same transaction; or failed, then retried with exponential backoff until its
attempts run out, when its subject is marked failed and the operator is told."""

from __future__ import annotations

from datetime import timedelta

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain import interview_media, placement, recordings
from boxinterview.mail import alerts
from boxinterview.store import jobs as jobs_sql
from boxinterview.store.jobs import Job

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0
# The jobs remote runners do, and what this server's worker leaves to them with `media.local_processing: false`.
RUNNER_KINDS = (recordings.PROCESS_JOB, interview_media.MEDIA_JOB)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)))


def move_kind(job: Job) -> str:
    """The job that moves what `job` made to the bucket."""
    return placement.MOVE_MEDIA_JOB if job.kind == interview_media.MEDIA_JOB else placement.MOVE_JOB


def finished(con: apsw.Connection, job: Job, owner: str, ready: bool, to_bucket: bool) -> bool:
    """The job is done (False when `owner` no longer holds it); what is ready moves to the bucket, if there is
    one, in the same transaction, so it always moves."""
    now = clock.now()
    if not jobs_sql.finish(con, job.id, owner, now):
        return False
    if ready and to_bucket:
        placement.queue_move(con, move_kind(job), job.subject_id, now)
    return True


def failed(con: apsw.Connection, settings: Settings, job: Job, owner: str, reason: str) -> None:
    """Try the job again later, or, on its last attempt, mark it and its subject failed and tell the operator."""
    now = clock.now()
    if job.attempts >= job.max_attempts:
        jobs_sql.fail(con, job.id, owner, reason, now)
        what = "recording"
        if job.kind in (placement.MOVE_JOB, placement.MOVE_MEDIA_JOB):
            what = "move to the bucket"  # the files stay on this disk and play from there
        elif job.kind == interview_media.MEDIA_JOB:
            what = "team video"  # the welcome or a question on video; reviewers read why on their page
            interview_media.fail_in(con, job.subject_id, reason, now)
        else:
            recordings.fail_if_unfinished(
                con, job.subject_id, recordings.FAILED_ON_OUR_SIDE, now
            )  # candidates read it
        alerts.queue_in(
            con,
            settings,
            "processing",
            f"A {what} could not be processed",  # same transaction
            f"Job {job.id}, {what} {job.subject_id}: {reason}",
            f"Look at `boxinterview jobs`, fix the cause, then `boxinterview jobs --retry {job.id}`.",
            now,
            daily=False,
        )
    else:
        jobs_sql.retry_later(con, job.id, owner, reason, now + backoff(job.attempts), now)

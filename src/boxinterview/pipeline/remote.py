"""The server's side of remote runners' jobs: offering them, handing one over (with its job token), renewing its
lease, and accepting what the runner made, or its error, under the same rules as this server's own worker.

A runner holds a job exactly as a worker does: through the job's lease, owned as `runner:ID:HASH`, where HASH
comes from the job token it was given on accepting. A call about a job the runner no longer holds (its lease
ran out and another took the job, the job was finished or cancelled, the runner was removed) is answered with
`Gone`, and the runner drops the job. Nothing here speaks HTTP (`web/handlers/runners.py` does)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import apsw

from boxinterview import clock, files
from boxinterview.config.settings import Settings
from boxinterview.domain import interview_media, recordings, runners
from boxinterview.domain.models import Recording, RecordingState
from boxinterview.domain.runners import Runner
from boxinterview.errors import Conflict, Gone, Invalid, NotFound
from boxinterview.media import MediaError, PlaybackOptions
from boxinterview.pipeline import outcomes, processing, remote_team
from boxinterview.pipeline.playable import Expectation, Rejected
from boxinterview.store import Database
from boxinterview.store import jobs as jobs_sql
from boxinterview.store.jobs import Job

log = logging.getLogger(__name__)

JOB_PREFIX = "bxjob_"
OFFERED = 10  # jobs listed at once to a runner asking for work
MAX_MESSAGE = 2000  # characters of a runner's error kept with the job
MAX_REASON = 500  # characters of a rejection's reason, which the candidate reads


@dataclass(frozen=True)
class Assignment:
    """A job a runner has accepted: what it must make, and the token for every call about it."""

    job: Job
    token: str
    make: str  # "answer" (a candidate's recording) or "team_video"
    expectation: Expectation | None  # for an answer
    source: str  # the file name of what is to be made, for the runner to name back
    options: PlaybackOptions
    lease_seconds: int


def owner(runner: Runner, job_token: str) -> str:
    return f"{runners.owner_prefix(runner.id)}{runners.hashed(job_token)[:16]}"


def _lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.media.job_lease_seconds)


def as_json(job: Job) -> dict[str, Any]:
    """What a runner is told about a job."""
    return {
        "id": job.id,
        "kind": job.kind,
        "subject_id": job.subject_id,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "progress": job.progress,
    }


def available(db: Database) -> list[Job]:
    """The jobs a runner could accept now, the next first."""
    return db.read(jobs_sql.available, clock.now(), outcomes.RUNNER_KINDS, OFFERED)


def accept(db: Database, settings: Settings, runner: Runner, job_id: int) -> Assignment:
    """Hand job `job_id` to `runner`, with the same conditional claim as the worker's: Conflict when another
    runner or this server's worker has it (or it is not due)."""
    token = JOB_PREFIX + secrets.token_urlsafe(32)
    holder = owner(runner, token)
    now = clock.now()
    job = db.write(
        jobs_sql.claim, holder, now, now + _lease(settings), kinds=outcomes.RUNNER_KINDS, job_id=job_id
    )
    if job is None:
        existing = db.read(jobs_sql.get, job_id)
        if existing is None or existing.kind not in outcomes.RUNNER_KINDS:
            raise NotFound(f"no job {job_id} that runners do; ask for the jobs there are")
        raise Conflict(
            f"job {job_id} is taken (by another runner or the server) or not due yet; ask for jobs again"
        )
    _tidy(db, job)
    if job.kind == interview_media.MEDIA_JOB:
        media = remote_team.begin(db, job, holder, _to_bucket(settings))
        log.info("job %s (interview video %s) accepted by runner %s", job.id, job.subject_id, runner.name)
        return Assignment(
            job,
            token,
            "team_video",
            None,
            remote_team.source(media),
            processing.playback_options(settings),
            settings.media.job_lease_seconds,
        )
    try:
        rec = processing.begin(db, settings, job.subject_id)
    except NotFound:
        db.write(outcomes.finished, job, holder, False, False)  # the recording was erased meanwhile
        raise Gone(f"job {job_id}'s recording has been deleted; ask for another job") from None
    if rec.state is not RecordingState.PROCESSING:
        db.write(outcomes.finished, job, holder, rec.state is RecordingState.READY, _to_bucket(settings))
        raise Conflict(f"job {job_id} was done already; ask for another job")
    expected = processing.expectation(db, job.subject_id, settings.media.duration_tolerance_seconds)
    log.info("job %s (recording %s) accepted by runner %s", job.id, job.subject_id, runner.name)
    return Assignment(
        job,
        token,
        "answer",
        expected,
        Path(rec.original_path or "").name,
        processing.playback_options(settings),
        settings.media.job_lease_seconds,
    )


def _tidy(db: Database, job: Job) -> None:
    """Remove what a runner that lost this job left half sent (its request cut off)."""
    try:
        found = original(db, job.subject_id, job.kind)
    except NotFound:
        return
    for stale in found.parent.glob("runner-*.tmp.*"):
        files.remove(stale)


def _to_bucket(settings: Settings) -> bool:
    return settings.storage.kind == "s3"


def holding(db: Database, runner: Runner, job_id: int, job_token: str) -> Job:
    """The job, while this runner holds it with this job token; Gone otherwise."""
    job = db.read(jobs_sql.get, job_id)
    if job is None or job.state != "running" or job.lease_owner != owner(runner, job_token):
        raise _gone(job_id)
    return job


def _gone(job_id: int) -> Gone:
    return Gone(
        f"job {job_id} is no longer yours (its lease ran out and it went to another, it was finished or "
        "cancelled, or the job token is wrong): drop it and ask for another job"
    )


def update(
    db: Database, settings: Settings, runner: Runner, job_id: int, job_token: str, progress: float
) -> Job:
    """Renew the lease and note the progress (0 to 1)."""
    if not 0.0 <= progress <= 1.0:
        raise Invalid("progress is a number from 0 to 1")
    now = clock.now()
    holder = owner(runner, job_token)
    if not db.write(jobs_sql.heartbeat, job_id, holder, now + _lease(settings), progress, now):
        holding(db, runner, job_id, job_token)  # says why
    return holding(db, runner, job_id, job_token)


def input_of(db: Database, runner: Runner, job_id: int, job_token: str) -> Path:
    """The recording (or team video) a job is about, for the runner holding it."""
    job = holding(db, runner, job_id, job_token)
    return original(db, job.subject_id, job.kind)


def original(db: Database, subject_id: int, kind: str) -> Path:
    if kind == interview_media.MEDIA_JOB:
        return Path(interview_media.get(db, subject_id).original_path)
    return Path(recordings.get(db, subject_id).original_path or "")


def folder(db: Database, runner: Runner, job_id: int, job_token: str) -> Path:
    """Where the runner's files for this job are received (the recording's own folder)."""
    return input_of(db, runner, job_id, job_token).parent


async def succeed(
    db: Database,
    settings: Settings,
    runner: Runner,
    job_id: int,
    job_token: str,
    playback: Path,
    poster: Path | None,
    level: float | None,
    source: str = "",
) -> None:
    """Take what the runner made, once it has been checked here; the recording is then ready. What does not
    match the recording counts as a failed attempt (tried again under the usual rules) and raises Invalid."""
    holder = owner(runner, job_token)
    job = await db.call(holding, db, runner, job_id, job_token)
    if job.kind == interview_media.MEDIA_JOB:
        who = f"runner {runner.name}"
        await remote_team.succeed(db, settings, job, holder, who, source, playback, _to_bucket(settings))
        return
    if poster is None:
        raise Invalid("missing part: poster; send playback, poster and loudness_lufs")
    job, rec, expected = await db.call(_subject, db, settings, runner, job_id, job_token)
    try:
        made = await processing.check_made(settings, rec, expected, playback, poster, level)
    except Rejected as why:  # the runner should have said so: this server does not accept the recording
        await db.call(_reject, db, runner, job, job_token, str(why))
        return
    except MediaError as exc:
        await db.awrite(outcomes.failed, settings, job, holder, f"runner {runner.name}: {exc}")
        raise Invalid(f"{exc}; the job will be tried again") from None

    def tx(con: apsw.Connection) -> None:
        if not outcomes.finished(con, job, holder, True, _to_bucket(settings)):
            raise _gone(job_id)
        placed = processing.place(made, Path(rec.original_path or "").parent)
        processing.mark_ready(db, job.subject_id, placed, con)

    await db.awrite(tx)
    processing.drop_preview(rec)
    log.info("job %s: recording %s is ready (made by runner %s)", job.id, job.subject_id, runner.name)


def _subject(
    db: Database, settings: Settings, runner: Runner, job_id: int, job_token: str
) -> tuple[Job, Recording, Expectation]:
    job = holding(db, runner, job_id, job_token)
    expected = processing.expectation(db, job.subject_id, settings.media.duration_tolerance_seconds)
    return job, recordings.get(db, job.subject_id), expected


def reject(db: Database, runner: Runner, job_id: int, job_token: str, reason: str, source: str = "") -> None:
    """The runner found the recording (or team video) unusable; `reason` is for the candidate (or the team)."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        raise Invalid(f"give the reason the candidate reads, 1 to {MAX_REASON} characters")
    job = holding(db, runner, job_id, job_token)
    if job.kind == interview_media.MEDIA_JOB:
        remote_team.reject(db, job, owner(runner, job_token), source, reason)
        return
    _reject(db, runner, job, job_token, reason)


def _reject(db: Database, runner: Runner, job: Job, job_token: str, reason: str) -> None:
    def tx(con: apsw.Connection) -> Recording:
        if not outcomes.finished(con, job, owner(runner, job_token), False, False):
            raise _gone(job.id)
        return recordings.reject(con, job.subject_id, reason, clock.now())

    processing.drop_preview(db.write(tx))
    log.info("job %s: recording %s rejected by runner %s: %s", job.id, job.subject_id, runner.name, reason)


def error(db: Database, settings: Settings, runner: Runner, job_id: int, job_token: str, message: str) -> Job:
    """The runner could not do the job: tried again later, or failed for good, as for this server's worker."""
    message = " ".join(message.split())[:MAX_MESSAGE] or "no reason given"
    job = holding(db, runner, job_id, job_token)
    db.write(outcomes.failed, settings, job, owner(runner, job_token), f"runner {runner.name}: {message}")
    log.warning("job %s failed on runner %s (attempt %d): %s", job.id, runner.name, job.attempts, message)
    return db.read(jobs_sql.get, job_id) or job


def abort(db: Database, runner: Runner, job_id: int, job_token: str) -> None:
    """The runner is stopping: the job goes back to the queue now, its attempt not counted."""
    if not db.write(jobs_sql.release, job_id, owner(runner, job_token), clock.now()):
        holding(db, runner, job_id, job_token)
    log.info("job %s handed back by runner %s", job_id, runner.name)


def discard(*paths: Path) -> None:
    for path in paths:
        files.remove(path)

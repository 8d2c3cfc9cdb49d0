"""The hiring team's videos made by remote runners: the server's side (see `remote` for recordings).

A team video can be replaced while a runner works on it (the team sends another). The runner names the file it
was given (`source`, the original's file name handed over on accepting); if the video changed meanwhile, what it
made is dropped and the job goes back to the queue at once for the new one, as the server's worker would go on
to process the new one itself."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain import interview_media
from boxinterview.domain.interview_media import TeamMedia
from boxinterview.errors import Conflict, Gone, Invalid, NotFound
from boxinterview.media import MediaError, probe
from boxinterview.pipeline import outcomes
from boxinterview.pipeline.playable import Rejected, team_checked, team_mismatch
from boxinterview.store import Database
from boxinterview.store import jobs as jobs_sql
from boxinterview.store.jobs import Job

log = logging.getLogger(__name__)


def begin(db: Database, job: Job, holder: str, to_bucket: bool) -> TeamMedia:
    """The video a runner has just accepted the job of, while it is still to be processed."""
    try:
        media = interview_media.get(db, job.subject_id)
    except NotFound:
        db.write(outcomes.finished, job, holder, False, False)
        raise Gone(f"job {job.id}'s video has been removed; ask for another job") from None
    if media.state != "processing":
        db.write(outcomes.finished, job, holder, media.state == "ready", to_bucket)
        raise Conflict(f"job {job.id} was done already; ask for another job")
    return media


def source(media: TeamMedia) -> str:
    return Path(media.original_path).name


def _current(db: Database, job: Job, holder: str, given: str) -> TeamMedia:
    """The video as it is now, if it is still the one the runner was given; else the job is settled (removed)
    or queued again (replaced), and the runner told to drop it."""
    try:
        media = interview_media.get(db, job.subject_id)
    except NotFound:
        db.write(outcomes.finished, job, holder, False, False)
        raise Gone(f"job {job.id}'s video has been removed; drop it") from None
    if source(media) != given or media.state != "processing":
        db.write(jobs_sql.release, job.id, holder, clock.now())
        raise Gone(f"job {job.id}'s video was replaced while it was made; drop it (it is queued again)")
    return media


async def succeed(
    db: Database,
    settings: Settings,
    job: Job,
    holder: str,
    who: str,
    given: str,
    playback: Path,
    to_bucket: bool,
) -> None:
    media = await db.call(_current, db, job, holder, given)
    try:
        info = await team_checked(Path(media.original_path), settings.media.ffprobe)
    except Rejected as why:
        await db.call(reject, db, job, holder, given, str(why))
        return
    try:
        played = await probe(playback, settings.media.ffprobe)
    except MediaError:
        played = None
    wrong = "ffprobe cannot read it" if played is None else team_mismatch(played, info)
    if wrong is not None or played is None:
        await db.awrite(outcomes.failed, settings, job, holder, f"{who}: {wrong}")
        raise Invalid(f"the playable file does not match the video: {wrong}; the job will be tried again")
    original = Path(media.original_path)
    target = original.with_name(f"playback-{uuid.uuid4().hex[:12]}{'.mp4' if info.video else '.m4a'}")
    duration_ms = round(played.duration_s * 1000)

    def tx(con: apsw.Connection) -> bool:
        if not interview_media.finish_in(
            con, media, "ready", playback_path=str(target), duration_ms=duration_ms
        ):
            jobs_sql.release(con, job.id, holder, clock.now())  # replaced this very moment
            return False
        if not outcomes.finished(con, job, holder, True, to_bucket):
            raise Gone(f"job {job.id} is no longer yours: drop it and ask for another job")
        os.replace(playback, target)
        return True

    if not await db.awrite(tx):
        raise Gone(f"job {job.id}'s video was replaced while it was made; drop it (it is queued again)")
    log.info("job %s: interview video %s is ready", job.id, job.subject_id)


def reject(db: Database, job: Job, holder: str, given: str, reason: str) -> None:
    """The video cannot be played; `reason` is for the team."""
    media = _current(db, job, holder, given)

    def tx(con: apsw.Connection) -> None:
        if not interview_media.finish_in(con, media, "rejected", reason=reason):
            jobs_sql.release(con, job.id, holder, clock.now())
            return
        if not outcomes.finished(con, job, holder, False, False):
            raise Gone(f"job {job.id} is no longer yours: drop it and ask for another job")

    db.write(tx)
    log.info("job %s: interview video %s refused: %s", job.id, job.subject_id, reason)

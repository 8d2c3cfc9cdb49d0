"""The processing worker: takes jobs from the queue, at most `media.max_ffmpeg` at once.

Jobs are rows. A worker claims one with a conditional UPDATE and holds it with a lease it renews while working;
if the worker dies, the lease runs out and another worker takes the job over. Failures are retried with
exponential backoff, then marked failed with the reason. On SIGTERM the worker stops claiming, cancels what runs
(killing ffmpeg) and hands those jobs back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

import apsw

from boxinterview import clock, storage
from boxinterview.config.settings import Settings
from boxinterview.domain import integration, interview_media, placement, recordings, uploads
from boxinterview.domain.models import RecordingState
from boxinterview.errors import Conflict
from boxinterview.mail import alerts, sender
from boxinterview.ops import backup, health
from boxinterview.pipeline import interview_media as team_media
from boxinterview.pipeline import live_transcode as live
from boxinterview.pipeline import outcomes, processing, webhooks
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import uploads as uploads_sql
from boxinterview.store.jobs import Job

T = TypeVar("T")

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
SWEEP_SECONDS = 60.0
FOLLOW_SECONDS = 0.5
# A live transcode this far behind its upload is not keeping up: no other starts while one is.
LIVE_KEEPING_UP_SECONDS = 5.0
# A live transcode that has not moved for this long while it had work to do is given up; its job transcodes
# the original. One that is merely slow goes on: it has done part of the work, and catches up.
LIVE_STUCK_SECONDS = 60.0
# Previews made at once (each is a few short ffprobe and ffmpeg runs), for uploads completed this recently (one
# that has waited longer is better served by its playback file).
PREVIEWS_AT_ONCE = 4
PREVIEW_WITHIN = timedelta(minutes=10)


class Worker:
    def __init__(self, db: Database, settings: Settings, name: str | None = None) -> None:
        self.db = db
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = timedelta(seconds=settings.media.job_lease_seconds)
        self.slots = asyncio.Semaphore(settings.media.max_ffmpeg)
        self.running: dict[int, asyncio.Task[None]] = {}
        self.live: dict[int, tuple[live.LiveTranscode, asyncio.Task[object]]] = {}  # by recording id
        self.followed: set[str] = set()  # uploads a live transcode has been tried for
        self.previewed: set[int] = set()  # recordings a preview has been tried for
        self.wake = asyncio.Event()
        self.bucket = storage.open_bucket(settings.storage)
        # Without local processing, recordings and team videos wait for remote runners (docs/scaling.md).
        self.skip = () if settings.media.local_processing else outcomes.RUNNER_KINDS

    async def run(self, stop: asyncio.Event) -> None:
        log.info("worker %s started (%d ffmpeg at most)", self.name, self.settings.media.max_ffmpeg)
        if self.bucket is not None:
            await self._check_bucket()
        sweeper = asyncio.create_task(self._sweep_forever(stop))
        follower = asyncio.create_task(self._follow_uploads(stop))
        previewer = asyncio.create_task(self._preview_uploads(stop))
        mailer = asyncio.create_task(sender.run(self.db, self.settings, stop))
        hooks = asyncio.create_task(webhooks.run(self.db, self.settings, stop))
        try:
            while not stop.is_set():
                await self.slots.acquire()
                job = await self._claim() if not stop.is_set() else None
                if job is None:
                    self.slots.release()
                    self.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_first(stop.wait(), self.wake.wait()), POLL_SECONDS)
                    continue
                task = asyncio.create_task(self._handle(job))
                self.running[job.id] = task
                task.add_done_callback(functools.partial(self._done, self.running, job.id))
        finally:
            sweeper.cancel()
            follower.cancel()
            previewer.cancel()
            hooks.cancel()
            # Jobs are handed back at once (their ffmpeg killed), not after the mail below.
            following = [task for _, task in self.live.values()]
            for each in [*self.running.values(), *following]:
                each.cancel()
            # A message being sent is let finish and marked sent: cut off after the SMTP server took it, it would
            # go again later and its recipient would get it twice. Once stopped, the mailer begins no other.
            if stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(mailer), self.settings.smtp.timeout_seconds + 10)
            mailer.cancel()
            await asyncio.gather(
                *self.running.values(),
                *following,
                sweeper,
                follower,
                previewer,
                mailer,
                hooks,
                return_exceptions=True,
            )
            log.info("worker %s stopped", self.name)

    def _done(self, tasks: dict[int, asyncio.Task[T]], key: int, _task: asyncio.Task[T]) -> None:
        """A job has ended: forget it and free its slot."""
        tasks.pop(key, None)
        self.slots.release()

    def _live_done(self, recording_id: int, task: asyncio.Task[object]) -> None:
        if recording_id in self.live and self.live[recording_id][1] is task:
            del self.live[recording_id]

    async def _claim(self) -> Job | None:
        now = clock.now()
        if not await self.db.aread(jobs_sql.due, now, None, self.skip):
            return None
        return await self.db.awrite(
            functools.partial(jobs_sql.claim, skip=self.skip), self.name, now, now + self.lease
        )

    async def _handle(self, job: Job) -> None:
        progress = 0.0

        def report(p: float) -> None:
            nonlocal progress
            progress = p

        async def heartbeat() -> None:
            while True:
                await asyncio.sleep(self.lease.total_seconds() / 3)
                now = clock.now()
                await self.db.awrite(jobs_sql.heartbeat, job.id, self.name, now + self.lease, progress, now)

        beat = asyncio.create_task(heartbeat())
        try:
            if job.kind == interview_media.MEDIA_JOB:
                done = await team_media.process(self.db, self.settings, job.subject_id, report)
                await self.db.awrite(self._finished, job, done == "ready")
                log.info("job %s: interview video %s is %s", job.id, job.subject_id, done)
                return
            if job.kind in (placement.MOVE_JOB, placement.MOVE_MEDIA_JOB):
                await self._move(job)
                return
            if job.kind != recordings.PROCESS_JOB:
                raise RuntimeError(f"unknown job kind {job.kind!r}")
            following = self.live.get(job.subject_id)
            if following is not None:  # it has done most of the work: let it finish (or be given up if stuck)
                await asyncio.wait({following[1]})
            state = await processing.process(self.db, self.settings, job.subject_id, report)
            await self.db.awrite(self._finished, job, state is RecordingState.READY)
            log.info("job %s: recording %s is %s", job.id, job.subject_id, state)
        except asyncio.CancelledError:
            # Stopping: hand the job back now rather than after the lease runs out.
            await asyncio.shield(self.db.awrite(self._release, job))
            raise
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            log.exception("job %s (recording %s) failed on attempt %d", job.id, job.subject_id, job.attempts)
            await self.db.awrite(self._failed, job, reason)
        finally:
            beat.cancel()

    def _finished(self, con: apsw.Connection, job: Job, ready: bool) -> None:
        outcomes.finished(con, job, self.name, ready, self.bucket is not None)

    async def _move(self, job: Job) -> None:
        if self.bucket is None:  # storage was switched back to local: the files stay here
            await self.db.awrite(jobs_sql.finish, job.id, self.name, clock.now())
            return
        removed = await self.db.call(self._move_files, job.kind, job.subject_id, self.bucket)
        await self.db.awrite(jobs_sql.finish, job.id, self.name, clock.now())
        log.info(
            "job %s (%s %s): %d local file(s) now in the bucket", job.id, job.kind, job.subject_id, removed
        )

    def _move_files(self, kind: str, subject_id: int, bucket: storage.Bucket) -> int:
        move = placement.move_recording if kind == placement.MOVE_JOB else placement.move_team_media
        in_bucket = move(self.db, self.settings.data_dir, bucket, subject_id)
        if self.settings.storage.keep_local_copy or not in_bucket:
            return 0
        with backup.maintenance(self.settings):  # a backup copying the local files finishes first
            return placement.remove_local_copies(self.db, in_bucket)

    async def _check_bucket(self) -> None:
        """Say at start, not only when the first recording is ready, that the bucket cannot be used."""
        assert self.bucket is not None
        try:
            await asyncio.to_thread(self.bucket.check)
        except storage.StorageError as exc:
            log.error("recordings stay on this disk until the bucket can be used: %s", exc)
        else:
            log.info("finished recordings move to bucket %s", self.bucket.name)

    async def _tidy_bucket(self) -> None:
        """Move candidates' documents of finished interviews; delete the objects of replaced team videos and of
        erasures made while the bucket was away. Whatever the bucket refuses now is tried at the next sweep."""
        if self.bucket is None:
            return
        try:
            await self.db.call(self._move_documents, self.bucket)
            await self.db.call(placement.delete_forgotten, self.db, self.bucket)
        except (storage.StorageError, Conflict) as exc:
            log.warning("the bucket is not tidied for now (the files stay on this disk): %s", exc)

    def _move_documents(self, bucket: storage.Bucket) -> None:
        # Copied and removed under the backups' lock (documents are small): one recorded as in the bucket is
        # never left behind on this disk. A backup running now holds it for a while: try at the next sweep.
        with backup.maintenance(self.settings, wait_seconds=5):
            in_bucket = placement.move_documents(self.db, self.settings.data_dir, bucket)
            if not self.settings.storage.keep_local_copy:
                placement.remove_local_copies(self.db, in_bucket)

    def _release(self, con: apsw.Connection, job: Job) -> None:
        jobs_sql.release(con, job.id, self.name, clock.now())

    def _failed(self, con: apsw.Connection, job: Job, reason: str) -> None:
        outcomes.failed(con, self.settings, job, self.name, reason)

    async def _follow_uploads(self, stop: asyncio.Event) -> None:
        """Follow uploads in progress with live transcodes, up to `media.live_transcodes` at once, while the CPU
        keeps up with them. They take none of the job slots: a live transcode mostly waits for the candidate's
        next second, and finished uploads must never wait for one (their ffmpeg also comes first for the CPU).
        With `media.local_processing` off, runners do all the transcoding: none is followed here."""
        media = self.settings.media
        while media.live_transcodes > 0 and media.local_processing and not stop.is_set():
            try:
                self._give_up_the_stuck()
                if self._live_can_start():
                    for upload in await self.db.aread(uploads_sql.in_progress):
                        if not self._live_can_start():
                            break
                        if upload.received == 0 or upload.id in self.followed:
                            continue
                        self.followed.add(upload.id)
                        follower = live.LiveTranscode(self.db, self.settings, upload)
                        task: asyncio.Task[object] = asyncio.create_task(follower.run())
                        self.live[upload.recording_id] = (follower, task)
                        task.add_done_callback(functools.partial(self._live_done, upload.recording_id))
            except Exception:
                log.exception("looking for uploads to follow failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), FOLLOW_SECONDS)

    async def _preview_uploads(self, stop: asyncio.Event) -> None:
        """Give every complete upload that can have one a preview (`processing.preview`) at once, without waiting
        for a job slot: with several answers arriving together, reviewers whose browsers play WebM can watch
        each while its playback file is made. Each is tried once; several at once, for it is mostly waiting for
        processes to start and files to be read."""
        while not stop.is_set():
            try:
                since = clock.now() - PREVIEW_WITHIN
                waiting = await self.db.aread(answers_sql.awaiting_preview, since)
                self.previewed &= {r.id for r in waiting}  # forget those that have moved on
                new = [r.id for r in waiting if r.id not in self.previewed][:PREVIEWS_AT_ONCE]
                self.previewed.update(new)
                for failed in await asyncio.gather(
                    *(processing.preview(self.db, self.settings, i) for i in new), return_exceptions=True
                ):
                    if isinstance(failed, Exception):
                        log.error("making a preview failed", exc_info=failed)
            except Exception:
                log.exception("looking for recordings to preview failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)

    def _live_can_start(self) -> bool:
        return len(self.live) < self.settings.media.live_transcodes and all(
            follower.behind_seconds() < LIVE_KEEPING_UP_SECONDS for follower, _ in self.live.values()
        )

    def _give_up_the_stuck(self) -> None:
        now = time.monotonic()
        for follower, task in self.live.values():
            if (stuck := follower.stuck_seconds(now)) >= LIVE_STUCK_SECONDS and not task.cancelling():
                log.info(
                    "recording %s: live transcode given up, stuck for %.0f s; the job will transcode it",
                    follower.recording_id,
                    stuck,
                )
                task.cancel()

    async def _sweep_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                expired = await self.db.call(uploads.expire_abandoned, self.db, self.settings.data_dir)
                if expired:
                    log.info("removed %d abandoned upload(s)", expired)
                failed = clock.now() - timedelta(days=1)
                if dropped := await self.db.call(processing.drop_failed_previews, self.db, failed):
                    log.info("removed the previews of %d failed recording(s)", dropped)
                await self.db.call(watch_health, self.db, self.settings)
                await self.db.call(
                    integration.forget_old_requests, self.db
                )  # kept answers past a retry's day
                await self._tidy_bucket()
            except Exception:
                log.exception("sweeping abandoned uploads, kept API answers, or checking health failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SWEEP_SECONDS)


def watch_health(db: Database, settings: Settings) -> int:
    """Tell the operator about a disk running full or backups that stopped (once a day each)."""
    found = health.problems(health.snapshot(db, settings), settings)
    return sum(alerts.alert(db, settings, p.key, p.what, p.detail, p.action) for p in found)


async def _first(*aws: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()

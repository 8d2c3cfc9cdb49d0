"""The team's videos go through the job queue: the worker makes them playable, a file that is not media is
refused with a reason the team reads, and a failure on our side is retried, then reported and retryable."""

from __future__ import annotations

import secrets
from pathlib import Path

from boxinterview.domain import accounts, interview_media
from boxinterview.domain.models import Role
from boxinterview.media import probe
from boxinterview.pipeline import job_queue as jobs
from boxinterview.pipeline.worker import Worker
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import outbox as outbox_sql
from tests.media.test_worker import run_until
from tests.support.clips import make
from tests.support.live import prepare
from tests.support.storage_mode import stored


def added(settings, db, interview, data: bytes, question_id: int | None = None) -> int:
    account, _ = accounts.create(db, f"team-{secrets.token_hex(4)}@example.com", Role.ADMIN, "t")
    staged = interview_media.staging_path(settings.data_dir, interview.id, question_id)
    staged.write_bytes(data)
    return interview_media.put(
        db, account, interview.id, question_id, staged, "upload", ".webm", settings.media.job_max_attempts
    )


def job_of(db, media_id: int) -> jobs_sql.Job:
    [job] = [
        j
        for j in db.read(jobs_sql.recent, 1000)
        if (j.kind, j.subject_id) == (interview_media.MEDIA_JOB, media_id)
    ]
    return job


async def test_the_worker_makes_team_videos_playable_and_refuses_what_is_not_media(tmp_path: Path) -> None:
    _, settings, db, interview = prepare(tmp_path, media={"job_lease_seconds": 30})
    q = interview.questions
    good = added(settings, db, interview, make("vp8_opus.webm", tmp_path, seconds=1.0).read_bytes())
    silent = added(settings, db, interview, make("video_no_audio.webm", tmp_path, 1.0).read_bytes(), q[1].id)
    bad = added(settings, db, interview, b"not a video at all", q[0].id)
    still = added(settings, db, interview, make("picture.webm", tmp_path, 1.0).read_bytes(), q[2].id)
    every = (good, silent, bad, still)
    await run_until(  # every video settled, and its job recorded as done (a busy machine may be slower)
        Worker(db, settings),
        lambda: (
            all(interview_media.get(db, i).state != "processing" for i in every)
            and all(job_of(db, i).state == "done" for i in every)
        ),
        timeout=120,
    )
    ready, quiet = interview_media.get(db, good), interview_media.get(db, silent)
    for media in (ready, quiet):  # a video without sound (captions only, say) plays too
        assert media.state == "ready" and media.playback_path and media.playback_path.endswith(".mp4")
        played = await probe(stored(db, media.playback_path, tmp_path / "looked-at"))
        assert played.video is not None and played.video.codec == "h264"
    assert played.audio is None
    refused = interview_media.get(db, bad)
    assert refused.state == "rejected" and "not a video or sound recording" in refused.reason
    picture = interview_media.get(db, still)
    assert picture.state == "rejected" and "picture, not a video" in picture.reason, picture.reason
    assert {job_of(db, i).state for i in every} == {"done"}


async def test_a_failure_on_our_side_is_retried_then_reported_and_can_be_retried(tmp_path: Path) -> None:
    _, settings, db, interview = prepare(
        tmp_path,
        media={"job_lease_seconds": 5, "ffmpeg": "/bin/false", "job_max_attempts": 1},
        smtp={"operator": "ops@example.com"},
    )
    media_id = added(settings, db, interview, make("vp8_opus.webm", tmp_path, seconds=1.0).read_bytes())
    await run_until(Worker(db, settings), lambda: job_of(db, media_id).state == "failed")
    failed = interview_media.get(db, media_id)
    assert failed.state == "failed" and "could not be processed on our side" in failed.reason
    [alert] = [m for m in db.read(outbox_sql.recent) if m["kind"] == "alert.processing"]
    assert "A team video could not be processed" in alert["subject"]
    jobs.retry(db, job_of(db, media_id).id, "test")
    assert job_of(db, media_id).state == "queued" and interview_media.get(db, media_id).state == "processing"

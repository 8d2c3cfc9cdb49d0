"""A recording a runner made ready moves to the bucket like any other (a real SeaweedFS on loopback): the
runner never sees the bucket or its keys; the server's worker, processing nothing itself, moves the files."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from boxinterview import clock
from boxinterview.domain import recordings, runners
from boxinterview.domain.models import RecordingState
from boxinterview.pipeline.worker import Worker
from boxinterview.runner.client import Client
from boxinterview.runner.work import RunnerLoop, Tools
from boxinterview.store import jobs as jobs_sql
from tests.media.test_processing import uploaded
from tests.support.clips import make
from tests.support.objectstore import ObjectStore, moved, object_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    with object_store(tmp_path_factory.mktemp("objectstore")) as running:
        yield running


async def test_a_recording_a_runner_made_moves_to_the_bucket(make_site, store, tmp_path: Path) -> None:
    site = await make_site(storage=store.settings(), media={"local_processing": False})
    rid = uploaded((site.settings, site.db, site.interview), make("vp8_opus.webm", tmp_path, seconds=1))
    client = Client(site.base)
    try:
        got = await client.register(runners.create_registration_token(site.db, "", "test"), "bucketless")
        client.runner_token = got["runner_token"]
        stop = asyncio.Event()
        worker = asyncio.create_task(Worker(site.db, site.settings).run(stop))
        assert await RunnerLoop(client, Tools()).run(stop, once=True) == 1
        assert recordings.get(site.db, rid).state is RecordingState.READY
        for _ in range(600):
            if moved(site.db, rid):
                break
            await asyncio.sleep(0.1)
        stop.set()
        await worker
    finally:
        await client.close()
    assert moved(site.db, rid)
    assert not Path(recordings.get(site.db, rid).playback_path).exists()  # only in the bucket now


async def test_a_recording_in_the_bucket_reaches_the_runner_by_a_presigned_link(
    make_site, store, tmp_path: Path
) -> None:
    site = await make_site(storage=store.settings(), media={"local_processing": False})
    clip = make("vp8_opus.webm", tmp_path, seconds=1)
    rid = uploaded((site.settings, site.db, site.interview), clip)
    client = Client(site.base)
    try:
        got = await client.register(runners.create_registration_token(site.db, "", "test"), "r")
        client.runner_token = got["runner_token"]
        stop = asyncio.Event()
        worker = asyncio.create_task(Worker(site.db, site.settings).run(stop))
        await RunnerLoop(client, Tools()).run(stop, once=True)
        for _ in range(600):
            if moved(site.db, rid):
                break
            await asyncio.sleep(0.1)
        stop.set()
        await worker
        assert moved(site.db, rid)
        # Made to be processed again (no product path does this today; a future one might): the runner is
        # sent to the bucket for the original, and fetches it there without its tokens.
        site.db.write(
            lambda con: con.execute("UPDATE recordings SET state = 'processing' WHERE id = ?", (rid,))
        )
        job_id = site.db.write(jobs_sql.enqueue, recordings.PROCESS_JOB, rid, clock.now())
        given = await client.accept(job_id)
        answer = await client.session.get(
            f"{site.base}/api/v1/runners/jobs/{job_id}/input",
            headers={"Authorization": f"Bearer {client.runner_token}", "X-Job-Token": given["job_token"]},
            allow_redirects=False,
        )
        assert answer.status == 302 and answer.headers["Location"].startswith(store.endpoint)
        answer.release()
        fetched = tmp_path / "fetched"
        await client.download(job_id, given["job_token"], fetched)
        assert fetched.read_bytes() == clip.read_bytes()
    finally:
        await client.close()

"""A recording a runner made ready moves to the bucket like any other (a real SeaweedFS on loopback): the
runner never sees the bucket or its keys; the server's worker, processing nothing itself, moves the files."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from boxinterview.domain import recordings, runners
from boxinterview.domain.models import RecordingState
from boxinterview.pipeline.worker import Worker
from boxinterview.runner.client import Client
from boxinterview.runner.work import RunnerLoop, Tools
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

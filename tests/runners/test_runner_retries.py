"""A runner whose result does not reach the server (the connection drops, the proxy in front answers 502) sends
it again, its lease renewed meanwhile, and the recording becomes ready once; a refusal is not sent again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from boxinterview.domain import recordings, runners
from boxinterview.domain.models import RecordingState
from boxinterview.runner import work
from boxinterview.runner.client import Client, Refused
from boxinterview.runner.work import RunnerLoop, Tools
from tests.conftest import free_port
from tests.media.test_processing import uploaded
from tests.media.test_worker import job_of
from tests.support.clips import make

HOP = {"host", "content-length", "transfer-encoding", "connection"}


@asynccontextmanager
async def flaky_proxy(upstream: str, failures: list[str]) -> AsyncIterator[tuple[str, list[str]]]:
    """A proxy in front of `upstream` that fails the next results sent (`failures`, in order: "drop" closes the
    connection once the body has arrived, "502" answers as a proxy whose server is away) and passes the rest."""
    seen: list[str] = []
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        seen.append(f"{request.method} {request.path}")
        if request.path.endswith(("/success", "/reject")) and failures:
            failure = failures.pop(0)
            if failure == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            return web.Response(status=502, text="bad gateway")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP}
        async with session.request(
            request.method, upstream + request.path_qs, headers=headers, data=body, allow_redirects=False
        ) as answer:
            kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "location")}
            return web.Response(status=answer.status, body=await answer.read(), headers=kept)

    app = web.Application(client_max_size=200 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()
        await session.close()


async def registered(site, base: str) -> Client:
    client = Client(base)
    got = await client.register(runners.create_registration_token(site.db, "", "test"), "flaky-network")
    client.runner_token = got["runner_token"]
    return client


async def test_a_result_that_did_not_arrive_is_sent_again(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(work, "SEND_WAIT_MAX", 0.5)
    site = await make_site(media={"local_processing": False})
    rid = uploaded((site.settings, site.db, site.interview), make("vp8_opus.webm", tmp_path, seconds=1))
    async with flaky_proxy(site.base, ["drop", "502"]) as (base, seen):
        client = await registered(site, base)
        try:
            assert await RunnerLoop(client, Tools()).run(asyncio.Event(), once=True) == 1
        finally:
            await client.close()
    sent = [s for s in seen if s.endswith("/success")]
    assert len(sent) == 3  # dropped, refused by the proxy, then taken
    rec = recordings.get(site.db, rid)
    assert rec.state is RecordingState.READY and Path(rec.playback_path).is_file()
    job = job_of(site.db, rid)
    assert (job.state, job.attempts) == ("done", 1)


async def test_a_rejection_that_did_not_arrive_is_sent_again(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(work, "SEND_WAIT_MAX", 0.5)
    site = await make_site(media={"local_processing": False})
    rid = uploaded((site.settings, site.db, site.interview), make("audio_only.webm", tmp_path, seconds=1))
    async with flaky_proxy(site.base, ["drop"]) as (base, seen):
        client = await registered(site, base)
        try:
            assert await RunnerLoop(client, Tools()).run(asyncio.Event(), once=True) == 1
        finally:
            await client.close()
    assert len([s for s in seen if s.endswith("/reject")]) == 2
    rec = recordings.get(site.db, rid)
    assert rec.state is RecordingState.REJECTED and "no picture" in rec.reason


async def test_a_rejection_that_never_arrives_leaves_the_job_to_its_lease(
    make_site, tmp_path: Path, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(work, "SEND_WAIT_MAX", 0.05)
    site = await make_site(media={"local_processing": False})
    rid = uploaded((site.settings, site.db, site.interview), make("audio_only.webm", tmp_path, seconds=1))
    async with flaky_proxy(site.base, ["502"] * work.SEND_TRIES) as (base, seen):
        client = await registered(site, base)
        try:
            assert await RunnerLoop(client, Tools()).run(asyncio.Event(), once=True) == 0
        finally:
            await client.close()
    assert len([s for s in seen if s.endswith("/reject")]) == work.SEND_TRIES
    assert (
        recordings.get(site.db, rid).state is RecordingState.PROCESSING
    )  # its lease runs out, then it is retried
    assert "its rejection could not be sent" in caplog.text


async def test_a_refusal_is_not_sent_again(monkeypatch) -> None:
    monkeypatch.setattr(work, "SEND_WAIT_MAX", 0.01)
    calls: list[int] = []

    async def refused() -> None:
        calls.append(1)
        raise Refused(422, "the playback file does not match its recording")

    async def away() -> None:
        calls.append(1)
        raise aiohttp.ServerDisconnectedError()

    with pytest.raises(Refused) as refusal:
        await work._send(7, refused)
    assert refusal.value.status == 422 and len(calls) == 1
    calls.clear()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await work._send(7, away)
    assert len(calls) == work.SEND_TRIES

"""The protocol remote runners speak (`boxinterview runner`, docs/api.md "Remote runners"): register with a
one-time token, ask for jobs, accept one, report progress, fetch the recording, send back what was made (or a
rejection, or an error), or hand the job back. Every call carries the runner token as `Authorization: Bearer`;
calls about a job also carry its job token as `X-Job-Token`. Errors are the API's one JSON shape."""

from __future__ import annotations

import asyncio
import functools
import math
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import BinaryIO

from aiohttp import BodyPartReader, web

from boxinterview.domain import runners
from boxinterview.domain.runners import Runner
from boxinterview.errors import Forbidden, Invalid, TooLarge
from boxinterview.pipeline import remote
from boxinterview.web import auth, bearer, forms, params, sendfile
from boxinterview.web.keys import DB, FILE_IO, SETTINGS

JOB_TOKEN = "X-Job-Token"
CHUNK = 256 * 1024
MAX_POSTER_BYTES = 5 * 1024 * 1024
NO_STORE = {"Cache-Control": "no-store"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="boxinterview runners"'}

RunnerHandler = Callable[[web.Request, Runner], Awaitable[web.StreamResponse]]


def runner_call(handler: RunnerHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Only for a registered runner that has not been removed."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        db = request.app[DB]
        runner = await db.call(runners.check, db, bearer.token(request), auth.client_address(request))
        if runner is None:
            bearer.wrong(request)
            raise web.HTTPUnauthorized(
                text="the runner token is not valid, or the runner was removed: send Authorization: Bearer "
                "<runner token>, or register again with a token from `boxinterview runner-token add`",
                headers=CHALLENGE,
            )
        bearer.runner_may_call(request, runner.id, runner.name)
        return await handler(request, runner)

    return wrapped


def _job(request: web.Request) -> tuple[int, str]:
    """The job in the address and the job token sent for it."""
    token = request.headers.get(JOB_TOKEN, "").strip()
    if not token.startswith(remote.JOB_PREFIX) or len(token) > 100:
        raise web.HTTPUnauthorized(
            text=f"send the job token you were given when accepting the job, in the {JOB_TOKEN} header",
            headers=CHALLENGE,
        )
    return int(request.match_info["job_id"]), token


async def register(request: web.Request) -> web.Response:
    """POST /api/v1/runners/register with the registration token as Bearer and {"name": ...}."""
    token = bearer.token(request)
    if not token.startswith(runners.REGISTRATION_PREFIX):
        bearer.wrong(request)
        raise web.HTTPUnauthorized(
            text="send the registration token from `boxinterview runner-token add` as Authorization: Bearer",
            headers=CHALLENGE,
        )
    body = await params.json_object(request)
    name = body.get("name")
    if not isinstance(name, str):
        raise Invalid('send {"name": "..."}: the runner\'s name, e.g. the machine\'s host name')
    db = request.app[DB]
    try:
        runner, runner_token = await db.call(runners.register, db, token, name, auth.client_address(request))
    except Forbidden:  # a registration token that does not exist, or was spent or revoked
        bearer.wrong(request)
        raise
    return web.json_response(
        {"id": runner.id, "name": runner.name, "runner_token": runner_token}, status=201, headers=NO_STORE
    )


@runner_call
async def request_jobs(request: web.Request, runner: Runner) -> web.Response:
    """The jobs this runner could accept now."""
    db = request.app[DB]
    found = await db.call(remote.available, db)
    return web.json_response({"jobs": [remote.as_json(j) for j in found]}, headers=NO_STORE)


@runner_call
async def accept(request: web.Request, runner: Runner) -> web.Response:
    db = request.app[DB]
    job_id = int(request.match_info["job_id"])
    given = await db.call(remote.accept, db, request.app[SETTINGS], runner, job_id)
    opts = given.options
    return web.json_response(
        {
            "job": remote.as_json(given.job),
            "job_token": given.token,
            "lease_seconds": given.lease_seconds,
            "make": given.make,
            "source": given.source,
            "expectation": given.expectation.as_dict() if given.expectation else None,
            "options": {
                "max_height": opts.max_height,
                "preset": opts.preset,
                "crf": opts.crf,
                "audio_bitrate_kbps": opts.audio_bitrate_kbps,
                "loudness_lufs": opts.loudness_lufs,
            },
            "input": f"/api/v1/runners/jobs/{job_id}/input",
        },
        headers=NO_STORE,
    )


@runner_call
async def update(request: web.Request, runner: Runner) -> web.Response:
    job_id, token = _job(request)
    body = await params.json_object(request) if request.can_read_body else {}
    progress = body.get("progress", 0.0)
    if isinstance(progress, bool) or not isinstance(progress, int | float):
        raise Invalid('send {"progress": P} with P a number from 0 to 1')
    db = request.app[DB]
    job = await db.call(remote.update, db, request.app[SETTINGS], runner, job_id, token, float(progress))
    lease = request.app[SETTINGS].media.job_lease_seconds
    return web.json_response({"job": remote.as_json(job), "lease_seconds": lease}, headers=NO_STORE)


@runner_call
async def input_file(request: web.Request, runner: Runner) -> web.StreamResponse:
    """The recording, with byte ranges; from the bucket by a presigned link when it lives there."""
    job_id, token = _job(request)
    db = request.app[DB]
    path = await db.call(remote.input_of, db, runner, job_id, token)
    headers = {**NO_STORE, "Content-Type": "application/octet-stream"}
    return await sendfile.deliver(request, path, headers, through_proxy=False)


@runner_call
async def success(request: web.Request, runner: Runner) -> web.Response:
    """multipart/form-data: `playback` (the MP4 or M4A); for an answer `poster` (JPEG) and `loudness_lufs`
    (may be empty); for a team video `source` (the file name it was made from, as given on accepting)."""
    job_id, token = _job(request)
    db = request.app[DB]
    settings = request.app[SETTINGS]
    if request.content_type != "multipart/form-data":
        raise Invalid("send the playback file, the poster and loudness_lufs as multipart/form-data")
    folder = await db.call(remote.folder, db, runner, job_id, token)
    tag = uuid.uuid4().hex[:8]
    received = {"playback": folder / f"runner-{tag}.tmp.media", "poster": folder / f"runner-{tag}.tmp.jpg"}
    limits = {"playback": 2 * settings.uploads.max_bytes, "poster": MAX_POSTER_BYTES}
    level: float | None = None
    source = ""
    got: set[str] = set()
    seen: set[str] = set()
    try:
        try:
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    raise Invalid("send plain parts, not nested multipart bodies")
                if part.name in seen:
                    raise Invalid(f"the part {part.name!r} is sent more than once; send each part once")
                seen.add(part.name or "")
                if part.name in received:
                    await _receive(request, part, received[part.name], limits[part.name])
                    got.add(part.name)
                elif part.name == "loudness_lufs":
                    level = _loudness((await part.read_chunk(64)).decode("ascii", "replace"))
                elif part.name == "source":
                    source = (await part.read_chunk(256)).decode("utf-8", "replace").strip()
                else:
                    raise Invalid(
                        f"unexpected part {part.name!r}: send playback, poster, loudness_lufs (and source)"
                    )
        except forms.UNREADABLE:
            raise Invalid("the body could not be read as multipart/form-data; send it again") from None
        if "playback" not in got:
            raise Invalid("missing part: playback; send playback, poster and loudness_lufs")
        poster = received["poster"] if "poster" in got else None
        await remote.succeed(db, settings, runner, job_id, token, received["playback"], poster, level, source)
    finally:
        remote.discard(*received.values())  # gone already once placed
    return web.json_response({"job": job_id, "state": "done"}, headers=NO_STORE)


def _loudness(text: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        level = float(text)
    except ValueError:
        level = math.nan
    if not -200 <= level <= 50:  # NaN and infinities too: the player's gain is worked out from it
        raise Invalid("loudness_lufs is a number of LUFS between -200 and 50, e.g. -23.5, or empty")
    return level


async def _receive(request: web.Request, part: BodyPartReader, target: Path, limit: int) -> None:
    loop = asyncio.get_running_loop()
    pool = request.app[FILE_IO]
    size = 0
    with target.open("wb") as out:
        while chunk := await part.read_chunk(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"the {part.name} is larger than {limit} bytes, more than it can be")
            await loop.run_in_executor(pool, out.write, chunk)
        await loop.run_in_executor(pool, _sync, out)
    if size == 0:
        raise Invalid(f"the {part.name} is empty")


def _sync(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())


@runner_call
async def reject(request: web.Request, runner: Runner) -> web.Response:
    job_id, token = _job(request)
    body = await params.json_object(request)
    reason, source = body.get("reason"), body.get("source", "")
    if not isinstance(reason, str) or not isinstance(source, str):
        raise Invalid('send {"reason": "..."}: why the recording cannot be used, written for the candidate')
    db = request.app[DB]
    await db.call(remote.reject, db, runner, job_id, token, reason, source)
    return web.json_response({"job": job_id, "state": "done"}, headers=NO_STORE)


@runner_call
async def error(request: web.Request, runner: Runner) -> web.Response:
    job_id, token = _job(request)
    message = (await params.json_object(request)).get("message")
    if not isinstance(message, str):
        raise Invalid('send {"message": "..."}: what went wrong, for the operator')
    db = request.app[DB]
    job = await db.call(remote.error, db, request.app[SETTINGS], runner, job_id, token, message)
    return web.json_response({"job": remote.as_json(job), "state": job.state}, headers=NO_STORE)


@runner_call
async def abort(request: web.Request, runner: Runner) -> web.Response:
    job_id, token = _job(request)
    db = request.app[DB]
    await db.call(remote.abort, db, runner, job_id, token)
    return web.json_response({"job": job_id, "state": "queued"}, headers=NO_STORE)

"""The runner's loop: ask for jobs, accept one, do it, report; at most `jobs` at once; stop cleanly.

While a job runs, its lease is renewed every third of the lease with the progress. If the server says the job is
no longer this runner's, the work stops and is dropped. On SIGTERM the runner stops asking, stops its work and
hands each job back at once (`abort`), so it is queued again without waiting for its lease to run out. What it
made is sent again after a network failure or a server error, the lease still renewed meanwhile (`_send`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from boxinterview.media import MediaError, PlaybackOptions
from boxinterview.pipeline import playable
from boxinterview.runner.client import Client, JobLost, NotRegistered, Refused

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # between questions to an empty queue
AWAY_SECONDS = 5.0  # after the server could not be reached
# A job's outcome that could not be sent (the network failed, the server or its proxy answered 5xx or 429) is
# sent again, waiting 1, 2, 4… s between tries, while the heartbeat keeps the job this runner's.
SEND_TRIES = 6
SEND_WAIT_MAX = 30.0


@dataclass(frozen=True)
class Tools:
    """This machine's own programs and how many threads each ffmpeg may use."""

    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    threads: int = 2


def options(given: dict[str, Any], tools: Tools) -> PlaybackOptions:
    """The server's encoding choices, run with this machine's programs."""
    return PlaybackOptions(
        ffmpeg=tools.ffmpeg,
        threads=tools.threads,
        max_height=int(given["max_height"]),
        preset=str(given["preset"]),
        crf=int(given["crf"]),
        audio_bitrate_kbps=int(given["audio_bitrate_kbps"]),
        loudness_lufs=float(given["loudness_lufs"]),
    )


class RunnerLoop:
    def __init__(self, client: Client, tools: Tools, jobs: int = 1, work_dir: Path | None = None) -> None:
        self.client = client
        self.tools = tools
        self.jobs = jobs
        self.work_dir = work_dir
        self.running: set[asyncio.Task[None]] = set()
        self.held: dict[int, str] = {}  # accepted and not yet reported: job id -> job token
        self.done = 0

    async def run(self, stop: asyncio.Event, once: bool = False) -> int:
        """Work until `stop` is set (or, with `once`, until the queue is empty); the number of jobs done."""
        log.info("runner working for %s, %d job(s) at once", self.client.server, self.jobs)
        try:
            while not stop.is_set():
                if len(self.running) >= self.jobs:
                    await _first(stop, *self.running)
                    continue
                try:
                    took = await self._take_one()
                except NotRegistered:
                    raise
                except (Refused, aiohttp.ClientError, OSError, TimeoutError) as exc:
                    log.warning(
                        "the server cannot give jobs now (%s); asking again in %g s", exc, AWAY_SECONDS
                    )
                    await _wait(stop, AWAY_SECONDS)
                    continue
                if took:
                    continue
                if once and not self.running:
                    break
                await _wait(stop, POLL_SECONDS, *self.running)
        finally:
            for task in self.running:
                task.cancel()
            await asyncio.gather(*self.running, return_exceptions=True)
            for job_id, token in list(self.held.items()):  # stopped before its work even began
                await self._hand_back(job_id, token)
        return self.done

    async def _hand_back(self, job_id: int, token: str) -> None:
        log.info("stopping: handing job %s back", job_id)
        with contextlib.suppress(Refused, aiohttp.ClientError, OSError, TimeoutError):
            await asyncio.shield(self.client.abort(job_id, token))

    async def _take_one(self) -> bool:
        for offered in await self.client.request_jobs():
            try:
                given = await self.client.accept(int(offered["id"]))
            except NotRegistered:
                raise
            except Refused as exc:
                if exc.status in (404, 409, 410):
                    continue  # another runner (or the server) was quicker
                raise
            self.held[int(given["job"]["id"])] = str(given["job_token"])
            task = asyncio.create_task(self._do(given))
            self.running.add(task)
            task.add_done_callback(self.running.discard)
            return True
        return False

    async def _do(self, given: dict[str, Any]) -> None:
        job_id, token = int(given["job"]["id"]), str(given["job_token"])
        folder = Path(tempfile.mkdtemp(prefix=f"job-{job_id}-", dir=self.work_dir))
        progress = 0.0
        lost = False

        def report(p: float) -> None:
            nonlocal progress
            progress = p

        started = time.monotonic()
        spent: dict[str, float] = {}  # seconds of media work, to tell it apart from the protocol's
        work = asyncio.create_task(self._media(job_id, token, given, folder, report, spent))

        async def heartbeat() -> None:
            nonlocal lost
            while True:
                await asyncio.sleep(float(given["lease_seconds"]) / 3)
                try:
                    await self.client.update(job_id, token, progress)
                except JobLost as exc:
                    log.warning("job %s is no longer ours (%s); dropping it", job_id, exc)
                    lost = True
                    work.cancel()
                    return
                except (Refused, aiohttp.ClientError, OSError, TimeoutError) as exc:
                    log.warning("job %s: the lease could not be renewed now (%s)", job_id, exc)

        beat = asyncio.create_task(heartbeat())
        log.info("job %s accepted: %s %s", job_id, given["make"], given["job"]["subject_id"])
        try:
            made = await work
            poster = made.poster if made.poster != made.playback else None  # a team video has none
            source = str(given["source"])
            await _send(
                job_id,
                lambda: self.client.success(job_id, token, source, made.playback, poster, made.loudness_lufs),
            )
            beat.cancel()
            self.done += 1
            took = time.monotonic() - started
            log.info(
                "job %s done: %s in %.2f s (media work %.2f s, fetching, sending and calls %.2f s)",
                job_id,
                made.playback.name,
                took,
                spent.get("media", 0.0),
                took - spent.get("media", 0.0),
            )
        except playable.Rejected as why:
            reason, source = str(why), str(given["source"])
            try:  # raised here, nothing below this handler would catch it
                await _send(job_id, lambda: self.client.reject(job_id, token, reason, source))
            except (Refused, aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.error(
                    "job %s: its rejection could not be sent (%s); the job comes back later", job_id, exc
                )
                return
            beat.cancel()
            self.done += 1
            log.info("job %s: the recording cannot be used: %s", job_id, why)
        except asyncio.CancelledError:
            if lost:
                return
            await self._hand_back(job_id, token)
            raise
        except JobLost as exc:
            log.warning("job %s is no longer ours (%s)", job_id, exc)
        except (MediaError, OSError, Refused, aiohttp.ClientError, TimeoutError) as exc:
            beat.cancel()
            message = f"{type(exc).__name__}: {exc}"
            log.error("job %s failed: %s", job_id, message)
            with contextlib.suppress(Refused, aiohttp.ClientError, OSError, TimeoutError):
                await self.client.error(job_id, token, message[:2000])
        finally:
            self.held.pop(job_id, None)
            beat.cancel()
            work.cancel()
            shutil.rmtree(folder, ignore_errors=True)

    async def _media(
        self,
        job_id: int,
        token: str,
        given: dict[str, Any],
        folder: Path,
        report: Callable[[float], None],
        spent: dict[str, float],
    ) -> playable.Made:
        original = folder / "original"
        await self.client.download(job_id, token, original)
        opts = options(given["options"], self.tools)
        started = time.monotonic()
        try:
            if given["make"] == "team_video":
                target = folder / "playback.mp4"
                return await playable.make_team_video(original, target, opts, self.tools.ffprobe, report)
            expected = playable.Expectation.from_dict(given["expectation"])
            return await playable.make(original, folder, expected, opts, self.tools.ffprobe, report)
        finally:
            spent["media"] = time.monotonic() - started


async def _wait(stop: asyncio.Event, seconds: float, *tasks: asyncio.Task[None]) -> None:
    """Until `stop`, `seconds` have passed, or one of `tasks` ends."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_first(stop, *tasks), seconds)


async def _send(job_id: int, send: Callable[[], Awaitable[object]]) -> None:
    """Send a job's outcome, again after a failure that says nothing about the outcome itself (the network, a
    server or proxy error, too many requests); a refusal (the job is no longer ours, what was made does not match)
    is raised at once, as is the last failure."""
    wait = 1.0
    for tries in range(1, SEND_TRIES + 1):
        try:
            await send()
            return
        except JobLost:
            raise
        except Refused as exc:
            if (exc.status < 500 and exc.status != 429) or tries == SEND_TRIES:
                raise
            why: Exception = exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            if tries == SEND_TRIES:
                raise
            why = exc
        log.warning("job %s: its outcome could not be sent (%s); sending it again in %g s", job_id, why, wait)
        await asyncio.sleep(wait)
        wait = min(wait * 2, SEND_WAIT_MAX)


async def _first(stop: asyncio.Event, *tasks: asyncio.Task[None]) -> None:
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()

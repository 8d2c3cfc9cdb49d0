"""The runner's side of the protocol (docs/api.md, "Remote runners"): one aiohttp session, one method per call.

The server answers errors in the API's one JSON shape; they come back here as `Refused` with the server's
message. `JobLost` means the job is no longer this runner's (taken over after its lease ran out, finished,
cancelled): the runner drops it. `NotRegistered` means the runner token no longer works (the runner was
removed): the runner stops."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import aiohttp

from boxinterview import __version__

TIMEOUT = aiohttp.ClientTimeout(total=None, connect=30, sock_read=120)
CHUNK = 256 * 1024
DOWNLOAD_TRIES = 3


class Refused(Exception):
    """The server refused a call; the message is the server's."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"{status}: {message}")


class JobLost(Refused):
    """The job is no longer this runner's."""


class NotRegistered(Refused):
    """The runner token (or the registration token) is not accepted."""


class Client:
    def __init__(self, server: str, runner_token: str = "") -> None:
        self.server = server.rstrip("/")
        self.runner_token = runner_token
        self.session = aiohttp.ClientSession(
            timeout=TIMEOUT, headers={"User-Agent": f"boxinterview-runner/{__version__}"}
        )

    async def close(self) -> None:
        await self.session.close()

    def _headers(self, job_token: str | None = None, bearer: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {bearer or self.runner_token}"}
        if job_token is not None:
            headers["X-Job-Token"] = job_token
        return headers

    async def _call(
        self, path: str, body: Any = None, job_token: str | None = None, bearer: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        async with self.session.post(
            self.server + path, json=body, headers=self._headers(job_token, bearer), **kw
        ) as answer:
            return await _answer(answer, job_token is not None)

    async def register(self, registration_token: str, name: str) -> dict[str, Any]:
        return await self._call("/api/v1/runners/register", {"name": name}, bearer=registration_token)

    async def request_jobs(self) -> list[dict[str, Any]]:
        return list((await self._call("/api/v1/runners/jobs/request"))["jobs"])

    async def accept(self, job_id: int) -> dict[str, Any]:
        return await self._call(f"/api/v1/runners/jobs/{job_id}/accept", job_token=None)

    async def update(self, job_id: int, job_token: str, progress: float) -> dict[str, Any]:
        return await self._call(f"/api/v1/runners/jobs/{job_id}/update", {"progress": progress}, job_token)

    async def reject(self, job_id: int, job_token: str, reason: str, source: str) -> None:
        body = {"reason": reason, "source": source}
        await self._call(f"/api/v1/runners/jobs/{job_id}/reject", body, job_token)

    async def error(self, job_id: int, job_token: str, message: str) -> dict[str, Any]:
        return await self._call(f"/api/v1/runners/jobs/{job_id}/error", {"message": message}, job_token)

    async def abort(self, job_id: int, job_token: str) -> None:
        await self._call(f"/api/v1/runners/jobs/{job_id}/abort", None, job_token)

    async def success(
        self,
        job_id: int,
        job_token: str,
        source: str,
        playback: Path,
        poster: Path | None,
        loudness_lufs: float | None,
    ) -> None:
        """Send what was made: the playback file, and for an answer its poster and the loudness measured."""
        with contextlib.ExitStack() as files:
            form = aiohttp.FormData()
            form.add_field("source", source)
            form.add_field("loudness_lufs", "" if loudness_lufs is None else repr(loudness_lufs))
            kind = "video/mp4" if playback.suffix == ".mp4" else "audio/mp4"
            form.add_field(
                "playback",
                files.enter_context(playback.open("rb")),
                filename=playback.name,
                content_type=kind,
            )
            if poster is not None:
                still = files.enter_context(poster.open("rb"))
                form.add_field("poster", still, filename=poster.name, content_type="image/jpeg")
            await self._call(f"/api/v1/runners/jobs/{job_id}/success", job_token=job_token, data=form)

    async def download(self, job_id: int, job_token: str, target: Path) -> None:
        """The job's recording into `target`, resuming with a Range where a transfer broke off. A redirect (the
        recording lives in the bucket) is followed without this runner's tokens."""
        url = f"{self.server}/api/v1/runners/jobs/{job_id}/input"
        answer = await self.session.get(url, headers=self._headers(job_token), allow_redirects=False)
        if answer.status in (301, 302, 303, 307, 308):
            url, headers = answer.headers["Location"], {}
            answer.release()
        else:
            answer.release()
            headers = self._headers(job_token)
        have = 0
        with target.open("wb") as out:
            for tries in range(1, DOWNLOAD_TRIES + 1):
                ranged = {**headers, "Range": f"bytes={have}-"} if have else headers
                try:
                    async with self.session.get(url, headers=ranged) as got:
                        if got.status not in (200, 206):
                            await _answer(got, True)
                        if have and got.status == 200:  # the range was ignored: start again
                            out.seek(0)
                            out.truncate()
                            have = 0
                        async for chunk in got.content.iter_chunked(CHUNK):
                            out.write(chunk)
                            have += len(chunk)
                        return
                except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError):
                    if tries == DOWNLOAD_TRIES:
                        raise


async def _answer(answer: aiohttp.ClientResponse, about_a_job: bool) -> dict[str, Any]:
    text = await answer.text()
    if answer.status < 300:
        found = json.loads(text) if text else {}
        return found if isinstance(found, dict) else {}
    try:
        message = str(json.loads(text)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = text[:300] or answer.reason or "no reason given"
    if answer.status == 401:
        raise NotRegistered(answer.status, message)
    if about_a_job and answer.status in (404, 409, 410):
        raise JobLost(answer.status, message)
    raise Refused(answer.status, message)

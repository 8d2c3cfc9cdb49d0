"""Viewings: once a recording's playback (or poster) has been authorised for someone, the player is sent to an
unguessable address of its own, /v/TOKEN/playback.mp4, for every byte range that follows. Behind Caddy that
address is a symlink Caddy's file_server sends without asking the app (see proxy.py); without Caddy the app
sends it itself, still without asking the store.

The address is only as good as the authorisation behind it: every `RECHECK_SECONDS` the app asks the store
again, with the same question the first request was asked (the reviewer's session and assignment, the share
link, the API link's signature and expiry), and removes the address as soon as the answer is no; an erased
recording's file is gone, so its address answers 404 at once. A viewing ends after `LIFETIME_SECONDS` in any
case, and all of them when the server stops or starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from boxinterview.errors import BoxError
from boxinterview.web import sendfile
from boxinterview.web.keys import SETTINGS

log = logging.getLogger(__name__)

# How long a revoked reviewer, a withdrawn or expired share link, an expired API link or an erased recording
# can still be played through a viewing already given out (at most this, plus the time one check takes).
RECHECK_SECONDS = 10.0
# A viewing ends after this however it is going; the page plays the recording again from its own address.
LIFETIME_SECONDS = 4 * 3600.0
# Where the addresses live under the data directory; Caddy's root for /v/.
DIRECTORY = "viewings"
PREFIX = "/v/"

Check = Callable[[], Awaitable[str]]


@dataclass
class Viewing:
    token: str
    target: Path  # the file the address leads to, as the store named it
    check: Check  # asks the store again; raises when the caller may no longer see the file
    began: float


class Viewings:
    """The viewings this server has given out, by token and by who asked for what."""

    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = root
        self._clock = clock
        self._by_token: dict[str, Viewing] = {}
        self._by_key: dict[Hashable, str] = {}

    def clear(self) -> None:
        """Remove every address, this server's and any left by an earlier one (nothing checks those)."""
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self._by_token.clear()
        self._by_key.clear()

    def give(self, key: Hashable, target: Path, name: str, check: Check) -> str:
        """The address of a viewing of `target` for `key` (who asked, for which file): the one already given
        if it is still on, else a new one."""
        given = self._by_key.get(key)
        found = self._by_token.get(given) if given else None
        if (
            found is not None
            and found.target == target
            and self._clock() - found.began
            < LIFETIME_SECONDS / 2  # a viewing starting now has time to finish
            and (self.root / found.token / name).is_symlink()
        ):
            return f"{PREFIX}{found.token}/{name}"
        if (
            found is not None
        ):  # the file changed, its address went, or it is getting old: a new one replaces it
            self.end(found.token)
        token = secrets.token_urlsafe(32)
        folder = self.root / token
        folder.mkdir(parents=True)
        (folder / name).symlink_to(target.resolve())
        self._by_token[token] = Viewing(token, target, check, self._clock())
        self._by_key[key] = token
        return f"{PREFIX}{token}/{name}"

    def file(self, token: str, name: str) -> Path | None:
        """The address's file for the app to send itself, if the viewing is on."""
        if token not in self._by_token or "/" in name or name.startswith("."):
            return None
        link = self.root / token / name
        return link if link.is_symlink() else None

    def end(self, token: str) -> None:
        self._by_token.pop(token, None)
        for key in [k for k, t in self._by_key.items() if t == token]:
            del self._by_key[key]
        shutil.rmtree(self.root / token, ignore_errors=True)

    async def recheck(self) -> None:
        """Ask the store about every viewing; end those it refuses now, and those past their lifetime."""
        now = self._clock()
        for viewing in list(self._by_token.values()):
            if now - viewing.began >= LIFETIME_SECONDS:
                self.end(viewing.token)
                continue
            try:
                still = await viewing.check()
            except BoxError:
                still = None
            except Exception:  # the store could not answer: a viewing nobody can vouch for ends
                log.exception("re-checking a viewing failed; it ends")
                still = None
            if still is None or Path(still) != viewing.target:
                self.end(viewing.token)

    def __len__(self) -> int:
        return len(self._by_token)


VIEWINGS = web.AppKey("viewings", Viewings)


async def rechecking(app: web.Application) -> AsyncIterator[None]:
    """The app's viewings, re-checked every few seconds while the server runs."""
    viewings = Viewings(app[SETTINGS].data_dir / DIRECTORY)
    viewings.clear()
    app[VIEWINGS] = viewings

    async def loop() -> None:
        while True:
            await asyncio.sleep(RECHECK_SECONDS)
            try:
                await viewings.recheck()
            except Exception:  # the checks must go on: a viewing nobody checks would never end
                log.exception("re-checking viewings failed; every viewing ends")
                viewings.clear()

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    viewings.clear()


async def play(request: web.Request, key: Hashable, path: str, check: Check) -> web.StreamResponse:
    """Where the player goes for an authorised viewing: a recording in the bucket to its presigned link, one on
    this disk to the viewing's own address."""
    moved = await sendfile.in_bucket(request, Path(path), {})
    return moved if moved is not None else redirect(request, key, path, check)


def redirect(request: web.Request, key: Hashable, path: str, check: Check) -> web.StreamResponse:
    """Send the player to the viewing's address (307 keeps the method and the Range); the redirect itself is
    not kept, so playing the recording again asks again."""
    target = Path(path)
    address = request.app[VIEWINGS].give(key, target, _name(request, target), check)
    return web.Response(
        status=307,
        headers={"Location": address, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _name(request: web.Request, target: Path) -> str:
    kind = request.match_info.get("kind", "file")
    return kind + target.suffix.lower()


# What the app says about a viewing's file when it sends it itself; Caddy's config says the same.
HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
# The types of the files a viewing can lead to, said rather than guessed (a system may not know .webm).
TYPES = {".mp4": "video/mp4", ".m4a": "audio/mp4", ".webm": "video/webm", ".jpg": "image/jpeg"}


async def serve(request: web.Request) -> web.StreamResponse:
    """A viewing's address when no proxy sends it: no session or store, the address is the key."""
    found = request.app[VIEWINGS].file(request.match_info["token"], request.match_info["name"])
    if found is None or not found.exists():  # ended, or its file is gone (a preview once the MP4 is ready)
        raise web.HTTPNotFound(text="this address has ended: play the recording again from its page")
    kind = TYPES.get(found.suffix.lower())
    return sendfile.stream(found, {**HEADERS, **({"Content-Type": kind} if kind else {})})

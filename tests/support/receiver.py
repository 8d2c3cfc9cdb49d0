"""A webhook receiver: a real aiohttp server on loopback that keeps every request it gets and answers as a test
plans it, path by path (`answers["/hooks"] = [500, "slow", 200]`: one answer per request, then 200)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from standardwebhooks.webhooks import Webhook

from tests.conftest import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() as it arrived


@dataclass
class Receiver:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[int | str]] = field(default_factory=lambda: defaultdict(list))
    slow_seconds: float = 2.0
    retry_after: str = ""  # sent with every answer that is not a 2xx

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def on(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(
            Received(request.path, dict(request.headers), await request.read(), time.monotonic())
        )
        planned = self.answers[request.path]
        answer = planned.pop(0) if planned else 200
        if answer == "slow":
            await asyncio.sleep(self.slow_seconds)
            return web.Response(text="late")
        if answer == "redirect":
            raise web.HTTPFound(self.url("/elsewhere"))
        assert isinstance(answer, int)
        headers = {"Retry-After": self.retry_after} if self.retry_after and answer >= 300 else {}
        return web.Response(status=answer, text=f"answer {answer}", headers=headers)


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver(port=free_port())
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", receiver.port).start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


def verify(secret: str, received: Received) -> dict:
    """The payload, once the Standard Webhooks reference library has checked its signature (it raises if not)."""
    return Webhook(secret).verify(received.body, received.headers)


async def until(check: Callable[[], object], timeout: float = 10.0, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s")
        await asyncio.sleep(step)

"""The web app in the test's own process, on aiohttp's test server: the same app `boxinterview serve` runs
(`init_app`), the same config file and data directory as `live.py` prepares, without starting a process.

Each `browser()` is a client with its own cookies, like a `requests.Session` against the live server. Tests take
the `site` fixture, or `make_site(**overrides)` for other settings; a module that shares one site between its
tests opens it with `serving` in a module-scoped fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from boxinterview.web.app import init_app
from tests.conftest import free_port
from tests.support.live import Live, prepare

NewClient = Callable[[TestServer], Awaitable[TestClient]]


@dataclass
class Site(Live):
    server: TestServer | None = None
    _new_client: NewClient | None = field(default=None, repr=False)

    async def browser(self) -> TestClient:
        """A new client with an empty cookie jar."""
        assert self.server is not None and self._new_client is not None
        return await self._new_client(self.server)


async def text_of(client: TestClient, path: str, **options: Any) -> str:
    """The body of the page at `path`, as text."""
    return await (await client.get(path, **options)).text()


@asynccontextmanager
async def serving(root: Path, new_client: NewClient | None = None, **overrides: Any) -> AsyncIterator[Site]:
    """A site in `root` until the block ends; its clients come from `new_client` (pytest-aiohttp's
    `aiohttp_client`, which closes them itself) or are made and closed here."""
    own: list[TestClient] = []

    async def client_of(server: TestServer) -> TestClient:
        client = TestClient(server)
        await client.start_server()
        own.append(client)
        return client

    port = free_port()
    config, settings, db, interview = prepare(root, port, **overrides)
    server = TestServer(init_app(settings), port=port)
    site = Site(
        root, config, port, settings, db, interview, server=server, _new_client=new_client or client_of
    )
    await server.start_server()
    try:
        yield site
    finally:
        for client in own:
            await client.close()
        await server.close()  # the app's own database and threads close with it
        db.close()


@pytest.fixture
async def make_site(tmp_path: Path, aiohttp_client) -> AsyncIterator[Callable[..., Awaitable[Site]]]:
    """`await make_site(**overrides)`: a site with the config `live.prepare` writes, overrides merged in."""
    async with AsyncExitStack() as stack:
        made = 0

        async def make(**overrides: Any) -> Site:
            nonlocal made
            made += 1
            root = tmp_path / f"site-{made}"
            root.mkdir()
            return await stack.enter_async_context(serving(root, aiohttp_client, **overrides))

        yield make


@pytest.fixture
async def site(make_site) -> Site:
    return await make_site()

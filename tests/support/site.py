"""The web app in the test's own process, on aiohttp's test server: the same app `boxinterview serve` runs
(`init_app`), the same config file and data directory as `live.py` prepares, without starting a process.

Each `browser()` is a client with its own cookies, like a `requests.Session` against the live server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from boxinterview.web.app import init_app
from tests.conftest import free_port
from tests.support.live import Live, prepare


@dataclass
class Site(Live):
    server: TestServer | None = None
    _new_client: Callable[[TestServer], Awaitable[TestClient]] | None = field(default=None, repr=False)

    async def browser(self) -> TestClient:
        """A new client with an empty cookie jar."""
        assert self.server is not None and self._new_client is not None
        return await self._new_client(self.server)


async def text_of(client: TestClient, path: str, **options: Any) -> str:
    """The body of the page at `path`, as text."""
    return await (await client.get(path, **options)).text()


@pytest.fixture
async def make_site(tmp_path: Path, aiohttp_client) -> AsyncIterator[Callable[..., Awaitable[Site]]]:
    """`await make_site(**overrides)`: a site with the config `live.prepare` writes, overrides merged in."""
    made: list[Site] = []

    async def make(**overrides: Any) -> Site:
        root = tmp_path / f"site-{len(made)}"
        root.mkdir()
        port = free_port()
        config, settings, db, interview = prepare(root, port, **overrides)
        server = TestServer(init_app(settings), port=port)
        site = Site(root, config, port, settings, db, interview, server=server, _new_client=aiohttp_client)
        made.append(site)
        await server.start_server()
        return site

    yield make
    for site in made:
        assert site.server is not None
        await site.server.close()  # the app's own database and threads close with it
        site.db.close()


@pytest.fixture
async def site(make_site) -> Site:
    return await make_site()

"""The application factory. Resources live on typed keys and are opened and closed with the app."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from aiohttp.typedefs import Handler

from boxinterview import storage
from boxinterview.config.settings import Settings
from boxinterview.ops import datadir
from boxinterview.pipeline.worker import Worker
from boxinterview.store import Database
from boxinterview.web import viewings
from boxinterview.web.auth import session_middleware
from boxinterview.web.errors import error_middleware
from boxinterview.web.handlers import assets, brand
from boxinterview.web.keys import (
    ASSETS,
    BRAND,
    BUCKET,
    DB,
    FILE_IO,
    RATE_LIMITER,
    RUNNER_LIMITER,
    SETTINGS,
    SIGNIN_KEY,
    TEMPLATES,
    WRONG_TOKENS,
)
from boxinterview.web.language import Templates
from boxinterview.web.ratelimit import RateLimiter
from boxinterview.web.render import make_environment
from boxinterview.web.routes import setup_routes
from boxinterview.web.security import add_headers, cross_site_middleware, hide_server_banner

log = logging.getLogger(__name__)

# Database work runs in threads, but turning rows into objects holds the GIL. Python hands the GIL over every
# 5 ms by default, which the event loop feels as stalls under load; a shorter interval keeps it responsive
# (bench/loop_latency.py measures both).
SWITCH_INTERVAL_MS = 1.0


async def _file_io(app: web.Application) -> AsyncIterator[None]:
    # Enough threads that one slow disk write does not hold up every other candidate's upload.
    pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="file-io")
    app[FILE_IO] = pool
    yield
    pool.shutdown(wait=True)


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    with datadir.in_use(settings.data_dir):
        db = Database.open(settings.database_path, settings.store.busy_timeout_ms, settings.store.readers)
        datadir.ensure_subdirs(settings.data_dir)
        app[DB] = db
        yield
        db.close()


@web.middleware
async def plain_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request bodies are taken as sent, never inflated: a compressed body could unpack to far more than any
    limit counts (browsers and tus clients never compress what they send)."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        why = "compressed request bodies (Content-Encoding) are not accepted; send the body as it is"
        if request.path.startswith("/api/v1/uploads"):  # tus errors are one line of plain text
            return web.Response(
                status=415, text=why, headers={"Accept-Encoding": "identity", "Tus-Resumable": "1.0.0"}
            )
        raise web.HTTPUnsupportedMediaType(text=why, headers={"Accept-Encoding": "identity"})
    return await handler(request)


async def _worker(app: web.Application) -> AsyncIterator[None]:
    """Process recordings inside the server unless a separate `boxinterview worker` does it."""
    if not app[SETTINGS].media.worker_in_server:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(app[DB], app[SETTINGS]).run(stop))
    yield
    stop.set()
    await task


def init_app(settings: Settings) -> web.Application:
    hide_server_banner()
    app = web.Application(
        middlewares=[error_middleware, cross_site_middleware, plain_bodies, session_middleware]
    )
    app[SETTINGS] = settings
    if (bucket := storage.open_bucket(settings.storage)) is not None:
        app[BUCKET] = bucket
    app[SIGNIN_KEY] = secrets.token_bytes(32)
    app[RATE_LIMITER] = RateLimiter(settings.api.requests_per_minute)
    app[RUNNER_LIMITER] = RateLimiter(settings.api.runner_requests_per_minute)
    app[WRONG_TOKENS] = RateLimiter(settings.api.wrong_tokens_per_minute)
    app.on_response_prepare.append(add_headers)
    app[TEMPLATES] = Templates(make_environment)
    app[ASSETS] = assets.catalogue()
    app[BRAND] = brand.Brand.from_settings(settings)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_file_io)
    app.cleanup_ctx.append(_worker)
    app.cleanup_ctx.append(viewings.rechecking)
    setup_routes(app)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_MS / 1000)
    app = init_app(settings)
    log.info("boxinterview serving %s on http://%s:%s", settings.data_dir, host, port)
    print(f"boxinterview: serving on http://{host}:{port} (public address {settings.base_url}); Ctrl+C stops")
    web.run_app(app, host=host, port=port, print=None, access_log_format='%a "%r" %s %b %Tfs')

from __future__ import annotations

import time

import apsw
from aiohttp import web

from boxinterview import __version__
from boxinterview.domain import api
from boxinterview.ops import health
from boxinterview.store import migrations
from boxinterview.web.keys import DB, SETTINGS


def _probe(con: apsw.Connection) -> int:
    return migrations.current_version(con)


async def healthz(request: web.Request) -> web.Response:
    """Liveness and database status for monitors and the install script."""
    db = request.app[DB]
    started = time.perf_counter()
    try:
        version = await db.aread(_probe)
    except apsw.Error as exc:
        return web.json_response(
            {"status": "error", "version": __version__, "database": {"ok": False, "error": str(exc)}},
            status=503,
        )
    ok = version == migrations.HEAD
    body = {
        "status": "ok" if ok else "error",
        "version": __version__,
        "database": {
            "ok": ok,
            "schema_version": version,
            "expected_schema_version": migrations.HEAD,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    }
    return web.json_response(body, status=200 if ok else 503)


def _local(request: web.Request) -> bool:
    """Straight from this machine (Caddy adds X-Forwarded-For to what it passes on from outside)."""
    return request.remote in ("127.0.0.1", "::1") and "X-Forwarded-For" not in request.headers


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, for a scraper on this machine or one holding an API token."""
    db = request.app[DB]
    header = request.headers.get("Authorization", "")
    if not _local(request) and not (
        header.startswith("Bearer ") and await db.call(api.check_token, db, header[7:].strip()) is not None
    ):
        raise web.HTTPNotFound(
            text="metrics are served to this machine, or with Authorization: Bearer <API token>"
        )
    snapshot = await db.call(health.snapshot, db, request.app[SETTINGS])
    return web.Response(
        text=health.prometheus(snapshot),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"},
    )

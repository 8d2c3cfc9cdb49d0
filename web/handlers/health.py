from __future__ import annotations

import time

import apsw
from aiohttp import web

from boxinterview import __version__
from boxinterview.store import migrations
from boxinterview.web.keys import DB


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

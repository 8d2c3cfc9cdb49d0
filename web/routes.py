"""Every URL the server answers, in one place."""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from boxinterview.web.handlers import candidate, health, home


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", home.index, name="home")
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_get("/i/{token}", candidate.invitation, name="invitation")
    static = resources.files("boxinterview.web").joinpath("static")
    app.router.add_static("/static/", str(static), name="static", append_version=True)

"""Every URL the server answers, in one place."""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from boxinterview.web.handlers import candidate, health, home, uploads


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", home.index, name="home")
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_get("/i/{token}", candidate.invitation, name="invitation")

    # tus 1.0.0 resumable uploads of recorded answers
    app.router.add_route("OPTIONS", "/api/v1/uploads/", uploads.options, name="uploads-options")
    app.router.add_post("/api/v1/uploads/", uploads.create, name="uploads")
    app.router.add_route("OPTIONS", "/api/v1/uploads/{upload_id}", uploads.options)
    app.router.add_route("HEAD", "/api/v1/uploads/{upload_id}", uploads.head, name="upload")
    app.router.add_patch("/api/v1/uploads/{upload_id}", uploads.patch)
    app.router.add_delete("/api/v1/uploads/{upload_id}", uploads.delete)
    app.router.add_post("/api/v1/uploads/{upload_id}", uploads.method_override)
    static = resources.files("boxinterview.web").joinpath("static")
    app.router.add_static("/static/", str(static), name="static", append_version=True)

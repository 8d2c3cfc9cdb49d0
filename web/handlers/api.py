"""The JSON API for integrations (`Authorization: Bearer bxi_…`) and for signed-in reviewers' scripts."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from boxinterview.domain import api
from boxinterview.domain.models import Account
from boxinterview.web import auth
from boxinterview.web.keys import DB
from boxinterview.web.openapi import spec

Reader = Callable[[web.Request, Account | None], Awaitable[object]]


def reader(handler: Reader) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An API token reads everything; a reviewer's session reads what the reviewer may review."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            db = request.app[DB]
            if await db.call(api.check_token, db, header[7:].strip()) is None:
                raise web.HTTPUnauthorized(text="the API token is not valid (or was revoked)")
            account = None
        else:
            session = auth.current(request)
            if session is None:
                raise web.HTTPUnauthorized(text="send Authorization: Bearer <token>, or sign in")
            account = session.account
        return web.json_response(await handler(request, account), headers={"Cache-Control": "no-store"})

    return wrapped


@reader
async def interviews(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return {"interviews": await db.call(api.interviews, db, account)}


@reader
async def interview(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return await db.call(api.interview, db, account, int(request.match_info["interview_id"]))


@reader
async def invitations(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return {
        "invitations": await db.call(api.invitations, db, account, int(request.match_info["interview_id"]))
    }


@reader
async def invitation(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return await db.call(api.invitation, db, account, int(request.match_info["invitation_id"]))


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(spec())

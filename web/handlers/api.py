"""The JSON API for integrations (`Authorization: Bearer bxi_…`) and for signed-in reviewers' scripts.

A token reads everything (scope read) and, with the scopes invite and decide, changes what an applicant tracking
system needs to; each token has its own rate limit. A POST may carry an `Idempotency-Key`: sent again with the
same key, it is answered as the first time and changes nothing."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from boxinterview.domain import api, integration, numbers
from boxinterview.domain.api import Caller
from boxinterview.domain.models import Account
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.web import auth, bearer, params, viewings
from boxinterview.web.errors import json_error
from boxinterview.web.keys import DB, RATE_LIMITER, SETTINGS
from boxinterview.web.openapi import spec

Reader = Callable[[web.Request, Account | None], Awaitable[object]]
Writer = Callable[[web.Request, Caller, Any], tuple[int, dict[str, Any]]]
NO_STORE = {"Cache-Control": "no-store"}


async def _caller(request: web.Request) -> tuple[Caller | None, dict[str, str]]:
    """The integration a Bearer token names (None without one), after its rate limit; the limit's headers."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return None, {}
    sent = bearer.token(request)
    db = request.app[DB]
    caller = await db.call(api.check_token, db, sent)
    if caller is None:
        bearer.wrong(request)
        raise web.HTTPUnauthorized(
            text="the API token is not valid (or was revoked); make one with `boxinterview token add NAME`",
            headers={"WWW-Authenticate": 'Bearer realm="boxinterview"'},
        )
    allowed, headers = request.app[RATE_LIMITER].take(caller.token_id)
    if not allowed:
        wait = headers["Retry-After"]
        raise web.HTTPTooManyRequests(
            text=f"too many requests for the token {caller.name!r}; wait {wait} s and try again",
            headers=headers,
        )
    return caller, headers


def reader(handler: Reader) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An API token with the read scope reads everything; a reviewer's session what the reviewer may review."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        caller, limits = await _caller(request)
        if caller is not None:
            integration.require(caller, "read")
            account = None
        else:
            session = auth.current(request)
            if session is None:
                raise web.HTTPUnauthorized(
                    text="send Authorization: Bearer <token>, or sign in",
                    headers={"WWW-Authenticate": 'Bearer realm="boxinterview"'},
                )
            account = session.account
        request["caller"] = caller
        return web.json_response(await handler(request, account), headers={**NO_STORE, **limits})

    return wrapped


def writer(handler: Writer) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A change by an integration: a token is required; the body is JSON; an Idempotency-Key makes it once."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        caller, limits = await _caller(request)
        if caller is None:
            raise web.HTTPUnauthorized(
                text="changes need an API token: send Authorization: Bearer <token>",
                headers={"WWW-Authenticate": 'Bearer realm="boxinterview"'},
            )
        raw = await params.json_bytes(request)
        body: Any = None
        if raw.strip():
            if not request.content_type == "application/json":
                raise Invalid("send the body as JSON with Content-Type: application/json")
            body = params.json_value(raw)
        key = request.headers.get("Idempotency-Key")
        db = request.app[DB]
        reply = await db.call(
            integration.once,
            db,
            caller,
            key,
            integration.fingerprint(request.method, request.path, raw),
            lambda: handler(request, caller, body),
        )
        headers = {**NO_STORE, **limits}
        if key is not None:
            headers["Idempotency-Key"] = key
            if reply.replayed:
                headers["Idempotent-Replayed"] = "true"
        if reply.status == 201 and "id" in reply.body:
            headers["Location"] = f"/api/v1/invitations/{reply.body['id']}"
        return web.json_response(reply.body, status=reply.status, headers=headers)

    return wrapped


def _letterhead(request: web.Request) -> Letterhead:
    return Letterhead.from_settings(request.app[SETTINGS])


def _id(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


@reader
async def interviews(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return {"interviews": await db.call(api.interviews, db, account)}


@reader
async def interview(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return await db.call(api.interview, db, account, _id(request, "interview_id"))


@reader
async def invitations(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    return {"invitations": await db.call(api.invitations, db, account, _id(request, "interview_id"))}


@reader
async def invitation(request: web.Request, account: Account | None) -> object:
    db = request.app[DB]
    found = await db.call(api.invitation, db, account, _id(request, "invitation_id"))
    caller: Caller | None = request["caller"]
    if caller is None:
        return found
    settings = request.app[SETTINGS]
    return await db.call(
        integration.with_media_links, db, caller, found, settings.base_url, settings.api.media_link_minutes
    )


@writer
def invite(request: web.Request, caller: Caller, body: Any) -> tuple[int, dict[str, Any]]:
    db = request.app[DB]
    return integration.invite(db, caller, _id(request, "interview_id"), body, _letterhead(request))


@writer
def resend(request: web.Request, caller: Caller, body: Any) -> tuple[int, dict[str, Any]]:
    db = request.app[DB]
    return integration.resend(db, caller, _id(request, "invitation_id"), _letterhead(request))


@writer
def extend(request: web.Request, caller: Caller, body: Any) -> tuple[int, dict[str, Any]]:
    db = request.app[DB]
    return integration.extend(db, caller, _id(request, "invitation_id"), body, _letterhead(request))


@writer
def withdraw(request: web.Request, caller: Caller, body: Any) -> tuple[int, dict[str, Any]]:
    db = request.app[DB]
    return integration.withdraw(db, caller, _id(request, "invitation_id"))


@writer
def decide(request: web.Request, caller: Caller, body: Any) -> tuple[int, dict[str, Any]]:
    db = request.app[DB]
    return integration.decide(db, caller, _id(request, "invitation_id"), body, _letterhead(request))


async def media(request: web.Request) -> web.StreamResponse:
    """A recording through a link the API handed out: no session or token, the link's signature is the key."""
    # Each part once, and numbers in ASCII digits, as the link was made: anything else is not that link
    try:
        token_id = numbers.whole(params.one(request, "token"), "token")
        expires = numbers.whole(params.one(request, "expires"), "expires")
        signature = params.one(request, "signature")
    except Invalid:
        return json_error(403, "this link is not complete: ask the API for a fresh one")
    db = request.app[DB]
    recording_id, kind = _id(request, "recording_id"), request.match_info["kind"]
    path = await db.call(integration.media_path, db, recording_id, kind, token_id, expires, signature)

    async def check() -> str:
        return await db.call(
            integration.media_path, db, recording_id, kind, token_id, expires, signature, audited=False
        )

    key = ("api", token_id, expires, signature, recording_id, kind)
    return await viewings.play(request, key, path, check)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(spec())

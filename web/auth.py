"""Who is asking: the reviewer's session (a cookie), CSRF protection for their forms, and the decorators
handlers use to say who may call them."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web

from boxinterview.domain import sessions
from boxinterview.domain.models import Role
from boxinterview.web import forms
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.ttl import TtlCache

COOKIE = "boxinterview_session"
SESSION = web.RequestKey("session", sessions.Session)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_secure(request: web.Request) -> bool:
    """HTTPS as the browser sees it: directly, or through the proxy on loopback (Caddy)."""
    if request.secure:
        return True
    peer = request.remote or ""
    return peer in ("127.0.0.1", "::1") and request.headers.get("X-Forwarded-Proto") == "https"


def client_address(request: web.Request) -> str:
    peer = request.remote or ""
    if peer in ("127.0.0.1", "::1") and "X-Forwarded-For" in request.headers:
        return request.headers["X-Forwarded-For"].split(",")[-1].strip()
    return peer


def set_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        httponly=True,
        samesite="Lax",
        secure=is_secure(request),
        path="/",
        max_age=request.app[SETTINGS].reviews.session_max_hours * 3600,
    )


# A player asks for a recording in dozens of byte ranges; looking the session up in the store for each would
# cost more than sending the bytes. So a session resolved from the store is trusted for a few seconds, but only
# for the later ranges of a recording already being played: every page, form and API call asks the store, so
# a session ended elsewhere (a new password, a disabled account, from the console or the CLI) stops at once.
RECHECK_SECONDS = 10.0
_recent: TtlCache[str, sessions.Session] = TtlCache(RECHECK_SECONDS)


def forget(raw: str) -> None:
    _recent.forget(raw)


def continues_playback(request: web.Request) -> bool:
    """A byte range of a recording past its start: the player is in the middle of something already allowed."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith("/media/"):
        return False
    return not request.headers.get("Range", "bytes=0-").replace(" ", "").startswith("bytes=0-")


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    raw = request.cookies.get(COOKIE)
    if raw and not request.path.startswith("/v/"):  # a viewing's address needs no session (web/viewings.py)
        cached = _recent.get(raw) if continues_playback(request) else None
        if cached is not None:
            request[SESSION] = cached
        else:
            db = request.app[DB]
            found = await db.call(sessions.resolve, db, request.app[SETTINGS], raw)
            if found is not None:
                _recent.put(raw, found)
                request[SESSION] = found
            else:
                forget(raw)
    return await handler(request)


def current(request: web.Request) -> sessions.Session | None:
    return request.get(SESSION)


def signed_in(request: web.Request) -> sessions.Session:
    """The session of a handler behind `@reviewer` (which has already turned everyone else away)."""
    session = current(request)
    if session is None:
        raise web.HTTPUnauthorized(text="sign in first")
    return session


def same_token(sent: str, expected: str) -> bool:
    # compare_digest refuses str with non-ASCII characters; bytes compare whatever was sent.
    return hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def login_url(request: web.Request) -> str:
    """The sign-in page, told to come back here afterwards (sign-in checks the address again before using it)."""
    return "/login?" + urlencode({"next": str(request.rel_url)})


def reviewer(handler: Handler) -> Handler:
    """Signed-in reviewers and admins only; a form post must carry the session's CSRF token."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        session = current(request)
        if session is None:
            if request.method == "GET" and not request.path.startswith(("/api/", "/media/")):
                raise web.HTTPSeeOther(login_url(request))
            raise web.HTTPUnauthorized(text="sign in first")
        if request.method not in ("GET", "HEAD"):
            form = await forms.read(request, many=None)  # the handler reads the rest
            sent = str(form.get("csrf", "")) or request.headers.get("X-CSRF-Token", "")
            if not same_token(sent, session.csrf):
                raise web.HTTPForbidden(
                    text="the form has expired (CSRF check failed); reload the page and try again"
                )
        return await handler(request)

    return wrapped


def admin(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        session = current(request)
        if session is None or session.account.role is not Role.ADMIN:
            raise web.HTTPForbidden(text="only an admin may do this")
        return await handler(request)

    return reviewer(wrapped)

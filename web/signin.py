"""The sign-in form's own protection, before anyone has a session: a token bound to a pre-session cookie (so a page
on another site cannot sign a reviewer in as someone else), and where the browser may be sent afterwards."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from urllib.parse import unquote, urlsplit

from aiohttp import web

from boxinterview.web import auth
from boxinterview.web.keys import SIGNIN_KEY

COOKIE = "boxinterview_signin"
COOKIE_HOURS = 12  # a sign-in page left open over a working day still works
_RAW = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes

DEFAULT_NEXT = "/review"
MAX_NEXT = 2000
_DECODINGS = 3


def _sign(request: web.Request, raw: str) -> str:
    digest = hmac.new(request.app[SIGNIN_KEY], b"sign-in:" + raw.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _cookie_value(request: web.Request) -> str | None:
    raw = request.cookies.get(COOKIE, "")
    return raw if _RAW.fullmatch(raw) else None


def issue(request: web.Request) -> tuple[str, str]:
    """(pre-session cookie value, form token) for a sign-in form: the browser's cookie if it has one, else new."""
    raw = _cookie_value(request) or secrets.token_urlsafe(32)
    return raw, _sign(request, raw)


def keep(request: web.Request, response: web.StreamResponse, raw: str) -> None:
    """Give the browser the cookie its form's token is bound to (again, so it lasts as long as the page)."""
    response.set_cookie(
        COOKIE,
        raw,
        httponly=True,
        samesite="Strict",
        secure=auth.is_secure(request),
        path="/login",
        max_age=COOKIE_HOURS * 3600,
    )
    response.headers["Cache-Control"] = "no-store"


def token_matches(request: web.Request, sent: str) -> bool:
    """The form came from a sign-in page this browser was given: its token signs the browser's cookie."""
    raw = _cookie_value(request)
    return raw is not None and auth.same_token(sent, _sign(request, raw))


def forget(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/login")


def _bare_path(text: str) -> bool:
    """A path on this site and nothing else. Browsers read `//host`, `/\\host` and `/<tab>/host` (they drop tabs
    and newlines) as another site, and some also unusual Unicode spaces, so none of those is allowed."""
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return False
    if any(unicodedata.category(ch).startswith(("C", "Z")) and ch != " " for ch in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a bare local path, or the queue. The value is checked as sent and after each
    round of percent-decoding (a later hop may decode once more); it is used as sent."""
    if not value or len(value) > MAX_NEXT or not all("!" <= ch <= "~" for ch in value):
        return DEFAULT_NEXT  # a Location is printable ASCII; anything else was not made by this site
    text = value
    for _ in range(_DECODINGS):
        if not _bare_path(text):
            return DEFAULT_NEXT
        decoded = unquote(text, errors="replace")
        if decoded == text:
            return value
        text = decoded
    return DEFAULT_NEXT  # encoded over and over: not a link this site made

"""What every answer of the server carries and every state-changing request must show: the security headers
(the app's own, so they hold without Caddy and Caddy only fills gaps), no software banner, and a refusal of
requests that a page on another site, or a page with no origin at all, makes in someone's name."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web, web_response

from boxinterview.ops.proxy import CSP, csp
from boxinterview.web.auth import Handler, is_secure
from boxinterview.web.keys import SETTINGS

# What the server calls itself. aiohttp would otherwise name itself and Python with their versions, which only
# tells an attacker what to try.
SERVER_NAME = "boxinterview"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Addresses that hold a credential (a candidate's invitation token, a share link's token): nothing under them,
# not an error page nor a redirect, tells another site where the browser came from.
CREDENTIAL_PATHS = ("/i/", "/s/", "/api/v1/candidate/")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The default; pages whose address is a credential (a candidate's, a share link's) tighten it to no-referrer.
    "Referrer-Policy": "same-origin",
}


def hide_server_banner() -> None:
    """aiohttp adds its banner to any answer that has no Server header, including the ones it makes itself for a
    request it cannot parse, which no middleware or signal sees. Its default is one module-level name."""
    # The name is aiohttp's own, which that module imports without exporting it.
    web_response.SERVER_SOFTWARE = SERVER_NAME  # type: ignore[attr-defined]


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, with the scheme's default port filled in; None when it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _ours(request: web.Request, origin: str) -> bool:
    """A page of this server: at its configured public address, or at the address this request was sent to (a
    browser always sends the real Host, so a page elsewhere cannot pass as that)."""
    found = _origin(origin)
    if found is None:
        return False
    addressed = _origin(f"{'https' if is_secure(request) else 'http'}://{request.host}")
    return found in (_origin(request.app[SETTINGS].base_url), addressed)


def cross_site(request: web.Request) -> bool:
    """Made by a page that is not one of ours. The browser names the page's origin, or sends `null` when it will not
    say (a sandboxed frame, a data: URL, a redirect across sites); Sec-Fetch-Site, which no script can set, says
    the same in newer browsers and is asked when Origin is missing or `null`."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":
        # A page with Referrer-Policy no-referrer (a candidate's) makes the browser send `null` for its own forms.
        # It passes when the browser vouches that the form is ours; a browser too old to say so passes only on a
        # candidate's address, which holds their secret token: a page elsewhere cannot know it.
        if fetch_site is not None:
            return fetch_site != "same-origin"
        return not request.path.startswith(CREDENTIAL_PATHS)
    return not _ours(request, origin)


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every answer as it is sent (pages, files, redirects, refusals), unless the handler chose stricter."""
    # With recordings in a bucket the policy names its origin too (`csp`); HEADERS holds the plain one.
    response.headers.setdefault("Content-Security-Policy", csp(request.app[SETTINGS]))
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(CREDENTIAL_PATHS):
        response.headers["Referrer-Policy"] = "no-referrer"


@web.middleware
async def cross_site_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Sign-in, reviewers' forms, a candidate's consent and uploads: none is ever posted from another site.
    if request.method not in SAFE_METHODS and cross_site(request):
        raise web.HTTPForbidden(
            text="this was sent from another site, which is not accepted: "
            "open the page on this site and send it from there"
        )
    return await handler(request)

"""One place that turns core errors into HTTP answers: a JSON body for the API, a page for people."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from boxinterview.errors import (
    BoxError,
    Conflict,
    DatabaseError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    TooLarge,
)
from boxinterview.web import candidate_errors
from boxinterview.web.render import render

log = logging.getLogger(__name__)

STATUS: list[tuple[type[BoxError], int]] = [
    (TooLarge, 413),
    (Gone, 410),
    (NotFound, 404),
    (Invalid, 422),
    (Conflict, 409),
    (Forbidden, 403),
    (DatabaseError, 503),
]


def status_for(exc: BoxError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 400


def json_error(status: int, message: str, **extra: object) -> web.Response:
    """The one JSON error shape: {"error": {"status": ..., "message": ...}}."""
    return web.json_response({"error": {"status": status, "message": message, **extra}}, status=status)


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def page_error(request: web.Request, status: int, message: str) -> web.Response:
    """The error page; a candidate's in their interview's language."""
    language = candidate_errors.language_of(request)
    return render(
        request,
        "error.html",
        status=status,
        language=language,
        code=status,
        message=candidate_errors.say(language, status, message),
        title=language.gettext("Something is not right") if language else "Something is not right",
        back=_back(request),
    )


def _back(request: web.Request) -> str | None:
    """The page a refused form was sent from (on this site), to go back to it with what was typed."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if request.method != "POST" or referer.netloc != request.host or not referer.path.startswith("/"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


# What aiohttp itself refuses, said for a person, with what to do.
_AIOHTTP_REFUSALS = {
    400: "The request could not be read. Reload the page and try again.",
    405: "This address cannot be used that way. Open the page from its link and use its buttons.",
    413: "What was sent is too large for this page. Shorten what you wrote and send it again.",
}


def _page_message(exc: web.HTTPException) -> str:
    """Our own words where a handler gave them; aiohttp's refusals ("Maximum request body size … exceeded",
    "405: Method Not Allowed") said plainly."""
    default = f"{exc.status}: {exc.reason}"
    if exc.status == 413 or not exc.text or exc.text == default:
        return _AIOHTTP_REFUSALS.get(exc.status, exc.reason)
    return exc.text


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except BoxError as exc:
        status = status_for(exc)
        if wants_json(request):
            problems = [{"field": p, "message": m} for p, m in getattr(exc, "problems", [])]
            message = candidate_errors.say(candidate_errors.language_of(request), status, str(exc))
            return json_error(status, message, **({"problems": problems} if problems else {}))
        return page_error(request, status, str(exc))
    except web.HTTPException as exc:
        if exc.status == 404 and wants_json(request) and exc.text in (None, "", "404: Not Found"):
            return json_error(404, "there is nothing at this address; check the link (and any number in it)")
        if exc.status >= 400 and wants_json(request):
            language = candidate_errors.language_of(request)
            answer = json_error(
                exc.status, candidate_errors.say(language, exc.status, exc.text or exc.reason)
            )
            for name, value in exc.headers.items():  # Retry-After, WWW-Authenticate, RateLimit-…, Allow
                if name.lower() not in ("content-type", "content-length"):
                    answer.headers[name] = value
            return answer
        if exc.status == 404:
            return page_error(
                request, 404, "There is no page at this address. Check that the link is complete."
            )
        if exc.status >= 400:  # a page, not aiohttp's plain "413: Request Entity Too Large"
            answer = page_error(request, exc.status, _page_message(exc))
            for name, value in exc.headers.items():
                if name.lower() not in ("content-type", "content-length"):
                    answer.headers[name] = value
            return answer
        raise
    except Exception:
        log.exception("unexpected error serving %s %s", request.method, request.path)
        if wants_json(request):
            return json_error(500, "internal error; the operator can find the details in the server log")
        return page_error(request, 500, "Something went wrong on our side. Please try again in a moment.")

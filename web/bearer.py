"""Bearer tokens from machines: API tokens, runner tokens, runners' registration tokens. Each is long and random,
so guessing one is hopeless; an address sending wrong ones is still slowed down (each costs a look-up), and once it
has sent too many in a minute it is refused with 429 before its next token is even looked at, whatever the token.
A registered runner is held to a number of requests a minute too, so one gone wrong cannot crowd out the rest
(`api.wrong_tokens_per_minute`, `api.runner_requests_per_minute`)."""

from __future__ import annotations

from aiohttp import web

from boxinterview.web import auth
from boxinterview.web.keys import RUNNER_LIMITER, WRONG_TOKENS


def token(request: web.Request) -> str:
    """The Bearer token sent ("" without one), once this address may send another."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return ""
    if (headers := request.app[WRONG_TOKENS].waiting(auth.client_address(request))) is not None:
        raise web.HTTPTooManyRequests(
            text=f"too many wrong tokens from this address; wait {headers['Retry-After']} s, then send the right one",
            headers=headers,
        )
    return header[7:].strip()


def wrong(request: web.Request) -> None:
    """Count a wrong token from this address."""
    request.app[WRONG_TOKENS].take(auth.client_address(request))


def runner_may_call(request: web.Request, runner_id: int, name: str) -> None:
    allowed, headers = request.app[RUNNER_LIMITER].take(runner_id)
    if not allowed:
        raise web.HTTPTooManyRequests(
            text=f"too many requests from the runner {name!r}; wait {headers['Retry-After']} s and try again",
            headers=headers,
        )

"""Typed keys for what the application holds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from aiohttp import web

from boxinterview.config.settings import Settings
from boxinterview.storage import Bucket
from boxinterview.store import Database
from boxinterview.web.language import Templates
from boxinterview.web.ratelimit import RateLimiter

if TYPE_CHECKING:
    from boxinterview.web.handlers.assets import Asset
    from boxinterview.web.handlers.brand import Brand

SETTINGS = web.AppKey("settings", Settings)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)  # requests per minute for each API token
RUNNER_LIMITER = web.AppKey("runner_limiter", RateLimiter)  # requests per minute for each remote runner
WRONG_TOKENS = web.AppKey("wrong_tokens", RateLimiter)  # wrong Bearer tokens per minute from each address
DB = web.AppKey("db", Database)
BUCKET = web.AppKey("bucket", Bucket)  # only when finished recordings move to an S3-compatible bucket
TEMPLATES = web.AppKey("templates", Templates)  # one Jinja2 environment per language
FILE_IO = web.AppKey("file_io", ThreadPoolExecutor)  # writes and fsyncs of uploaded bytes
ASSETS = web.AppKey("assets", dict[str, "Asset"])  # the pages' scripts and styles, by name
BRAND: web.AppKey[Brand] = web.AppKey("brand")  # the organisation's logo and accent colour, read at start
# Signs the sign-in form's token. Made afresh when the server starts: a form older than that is simply sent again.
SIGNIN_KEY = web.AppKey("signin_key", bytes)

"""Typed keys for what the application holds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import jinja2
from aiohttp import web

from boxinterview.config import Settings
from boxinterview.store import Database

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
FILE_IO = web.AppKey("file_io", ThreadPoolExecutor)  # writes and fsyncs of uploaded bytes

"""Sending a stored file (a recording, a poster, a document) once a handler has decided the caller may have it.
Every file goes through here, so byte ranges follow the same rules everywhere (see `ranges`)."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter

from boxinterview.domain import placement
from boxinterview.web import ranges
from boxinterview.web.keys import BUCKET, DB, SETTINGS

# Told to the proxy with X-Accel-Redirect: the Range it should apply, empty for the whole file (see proxy.py).
ACCEL_RANGE = "X-Accel-Range"


class RangedFile(web.FileResponse):
    """aiohttp's FileResponse, shown the request with Range and If-Range already decided by `ranges.plan`.

    aiohttp reads them its own way: a Range it cannot parse (or several ranges) gets 416 instead of the file,
    an ETag in If-Range is not compared at all, and a later date counts as a match. So the range is decided
    here and aiohttp sees one well-formed Range, or none; it still answers If-Match, If-None-Match and the
    dates itself, and sends the bytes."""

    def __init__(self, path: Path, headers: dict[str, str]) -> None:
        super().__init__(path, headers=headers)
        self.file = path

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        try:
            st = await asyncio.get_running_loop().run_in_executor(None, self.file.stat)
        except OSError:
            return await super().prepare(request)  # aiohttp answers 403 or 404 itself
        decided = ranges.plan(request.method, request.headers, st.st_size, ranges.Validators.of_file(st))
        return await super().prepare(request.clone(headers=_with_range(request, decided, st.st_size)))


def _with_range(request: web.BaseRequest, decided: ranges.Plan, size: int) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for name, value in request.headers.items():
        if name.lower() in ("range", "if-range"):
            continue
        try:
            (name + value).encode("utf-8")
        except UnicodeEncodeError:
            continue  # bytes that are not UTF-8 (kept as surrogates) cannot be copied; no file header needs them
        headers.append((name, value))
    if isinstance(decided, ranges.Part):
        headers.append(("Range", f"bytes={decided.first}-{decided.last}"))
    elif isinstance(decided, ranges.Unsatisfiable):
        headers.append(("Range", f"bytes={size}-"))  # aiohttp answers 416 with Content-Range: bytes */SIZE
    return headers


def stream(path: Path, headers: dict[str, str]) -> web.StreamResponse:
    """The server sends the file itself."""
    return RangedFile(path, headers)


def send(request: web.Request, path: Path, headers: dict[str, str]) -> web.StreamResponse:
    """The server streams the file itself or, behind a proxy set up for it, hands the sending to the proxy with
    X-Accel-Redirect. Either way the path comes from the store, never the request.

    The proxy answers If-Range with its own ETag and date, so only the Range itself is decided here and handed
    over written plainly, or empty when it is to be ignored (see proxy.py)."""
    settings = request.app[SETTINGS]
    if not settings.server.accel_redirect:
        return stream(path, headers)
    relative = path.resolve().relative_to(settings.data_dir.resolve())  # raises if outside the data
    handed = ranges.for_proxy(request.headers.get("Range") if request.method == "GET" else None)
    return web.Response(
        status=200, headers={**headers, "X-Accel-Redirect": "/" + relative.as_posix(), ACCEL_RANGE: handed}
    )


async def deliver(
    request: web.Request,
    path: Path,
    headers: dict[str, str],
    content_type: str | None = None,
    through_proxy: bool = True,
) -> web.StreamResponse:
    """A stored file the caller has been allowed: sent from this disk as `send` does, or, once it has moved to
    the bucket, a redirect to a presigned GET (see `in_bucket`)."""
    found = await in_bucket(request, path, headers, content_type)
    if found is not None:
        return found
    return send(request, path, headers) if through_proxy else stream(path, headers)


async def in_bucket(
    request: web.Request, path: Path, headers: dict[str, str], content_type: str | None = None
) -> web.Response | None:
    """For a file that has moved to the bucket, a redirect to a presigned GET that works for
    `storage.link_seconds`; None for a file on this disk. The object store answers Range requests itself (206);
    the redirect is never cached, so every start of playback is authorised here."""
    bucket = request.app.get(BUCKET)
    if bucket is None:
        return None
    key = await request.app[DB].aread(placement.located, str(path))
    if key is None:
        return None
    return web.Response(
        status=302,
        headers={
            "Location": bucket.presign(key, content_type, headers.get("Content-Disposition")),
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def attachment(name: str) -> str:
    """A Content-Disposition that saves the file under its own name in any script (RFC 6266 `filename*`), with
    a plain ASCII name beside it for clients that know only that; nothing in it can end the header."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = " ".join("".join(ch for ch in plain if ch.isalnum() or ch in "._- ").split())[:100]
    stem, dot, extension = plain.rpartition(".")
    if not (stem if dot else plain).strip("._- "):  # nothing of the name was ASCII ("محمد.docx")
        plain = f"document.{extension}" if dot and extension else "document"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def spreadsheet(text: str, filename: str) -> web.Response:
    """A CSV download that spreadsheets open as UTF-8: with the byte order mark Excel needs to read "Zoë" or
    "李雷" as written (without it, it reads the bytes as the machine's legacy code page)."""
    return web.Response(
        body=("\ufeff" + text).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": attachment(filename), "Cache-Control": "no-store"},
    )

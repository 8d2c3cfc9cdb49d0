"""The tus 1.0.0 server: creation, creation-with-upload, creation-defer-length, termination, checksum,
expiration. The protocol's rules are in `domain.uploads`; this module speaks its HTTP.

Durability: bytes are written to the upload's file as they arrive, but the offset is acknowledged only after
they are fsynced and the database row says so. A crash leaves at most an unacknowledged tail, which the next
request trims.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from email.utils import format_datetime

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from boxinterview import clock, files
from boxinterview.domain import numbers, uploads
from boxinterview.errors import BoxError, Conflict, Forbidden, Gone, Invalid, NotFound, TooLarge
from boxinterview.web import candidate_errors
from boxinterview.web.keys import DB, FILE_IO, SETTINGS

log = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
OFFSET_STREAM = "application/offset+octet-stream"
PIECE = 256 * 1024
BASE = "/api/v1/uploads/"

STATUS: list[tuple[type[BoxError], int]] = [
    (TooLarge, 413),
    (Gone, 410),
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Invalid, 400),
]

# One request at a time per upload; entries vanish when no request holds them.
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


class ChecksumMismatch(Exception):
    pass


def tus_response(status: int, headers: dict[str, str] | None = None, text: str | None = None) -> web.Response:
    all_headers = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **(headers or {})}
    if text is None:
        return web.Response(status=status, headers=all_headers)
    return web.Response(status=status, headers=all_headers, text=text + "\n", content_type="text/plain")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tus_endpoint(handler: Handler) -> Handler:
    """Check the protocol version and turn core errors into the protocol's status codes."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            return tus_response(
                412,
                {"Tus-Version": TUS_VERSION},
                f"this server speaks tus {TUS_VERSION}: send the header Tus-Resumable: {TUS_VERSION}",
            )
        try:
            return await handler(request)
        except ChecksumMismatch as exc:
            return tus_response(460, text=str(exc))
        except BoxError as exc:
            status = next((code for kind, code in STATUS if isinstance(exc, kind)), 400)
            return tus_response(
                status, text=candidate_errors.say(candidate_errors.language_of(request), status, str(exc))
            )

    return wrapped


def _expires(upload: uploads.UploadRow) -> dict[str, str]:
    if upload.completed_at is not None:
        return {}
    return {"Upload-Expires": format_datetime(upload.expires_at, usegmt=True)}


def _int_header(request: web.Request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit():
        # More than SQLite can count is more than any limit: the size checks answer 413 for it.
        return numbers.MAX_ID if len(text) > 18 else min(int(text), numbers.MAX_ID)
    raise Invalid(f"{name} must be a whole number of bytes, not {raw[:40]!r}")


def _checksum(request: web.Request) -> tuple[str, bytes] | None:
    raw = request.headers.get("Upload-Checksum")
    if raw is None:
        return None
    algorithm, _, encoded = raw.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        raise Invalid(
            f"Upload-Checksum algorithm {algorithm!r} is not supported; use one of {', '.join(CHECKSUMS)}"
        )
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):  # a character outside base64 (non-ASCII: ValueError)
        raise Invalid("Upload-Checksum: the digest is not base64") from None
    if len(digest) != CHECKSUMS[algorithm]().digest_size:
        raise Invalid(
            f"Upload-Checksum: send '{algorithm} <the base64 of its {CHECKSUMS[algorithm]().digest_size}-byte digest>'"
        )
    return algorithm, digest


async def options(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return tus_response(
        204,
        {
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Max-Size": str(settings.uploads.max_bytes),
            "Tus-Checksum-Algorithm": ",".join(CHECKSUMS),
        },
    )


async def _receive(
    request: web.Request, upload: uploads.UploadRow, policy: uploads.Policy
) -> uploads.UploadRow:
    """Write the request body at the upload's offset, fsync, then acknowledge; returns the updated upload."""
    settings = request.app[SETTINGS]
    db = request.app[DB]
    io = request.app[FILE_IO]
    loop = asyncio.get_running_loop()
    length = uploads.check_length(upload, policy, _int_header(request, "Upload-Length"), upload.received)
    checksum = _checksum(request)
    hasher = CHECKSUMS[checksum[0]]() if checksum else None
    part = files.upload_part(settings.data_dir, upload.id)
    start = upload.received
    received = 0
    pending = bytearray()

    async def flush() -> None:
        nonlocal received
        if pending:
            await loop.run_in_executor(io, files.write_at, part, start + received, bytes(pending))
            received += len(pending)
            pending.clear()

    pieces: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(maxsize=64)
    pump = asyncio.create_task(_pump(request, pieces))
    try:
        while (piece := await pieces.get()) is not None:
            if isinstance(piece, BaseException):
                # The connection broke mid-request. Keep what arrived unless a checksum must vouch for all.
                log.info(
                    "upload %s interrupted after %d bytes: %s", upload.id, received + len(pending), piece
                )
                if hasher:
                    pending.clear()
                    received = 0
                break
            uploads.check_length(upload, policy, length, start + received + len(pending) + len(piece))
            if hasher:
                hasher.update(piece)
            pending += piece
            if len(pending) >= PIECE:
                await flush()
        else:
            if checksum and hasher and hasher.digest() != checksum[1]:
                await loop.run_in_executor(io, files.sync_and_trim, part, start)
                raise ChecksumMismatch(
                    f"the {checksum[0]} checksum of these bytes does not match; send them again"
                )
        await flush()
    except TooLarge:
        await loop.run_in_executor(io, files.sync_and_trim, part, start)
        raise
    finally:
        pump.cancel()
    await loop.run_in_executor(io, files.sync_and_trim, part, start + received)
    if received == 0 and length == upload.length:
        return upload
    return await db.call(
        uploads.commit, db, settings.data_dir, policy, upload, start + received, length, clock.now()
    )


async def _pump(request: web.Request, pieces: asyncio.Queue[bytes | BaseException | None]) -> None:
    """Move the body into a queue as it arrives. Once the connection breaks, aiohttp will not hand out bytes
    it had already buffered, so this loop does nothing but read, to take every byte before that happens."""
    try:
        while chunk := await request.content.readany():
            await pieces.put(chunk)
        await pieces.put(None)
    except (OSError, aiohttp.ClientPayloadError, HttpProcessingError) as exc:
        # Bytes that arrived together with the disconnect are still in the reader's buffer; aiohttp offers no
        # public way to them, and they are worth keeping (the candidate may be on a link that drops often).
        for chunk in list(getattr(request.content, "_buffer", ())):
            if isinstance(chunk, bytes | bytearray | memoryview):
                await pieces.put(bytes(chunk))
        await pieces.put(exc)


@tus_endpoint
async def create(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    db = request.app[DB]
    policy = uploads.Policy.from_settings(settings)
    length = _int_header(request, "Upload-Length")
    deferred = request.headers.get("Upload-Defer-Length")
    if deferred is not None and deferred != "1":
        raise Invalid("Upload-Defer-Length can only be 1")
    if (length is None) == (deferred is None):
        raise Invalid("send exactly one of Upload-Length or Upload-Defer-Length: 1")
    has_body = (
        request.content_length not in (None, 0) or request.headers.get("Transfer-Encoding") == "chunked"
    )
    if has_body and request.content_type != OFFSET_STREAM:
        raise Invalid(f"data sent with the creation request must be {OFFSET_STREAM}")
    upload = await db.call(
        uploads.create,
        db,
        settings.data_dir,
        policy,
        length=length,
        metadata_header=request.headers.get("Upload-Metadata", ""),
        now=clock.now(),
    )
    headers = {"Location": BASE + upload.id}
    if has_body:
        async with _locks.setdefault(upload.id, asyncio.Lock()):
            upload = await _receive(request, upload, policy)
        headers["Upload-Offset"] = str(upload.received)
    return tus_response(201, {**headers, **_expires(upload)})


@tus_endpoint
async def head(request: web.Request) -> web.Response:
    db = request.app[DB]
    upload = await db.call(uploads.get, db, request.match_info["upload_id"], clock.now())
    await db.call(uploads.note_resume, db, upload)
    headers = {"Upload-Offset": str(upload.received), **_expires(upload)}
    if upload.length is None:
        headers["Upload-Defer-Length"] = "1"
    else:
        headers["Upload-Length"] = str(upload.length)
    # tus asks HEAD to return the metadata given at creation. It comes back as sent, less the token: that is the
    # candidate's credential, and knowing an upload's URL must not be a way to it.
    if upload.metadata:
        headers["Upload-Metadata"] = upload.metadata
    return tus_response(200, headers)


@tus_endpoint
async def patch(request: web.Request) -> web.Response:
    db = request.app[DB]
    settings = request.app[SETTINGS]
    if request.content_type != OFFSET_STREAM:
        return tus_response(415, text=f"PATCH requests must have Content-Type: {OFFSET_STREAM}")
    offset = _int_header(request, "Upload-Offset")
    if offset is None:
        raise Invalid("PATCH requests need an Upload-Offset header")
    upload_id = request.match_info["upload_id"]
    async with _locks.setdefault(upload_id, asyncio.Lock()):
        upload = await db.call(uploads.get, db, upload_id, clock.now())
        if offset != upload.received:
            sent = request.headers["Upload-Offset"].strip()[:40]  # as sent: a huge number is read as the most
            raise Conflict(
                f"Upload-Offset is {sent} but the server has {upload.received} bytes; resume from there"
            )
        if upload.completed_at is not None:
            # Its bytes have moved on to processing: nothing here may write, trim or make its file again. The
            # last PATCH sent again (its answer lost on the way) is answered as it was; more bytes are refused.
            if await request.content.read(1):
                raise TooLarge(f"this upload is complete at {upload.received} bytes; it takes no more")
            return tus_response(204, {"Upload-Offset": str(upload.received), **_expires(upload)})
        upload = await _receive(request, upload, uploads.Policy.from_settings(settings))
    return tus_response(204, {"Upload-Offset": str(upload.received), **_expires(upload)})


@tus_endpoint
async def delete(request: web.Request) -> web.Response:
    db = request.app[DB]
    upload_id = request.match_info["upload_id"]
    async with _locks.setdefault(upload_id, asyncio.Lock()):
        await db.call(uploads.terminate, db, request.app[SETTINGS].data_dir, upload_id, clock.now())
    return tus_response(204)


async def method_override(request: web.Request) -> web.StreamResponse:
    """tus: a client behind a proxy that allows only GET and POST sends the real method in
    X-HTTP-Method-Override, and the server must honour it."""
    method = request.headers.get("X-HTTP-Method-Override", "").upper()
    handler = {"PATCH": patch, "DELETE": delete, "HEAD": head}.get(method)
    if handler is None:
        return tus_response(
            405, {"Allow": "HEAD, PATCH, DELETE, OPTIONS"}, "use PATCH, HEAD or DELETE on an upload"
        )
    return await handler(request)

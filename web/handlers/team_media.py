"""The hiring team's videos on an interview: a page to record or upload the welcome video and a video for any
question, with captions; and the videos themselves, for the team and for the interview's candidates."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path, PurePath

from aiohttp import BodyPartReader, MultipartReader, web

from boxinterview import files
from boxinterview.domain import documents, interview_media
from boxinterview.errors import Invalid, TooLarge
from boxinterview.pipeline import interview_media as processing
from boxinterview.web import auth, forms, sendfile
from boxinterview.web.auth import Handler
from boxinterview.web.keys import DB, FILE_IO, SETTINGS
from boxinterview.web.render import reviewer_page

CHUNK = 256 * 1024
MAX_FORM_PARTS = 10
# Kept on the original by the name the file came with, when the browser does not say what it is.
SUFFIXES = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".ogg", ".ogv", ".3gp", ".m4a", ".mp3", ".wav", ".aac"}
CSRF_FAILED = "the form has expired (CSRF check failed); reload the page and try again"


def _page_of(interview_id: int, note: str = "") -> str:
    return f"/review/interviews/{interview_id}/media" + (f"?done={note}" if note else "")


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _done(request: web.Request, interview_id: int, note: str, **data: object) -> web.Response:
    if _wants_json(request):
        return web.json_response({"done": note, **data}, headers={"Cache-Control": "no-store"})
    raise web.HTTPSeeOther(_page_of(interview_id, note))


@auth.reviewer
async def page(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    view = await db.call(
        interview_media.overview, db, session.account, int(request.match_info["interview_id"])
    )
    done = request.query.get("done", "")
    return reviewer_page(
        request,
        "team_media.html",
        title=f"{view.interview.title}: welcome and question videos",
        view=view,
        interview=view.interview,
        done=done if done in ("added", "captions", "captions-removed", "removed") else "",
        max_mb=request.app[SETTINGS].uploads.max_bytes // 1_000_000,
    )


def reviewer_stream(handler: Handler) -> Handler:
    """Signed-in reviewers only, with the body left unread for the handler to stream (a video is too large to
    hold in memory): the CSRF token comes in the X-CSRF-Token header or as the form's first field (see `_file`)."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        if auth.current(request) is None:
            raise web.HTTPUnauthorized(text="sign in first")
        return await handler(request)

    return wrapped


async def _csrf_then_file(request: web.Request) -> BodyPartReader:
    """The form's file part, once its CSRF token was shown (in the header, or the field `csrf` before the file)."""
    session = auth.signed_in(request)
    shown = auth.same_token(request.headers.get("X-CSRF-Token", ""), session.csrf)
    if not shown and request.content_type != "multipart/form-data":
        raise web.HTTPForbidden(text=CSRF_FAILED)
    if request.content_type != "multipart/form-data":
        raise Invalid("send the video as a multipart/form-data form, in the field 'file'")
    try:
        reader: MultipartReader = await request.multipart()
        for _ in range(MAX_FORM_PARTS):
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                await part.release()
                continue
            if part.name == "csrf":
                shown = shown or auth.same_token(await part.text(), session.csrf)
            elif part.name == "file":
                if not shown:
                    raise web.HTTPForbidden(text=CSRF_FAILED)
                return part
            else:
                await part.release()
    except forms.UNREADABLE:
        raise Invalid("the form could not be read; choose the file and send it again") from None
    if not shown:
        raise web.HTTPForbidden(text=CSRF_FAILED)
    raise Invalid("choose a video file to upload")


def _extension(part: BodyPartReader) -> str:
    given = files.extension_for(part.headers.get("Content-Type", ""))
    if given != ".bin":
        return given
    suffix = PurePath(part.filename or "").suffix.lower()
    return suffix if suffix in SUFFIXES else ".bin"


async def _receive(request: web.Request, part: BodyPartReader, target: Path, limit: int) -> int:
    """Write the part to `target` (on the file threads), at most `limit` bytes; the number written."""
    loop = asyncio.get_running_loop()
    pool = request.app[FILE_IO]
    received = 0
    with target.open("wb") as out:
        try:
            while chunk := await part.read_chunk(CHUNK):
                received += len(chunk)
                if received > limit:
                    raise TooLarge(
                        f"the video is larger than the limit of {documents.human_size(limit)}; "
                        "upload a shorter or smaller one"
                    )
                await loop.run_in_executor(pool, out.write, chunk)
        except forms.UNREADABLE:
            raise Invalid("the video arrived incomplete; upload it again") from None
        await loop.run_in_executor(pool, out.flush)
    if not part.at_eof():
        raise Invalid("the video arrived incomplete; upload it again")
    return received


@reviewer_stream
async def upload(request: web.Request) -> web.Response:
    """A recorded or uploaded video for the welcome (no question) or one question; replaces what was there."""
    db = request.app[DB]
    settings = request.app[SETTINGS]
    session = auth.signed_in(request)
    interview_id = int(request.match_info["interview_id"])
    question = request.match_info.get("question_id")
    question_id = int(question) if question else None
    part = await _csrf_then_file(request)
    await db.call(interview_media.may_add, db, session.account, interview_id, question_id)
    limit = settings.uploads.max_bytes
    if request.content_length and request.content_length > limit + 64 * 1024:
        raise TooLarge(
            f"the video is larger than the limit of {documents.human_size(limit)}; upload a shorter or smaller one"
        )
    staged = interview_media.staging_path(settings.data_dir, interview_id, question_id)
    try:
        if await _receive(request, part, staged, limit) == 0:
            raise Invalid("the file is empty; choose the video file again, or record one")
        refused = await processing.check(staged, settings)
        if refused is not None:
            raise Invalid(refused)
        media_id = await db.call(
            interview_media.put,
            db,
            session.account,
            interview_id,
            question_id,
            staged,
            (part.filename or "recording")[:200],
            _extension(part),
            settings.media.job_max_attempts,
        )
    finally:
        files.remove(staged)
    return _done(request, interview_id, "added", media=media_id)


@auth.reviewer
async def captions(request: web.Request) -> web.Response:
    """Captions pasted (field `captions`) or uploaded as a .vtt file (field `file`), replacing any there."""
    db = request.app[DB]
    session = auth.signed_in(request)
    media_id = int(request.match_info["media_id"])
    form = await forms.read(request)
    sent = form.get("file")
    raw: str | bytes = ""
    if isinstance(sent, web.FileField):
        raw = await asyncio.get_running_loop().run_in_executor(None, sent.file.read)
    if not raw:
        raw = str(form.get("captions", "")).strip()
    if not raw:
        raise Invalid("paste the captions, or choose a .vtt file")
    await db.call(interview_media.set_captions, db, session.account, media_id, raw)
    media = await db.call(interview_media.get, db, media_id)
    return _done(request, media.interview_id, "captions")


@auth.reviewer
async def remove_captions(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    media_id = int(request.match_info["media_id"])
    await db.call(interview_media.set_captions, db, session.account, media_id, None)
    media = await db.call(interview_media.get, db, media_id)
    return _done(request, media.interview_id, "captions-removed")


@auth.reviewer
async def remove(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    interview_id = await db.call(
        interview_media.remove, db, session.account, int(request.match_info["media_id"])
    )
    return _done(request, interview_id, "removed")


async def _send(request: web.Request, found: Path | str, cache: str) -> web.StreamResponse:
    if isinstance(found, str):  # captions
        return web.Response(
            text=found, content_type="text/vtt", charset="utf-8", headers={"Cache-Control": cache}
        )
    return await sendfile.deliver(request, found, {"Cache-Control": cache})


@auth.reviewer
async def team_file(request: web.Request) -> web.StreamResponse:
    db = request.app[DB]
    session = auth.signed_in(request)
    what = "captions" if request.match_info["what"] == "captions.vtt" else "video"
    found = await db.call(
        interview_media.team_file, db, session.account, int(request.match_info["media_id"]), what
    )
    return await _send(request, found, "private, no-store")


async def candidate_file(request: web.Request) -> web.StreamResponse:
    """A candidate's view of the team's video (or its captions) for the interview their link is for."""
    db = request.app[DB]
    what = "captions" if request.match_info["what"] == "captions.vtt" else "video"
    found = await db.call(
        interview_media.candidate_file,
        db,
        request.match_info["token"],
        int(request.match_info["media_id"]),
        what,
    )
    return await _send(request, found, "private, no-store")

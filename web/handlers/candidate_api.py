"""The JSON the candidate's browser talks to while it records (uploads themselves go through tus)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp import BodyPartReader, web

from boxinterview import files, i18n
from boxinterview.domain import answers, documents, journey
from boxinterview.domain.journey import Progress
from boxinterview.errors import Invalid, TooLarge
from boxinterview.mail.letters import Letterhead
from boxinterview.web import candidate_errors, forms, params, sendfile
from boxinterview.web.keys import DB, SETTINGS

SPEEDTEST_MAX = 4 * 1024 * 1024
MAX_FORM_PARTS = 10  # fields looked through for 'file' (a browser sends just it)


def progress_json(p: Progress) -> dict[str, Any]:
    language = i18n.language(p.interview.language)
    return {
        "status": p.invitation.status.value,
        "closed": p.closed,
        "finished": p.finished,
        "current": p.current,
        "deadline": p.invitation.deadline.isoformat(),
        "questions": [
            {
                "id": s.question.id,
                "position": s.question.position,
                "kind": s.question.kind.value,
                "submitted": s.submitted,
                "needs_retake": s.needs_retake,
                "takes_left": s.takes_left,
                "takes_allowed": s.takes_allowed,
                "takes": [
                    {
                        "number": t.number,
                        "state": t.state,
                        "reason": candidate_errors.reason(language, t.reason),
                        "submitted": t.submitted,
                        "silent": t.silent,
                        "counts": t.counts,
                    }
                    for t in s.takes
                ],
                "file_name": s.file_name,
                "began_seconds_ago": s.began_seconds_ago,
            }
            for s in p.questions
        ],
    }


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, headers={"Cache-Control": "no-store"})


async def state(request: web.Request) -> web.Response:
    db = request.app[DB]
    p = await db.call(journey.progress, db, request.match_info["token"])
    return _json(progress_json(p))


async def submit(request: web.Request) -> web.Response:
    db = request.app[DB]
    token = request.match_info["token"]
    question_id = int(request.match_info["question_id"])
    grace = timedelta(minutes=request.app[SETTINGS].uploads.deadline_grace_minutes)
    await db.call(journey.submit, db, token, question_id, await params.json_object(request), grace=grace)
    return _json(progress_json(await db.call(journey.progress, db, token)))


async def _document_field(request: web.Request, limit: int) -> tuple[bytes, str]:
    """The bytes (at most `limit`) and file name of the form field 'file'. A body that is not such a form, or
    arrives cut short, is refused with what to send instead."""
    if request.content_type != "multipart/form-data":
        raise Invalid("send the document as a multipart/form-data form, in the field 'file'")
    try:
        reader = await request.multipart()
        found: tuple[bytes, str] | None = None
        for _ in range(MAX_FORM_PARTS):
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader) or part.name != "file":
                await part.release()  # another field: skipped
                continue
            if found is not None:  # which of two was meant cannot be told
                raise Invalid("send one document, in one form field 'file'; this form has more than one")
            data = bytearray()
            while chunk := await part.read_chunk(256 * 1024):
                data += chunk
                if len(data) > limit:
                    raise TooLarge(
                        f"the file is larger than the limit of {documents.human_size(limit)}; upload a smaller one"
                    )
            if not part.at_eof():
                raise Invalid("the document arrived incomplete; upload it again")
            found = bytes(data), part.filename or ""
    except forms.UNREADABLE:
        raise Invalid("the form could not be read; send the document in the form field 'file'") from None
    if found is None:
        raise Invalid("send the document as the form field 'file'")
    return found


async def upload_document(request: web.Request) -> web.Response:
    db = request.app[DB]
    settings = request.app[SETTINGS]
    token = request.match_info["token"]
    question_id = int(request.match_info["question_id"])
    p = await db.call(journey.progress, db, token)
    journey.file_question(p, question_id)
    await db.call(answers.may_give_file, db, p.invitation.id, question_id)  # before reading a byte of it
    limit = settings.uploads.max_document_bytes
    if request.content_length and request.content_length > limit + 64 * 1024:
        raise TooLarge(
            f"the file is too large; the limit is {documents.human_size(limit)}. Upload a smaller file"
        )
    data, name = await _document_field(request, limit)
    staged = await asyncio.get_running_loop().run_in_executor(
        None, documents.stage, data, files.staging_dir(settings.data_dir), limit
    )
    await db.call(
        answers.submit_file,
        db,
        settings.data_dir,
        p.invitation.id,
        question_id,
        staged,
        name=documents.clean_name(name),
    )
    return _json(progress_json(await db.call(journey.progress, db, token)))


async def take_media(request: web.Request) -> web.StreamResponse:
    db = request.app[DB]
    path = await db.call(
        journey.take_file,
        db,
        request.match_info["token"],
        int(request.match_info["question_id"]),
        int(request.match_info["take"]),
    )
    return await sendfile.deliver(
        request, path, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


async def begin(request: web.Request) -> web.Response:
    """POST …/questions/{question_id}/begin: the question's countdown is shown; answers how long ago it began."""
    db = request.app[DB]
    seconds = await db.call(
        journey.begin_question, db, request.match_info["token"], int(request.match_info["question_id"])
    )
    return _json({"began_seconds_ago": round(seconds, 1)})


async def device_check(request: web.Request) -> web.Response:
    db = request.app[DB]
    await db.call(
        journey.record_device_check, db, request.match_info["token"], await params.json_object(request)
    )
    return _json({"ok": True})


async def speedtest(request: web.Request) -> web.Response:
    """The device check times an upload of random bytes here; they are counted and dropped."""
    db = request.app[DB]
    await db.call(journey.progress, db, request.match_info["token"])  # only for a valid link
    received = 0
    async for chunk in request.content.iter_any():
        received += len(chunk)
        if received > SPEEDTEST_MAX:
            raise Invalid("the speed test sends at most 4 MB")
    return _json({"received": received})


async def finish(request: web.Request) -> web.Response:
    db = request.app[DB]
    token = request.match_info["token"]
    await db.call(journey.finish, db, token, None, Letterhead.from_settings(request.app[SETTINGS]))
    return _json(progress_json(await db.call(journey.progress, db, token)))


async def feedback(request: web.Request) -> web.Response:
    db = request.app[DB]
    body = await params.json_object(request)
    await db.call(
        journey.feedback, db, request.match_info["token"], body.get("rating"), str(body.get("comment", ""))
    )
    return _json({"ok": True})

"""Candidate pages. The invitation token in the URL is the candidate's only credential, so every page sends
`Referrer-Policy: no-referrer` and `Cache-Control: no-store`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from boxinterview import i18n
from boxinterview.domain import interview_media, journey
from boxinterview.domain.interview_media import TeamMedia
from boxinterview.domain.journey import Progress
from boxinterview.web import candidate_errors, forms
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import render

PAGES = ("check", "interview", "done")
# Think time starts when a question's video ends or the candidate starts it; a video paused or watched again
# holds it back for at most twice its length and this long, so nobody gets much more time than anyone else.
VIDEO_GRACE_SECONDS = 30


def _private(response: web.Response) -> web.Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _language(request: web.Request, p: Progress) -> i18n.Language:
    """The interview's language, remembered for an error page this request may still end in."""
    return candidate_errors.remember(request, i18n.language(p.interview.language))


def _context(request: web.Request, p: Progress) -> dict[str, Any]:
    settings = request.app[SETTINGS]
    return {
        "language": _language(request, p),
        "time_zone": p.interview.time_zone,
        "organisation": settings.organisation.name,
        "interview": p.interview,
        "invitation": p.invitation,
        "progress": p,
        "token": request.match_info["token"],
        "multiplier": p.invitation.time_multiplier,
        "kinds": p.interview.kind_counts,
        "estimate_minutes": p.interview.estimated_minutes(p.invitation.time_multiplier),
        "notice": settings.organisation.privacy_notice,
        "notice_version": settings.organisation.privacy_notice_version,
        "audio_only": p.interview.allow_audio_only,
        "needs_camera": any(q.kind.value == "video" for q in p.interview.questions),
        "document_limit": settings.uploads.max_document_bytes,
    }


def _closed_page(request: web.Request, p: Progress) -> web.Response | None:
    if p.closed is None:
        return None
    return _private(
        render(
            request,
            "closed.html",
            status=410 if p.closed == "expired" else 403,
            title=_language(request, p).gettext("This interview is closed"),
            **_context(request, p),
        )
    )


async def invitation(request: web.Request) -> web.Response:
    db = request.app[DB]
    p = await db.call(journey.opened, db, request.match_info["token"])
    if (closed := _closed_page(request, p)) is not None:
        return closed
    settings = request.app[SETTINGS]
    videos = await db.call(interview_media.for_candidates, db, p.interview.id)
    return _private(
        render(
            request,
            "invitation.html",
            title=_language(request, p).gettext("%(role)s at %(organisation)s")
            % {"role": p.interview.role, "organisation": settings.organisation.name},
            welcome=videos.get(None),
            **_context(request, p),
        )
    )


async def consent(request: web.Request) -> web.Response:
    db = request.app[DB]
    token = request.match_info["token"]
    p = await db.call(journey.progress, db, token)
    _language(request, p)  # a form refused as it is read (too large, say) is answered in it
    form = await forms.read(request)
    if (closed := _closed_page(request, p)) is not None:
        return closed
    settings = request.app[SETTINGS]
    if form.get("consent") != "yes":
        context = _context(request, p)
        lang = context["language"]
        videos = await db.call(interview_media.for_candidates, db, p.interview.id)
        return _private(
            render(
                request,
                "invitation.html",
                status=400,
                welcome=videos.get(None),
                title=lang.gettext("Please accept the privacy notice"),
                error=lang.gettext(
                    "Please tick the box to accept the privacy notice; nothing is recorded before that."
                ),
                **context,
            )
        )
    await db.call(
        journey.consent,
        db,
        token,
        settings.organisation.privacy_notice_version,
        str(form.get("accommodation", "")),
        settings=settings,
    )
    raise web.HTTPSeeOther(f"/i/{token}/check")


async def page(request: web.Request) -> web.Response:
    """The device check, the interview itself, and the finish page."""
    db = request.app[DB]
    token = request.match_info["token"]
    name = request.match_info["page"]
    p = await db.call(journey.progress, db, token)
    lang = _language(request, p)
    if name not in PAGES:
        raise web.HTTPNotFound()
    if p.finished and name != "done":
        raise web.HTTPSeeOther(f"/i/{token}/done")
    if (closed := _closed_page(request, p)) is not None:
        return closed
    if p.invitation.consent_at is None:
        raise web.HTTPSeeOther(f"/i/{token}")
    if name == "done" and not p.finished:
        raise web.HTTPSeeOther(f"/i/{token}/interview")
    titles = {
        "check": lang.gettext("Check your camera and microphone"),
        "interview": p.interview.role,
        "done": lang.gettext("Thank you"),
    }
    context = _context(request, p)
    if name == "interview":
        videos = await db.call(interview_media.for_candidates, db, p.interview.id)
        context["config"] = _config(p, request.match_info["token"], videos)
    return _private(render(request, f"{name}.html", title=titles[name], **context))


def _video(token: str, media: TeamMedia | None) -> dict[str, Any] | None:
    """A question's video for the interview page's script: where to fetch it and its captions, and how long
    think time may wait for it (see question-video.js)."""
    if media is None:
        return None
    base = f"/i/{token}/media/{media.id}"
    seconds = (media.duration_ms or 0) / 1000
    return {
        "src": base + "/video",
        "captions": base + "/captions.vtt" if media.captions else None,
        "latest": round(seconds * 2 + VIDEO_GRACE_SECONDS),
    }


def _config(p: Progress, token: str, videos: dict[int | None, TeamMedia]) -> dict[str, Any]:
    """What the interview page's script needs: the questions with the candidate's own time limits."""
    m = p.invitation.time_multiplier
    return {
        "token": token,
        "language": p.interview.language,
        "multiplier": m,
        "support": p.interview.support_contact,
        "audio_only": p.interview.allow_audio_only,
        "questions": [
            {
                "id": q.id,
                "position": q.position,
                "kind": q.kind.value,
                "prompt": q.prompt,
                "think": round(q.think_seconds * m),
                "answer": round(q.answer_seconds * m),
                "takes": q.takes,
                "max_chars": q.max_chars,
                "choices": [c.label for c in q.choices],
                "video": _video(token, videos.get(q.id)),
            }
            for q in p.interview.questions
        ],
    }

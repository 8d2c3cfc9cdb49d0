"""Candidate pages. The invitation token in the URL is the candidate's only credential."""

from __future__ import annotations

from aiohttp import web

from boxinterview.domain import interviews, invitations
from boxinterview.domain.models import InvitationStatus
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import render


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


async def invitation(request: web.Request) -> web.Response:
    db = request.app[DB]
    settings = request.app[SETTINGS]
    inv = await db.call(invitations.by_token, db, request.match_info["token"])
    interview = await db.call(interviews.get, db, inv.interview_id)
    multiplier = inv.time_multiplier
    kinds: dict[str, int] = {}
    for q in interview.questions:
        kinds[q.kind.value] = kinds.get(q.kind.value, 0) + 1
    # Reading, device check and practice take a few minutes on top of the answers themselves.
    estimate = _minutes(interview.total_answer_seconds * multiplier + 300)
    closed = inv.status in (InvitationStatus.WITHDRAWN, InvitationStatus.EXPIRED, InvitationStatus.COMPLETED)
    response = render(
        request,
        "invitation.html",
        title=f"{interview.role} at {settings.organisation.name}",
        organisation=settings.organisation.name,
        interview=interview,
        invitation=inv,
        kinds=kinds,
        multiplier=multiplier,
        estimate_minutes=estimate,
        closed=closed,
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    response.headers["Cache-Control"] = "no-store"
    return response

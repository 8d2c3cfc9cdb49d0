"""Share links: made by a reviewer, opened by a hiring manager without an account."""

from __future__ import annotations

import hashlib

from aiohttp import web

from boxinterview.domain import numbers, shares
from boxinterview.web import auth, forms, params, viewings
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import render, reviewer_page


@auth.reviewer
async def create(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    form = await forms.read(request, many={"question"})
    invitation_id = int(request.match_info["invitation_id"])
    questions = params.wholes(form.getall("question", []), "question")
    days = numbers.whole(str(form.get("days", "7")), "days", low=1, high=shares.MAX_DAYS)
    share_id, token = await db.call(
        shares.create, db, session.account, [invitation_id], questions, days, str(form.get("label", ""))
    )
    # From the configured public address, never from the request: its Host and X-Forwarded-* headers are
    # whatever the sender wrote, and the link goes to someone who trusts it.
    url = f"{request.app[SETTINGS].base_url}/s/{token}"
    return reviewer_page(
        request,
        "share_created.html",
        title="Share link",
        url=url,
        days=days,
        share_id=share_id,
        invitation_id=invitation_id,
    )


@auth.reviewer
async def revoke(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    await db.call(shares.revoke, db, session.account, int(request.match_info["share_id"]))
    raise web.HTTPSeeOther("/review#shares")


async def view(request: web.Request) -> web.Response:
    db = request.app[DB]
    token = request.match_info["token"]
    shared = await db.call(shares.open_view, db, token, auth.client_address(request))
    response = render(
        request, "shared.html", title=f"{shared.interview.role}: shared answers", view=shared, token=token
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def media(request: web.Request) -> web.StreamResponse:
    """Authorises a viewing through the link and sends the player to the viewing's own address (`viewings`)."""
    db = request.app[DB]
    token = request.match_info["token"]
    recording_id = int(request.match_info["recording_id"])
    kind = request.match_info["kind"]
    path = await db.call(shares.media_path, db, token, recording_id, kind)

    async def check() -> str:
        return await db.call(shares.media_path, db, token, recording_id, kind)

    key = ("share", hashlib.sha256(token.encode()).hexdigest(), recording_id, kind)
    return await viewings.play(request, key, path, check)

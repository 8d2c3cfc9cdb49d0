"""The reviewer workspace: sign-in, my queue, reviewing a candidate, deciding; and recordings for reviewers."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from boxinterview.domain import decisions, numbers, plaintext, reviews, sessions, shares
from boxinterview.domain.models import HIGHEST_SCORE, LOWEST_SCORE, Outcome
from boxinterview.errors import Forbidden, Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.web import auth, forms, params, sendfile, signin, viewings
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import render, reviewer_page


def _login_form(request: web.Request, status: int, target: str, error: str | None) -> web.Response:
    raw, token = signin.issue(request)
    response = render(
        request, "login.html", status=status, title="Sign in", next=target, error=error, csrf=token
    )
    signin.keep(request, response, raw)
    return response


async def login_page(request: web.Request) -> web.Response:
    return _login_form(request, 200, signin.safe_next(request.query.get("next")), None)


async def login(request: web.Request) -> web.Response:
    db = request.app[DB]
    form = await forms.read(request)
    target = signin.safe_next(str(form.get("next", "")))
    if not signin.token_matches(request, str(form.get("csrf", ""))):
        # Not from a sign-in page this browser was shown: perhaps another site's, perhaps one from before the
        # server restarted. Nobody is signed in; the form comes back ready to use.
        return _login_form(request, 401, target, "The sign-in form had expired. Please sign in again.")
    try:
        raw = await db.call(
            sessions.login,
            db,
            request.app[SETTINGS],
            str(form.get("email", "")),
            str(form.get("password", "")),
            auth.client_address(request),
        )
    except sessions.Throttled as exc:
        response = _login_form(request, 429, target, str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Forbidden as exc:
        return _login_form(request, 401, target, str(exc))
    response = web.HTTPSeeOther(target)
    auth.set_cookie(request, response, raw)
    signin.forget(response)
    raise response


@auth.reviewer
async def logout(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    await db.call(sessions.logout, db, session)
    auth.forget(request.cookies.get(auth.COOKIE, ""))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(auth.COOKIE, path="/")
    raise response


@auth.reviewer
async def queue(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    items = reviews.shuffled(await db.call(reviews.queue, db, session.account), session.account)
    mine = await db.call(shares.mine, db, session.account)
    mine_interviews = await db.call(reviews.interviews_for, db, session.account)
    return reviewer_page(
        request, "queue.html", title="My queue", items=items, shares=mine, interviews=mine_interviews
    )


@auth.reviewer
async def candidate(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    view = await db.call(reviews.candidate, db, session.account, int(request.match_info["invitation_id"]))
    scored = params.one(request, "scored")
    return reviewer_page(
        request,
        "review.html",
        title=f"Review: {view.label}",
        view=view,
        outcomes=list(Outcome),
        scored=scored if scored in ("saved", "submitted") else "",
        draft=None,
    )


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@auth.reviewer
async def save(request: web.Request) -> web.Response:
    """One question's scores and notes (the page itself sends every answer's at once, see `score`)."""
    db = request.app[DB]
    session = auth.signed_in(request)
    invitation_id = int(request.match_info["invitation_id"])
    question_id = int(request.match_info["question_id"])
    form = await forms.read(request)
    scores = {}
    for key, value in form.items():
        if key.startswith("score-") and str(value):
            competency = numbers.whole(key[6:], "a score's competency", low=1)
            scores[competency] = numbers.whole(str(value), "a score", low=LOWEST_SCORE, high=HIGHEST_SCORE)
    await db.call(
        reviews.save,
        db,
        session.account,
        invitation_id,
        question_id,
        scores,
        str(form.get("notes", "")),
        form.get("action") == "submit",
    )
    raise web.HTTPSeeOther(f"/review/{invitation_id}#q{question_id}")


@auth.reviewer
async def score(request: web.Request) -> web.Response:
    """Every answer's scores and notes from the review page's one scoring form: fields `score-Q-C` and `notes-Q`
    (Q a question, C a competency); `action` save keeps a draft, submit makes the review final."""
    db = request.app[DB]
    session = auth.signed_in(request)
    invitation_id = int(request.match_info["invitation_id"])
    form = await forms.read(request)
    scores: dict[int, dict[int, int]] = {}
    notes: dict[int, str] = {}
    for key, value in form.items():
        text = str(value)
        if key.startswith("score-") and text:
            question, _, competency = key[6:].partition("-")
            scores.setdefault(numbers.whole(question, "a score's question", low=1), {})[
                numbers.whole(competency, "a score's competency", low=1)
            ] = numbers.whole(text, "a score", low=LOWEST_SCORE, high=HIGHEST_SCORE)
        elif key.startswith("notes-"):
            notes[numbers.whole(key[6:], "the notes' question", low=1)] = text
    typed = {q: (scores.get(q, {}), notes.get(q, "")) for q in {*scores, *notes}}
    submit = form.get("action") == "submit"
    await db.call(reviews.save_all, db, session.account, invitation_id, typed, submit)
    outcome = "submitted" if submit else "saved"
    if _wants_json(request):
        return web.json_response({"scored": outcome}, headers={"Cache-Control": "no-store"})
    raise web.HTTPSeeOther(f"/review/{invitation_id}?scored={outcome}#scoring")


@auth.reviewer
async def comment(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    invitation_id = int(request.match_info["invitation_id"])
    question_id = int(request.match_info["question_id"])
    form = await forms.read(request)
    at = str(form.get("at_ms", ""))
    moment = numbers.whole(at, "the moment (at_ms)", high=24 * 3600 * 1000) if at else None
    body = str(form.get("body", ""))
    await db.call(reviews.comment, db, session.account, invitation_id, question_id, moment, body)
    if _wants_json(request):  # the page adds it in place: the video, scores and notes typed stay as they are
        return web.json_response(
            {
                "comment": {
                    "at_ms": moment,
                    "body": body.strip(),
                    "by": session.account.name or session.account.email,
                }
            },
            headers={"Cache-Control": "no-store"},
        )
    raise web.HTTPSeeOther(f"/review/{invitation_id}#q{question_id}")


@auth.reviewer
async def decide(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    invitation_id = int(request.match_info["invitation_id"])
    form = await forms.read(request)
    personal = str(form.get("feedback", ""))
    action = form.get("action")
    if action == "change":  # back to the page, with the outcome and the feedback as they were typed
        view = await db.call(reviews.candidate, db, session.account, invitation_id)
        draft = {"outcome": str(form.get("outcome", "")), "feedback": personal}
        return reviewer_page(
            request,
            "review.html",
            title=f"Review: {view.label}",
            view=view,
            outcomes=list(Outcome),
            scored="",
            draft=draft,
        )
    try:
        outcome = Outcome(str(form.get("outcome", "")))
    except ValueError:
        raise Invalid("choose advance, reject or hold") from None
    organisation = request.app[SETTINGS].organisation.name
    if action != "confirm":
        view = await db.call(reviews.candidate, db, session.account, invitation_id)
        subject, body = decisions.render_feedback(view, outcome, personal, organisation)
        return reviewer_page(
            request,
            "decision.html",
            title="Check the message",
            view=view,
            outcome=outcome,
            feedback=personal,
            subject=subject,
            body=body,
            # the decision as it stands, sent again: nothing to confirm
            same=view.decision is not None
            and view.decision.outcome is outcome
            and view.decision.feedback == plaintext.lines(personal),
        )
    await db.call(
        decisions.decide,
        db,
        session.account,
        invitation_id,
        outcome,
        personal,
        Letterhead.from_settings(request.app[SETTINGS]),
        change=form.get("change") == "yes",
        correction=form.get("correction") == "yes",
    )
    raise web.HTTPSeeOther(f"/review/{invitation_id}#decision")


@auth.reviewer
async def media(request: web.Request) -> web.StreamResponse:
    """Authorises a viewing and sends the player to its own address (`viewings`) for the byte ranges; the
    viewing is audited once, when it starts."""
    db = request.app[DB]
    settings = request.app[SETTINGS]
    session = auth.signed_in(request)
    raw = request.cookies.get(auth.COOKIE, "")
    kind = request.match_info["kind"]
    recording_id = int(request.match_info["recording_id"])
    starts = request.headers.get("Range", "bytes=0-").replace(" ", "").startswith("bytes=0-")
    path = await db.call(reviews.media_path, db, session.account, recording_id, kind, starts)

    async def check() -> str:
        still = await db.call(sessions.resolve, db, settings, raw, touch=False)
        if still is None:
            raise Forbidden("signed out")
        return await db.call(reviews.media_path, db, still.account, recording_id, kind, False)

    return await viewings.play(request, ("reviewer", session.id_hash, recording_id, kind), path, check)


@auth.reviewer
async def document(request: web.Request) -> web.StreamResponse:
    db = request.app[DB]
    session = auth.signed_in(request)
    path, name, mime = await db.call(
        reviews.document_path,
        db,
        session.account,
        int(request.match_info["invitation_id"]),
        int(request.match_info["question_id"]),
    )
    headers = {
        "Content-Type": mime or "application/octet-stream",
        "Cache-Control": "private, no-store",
        "Content-Disposition": sendfile.attachment(name),
        "X-Content-Type-Options": "nosniff",
    }
    # Sent by the server itself even behind a proxy (the proxy would not pass on the file name), or from the
    # bucket with the name and type written into the presigned link.
    return await sendfile.deliver(request, Path(path), headers, headers["Content-Type"], through_proxy=False)

"""An interview as the hiring team sees it: the pipeline of candidates, ranked results, side-by-side answers,
and a CSV export of scores and decisions."""

from __future__ import annotations

from aiohttp import web

from boxinterview.domain import results, reviews, wording
from boxinterview.domain.models import Outcome
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.web import auth
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import reviewer_page


@auth.reviewer
async def pipeline(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    stage = request.query.get("stage", "")
    sort = request.query.get("sort", "number")
    page = int(request.query["page"]) if request.query.get("page", "").isdigit() else 1
    interview, rows, counts = await db.call(
        results.pipeline, db, session.account, int(request.match_info["interview_id"]), stage, sort, page
    )
    total = counts.get(stage, 0) if stage else sum(counts.values())
    pages = max(1, -(-total // results.PAGE))
    return reviewer_page(request, "pipeline.html", title=f"{interview.title}: candidates", interview=interview, rows=rows,
                 counts=counts, stage=stage, sort=sort, stages=results.STAGES, page=page, pages=pages, total=total)  # fmt: skip


@auth.reviewer
async def ranking(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    page = int(request.query["page"]) if request.query.get("page", "").isdigit() else 1
    interview, rows, more = await db.call(
        results.results, db, session.account, int(request.match_info["interview_id"]), page
    )
    return reviewer_page(request, "results.html", title=f"{interview.title}: results", interview=interview, rows=rows,
                 page=page, more=more)  # fmt: skip


@auth.reviewer
async def compare(request: web.Request) -> web.Response:
    """Two or three candidates' answers to the same question, side by side."""
    db = request.app[DB]
    session = auth.signed_in(request)
    try:
        question_id = int(request.query.get("question", ""))
        chosen = [int(c) for c in request.query.getall("c", [])][:3]
    except ValueError:
        raise Invalid("choose a question and two or three candidates") from None
    views = [await db.call(reviews.candidate, db, session.account, c) for c in chosen]
    items = [(v, next(a for a in v.answers if a.question.id == question_id)) for v in views]
    interview = views[0].interview if views else None
    return reviewer_page(request, "compare.html", title="Side by side", interview=interview, items=items)


@auth.reviewer
async def export(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    interview_id = int(request.match_info["interview_id"])
    text = await db.call(results.export_csv, db, session.account, interview_id)
    return web.Response(
        text=text, content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="interview-{interview_id}-results.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


@auth.reviewer
async def bulk(request: web.Request) -> web.Response:
    """Advance, reject or hold several candidates at once, with the outcome's standard message; previewed first."""
    db = request.app[DB]
    session = auth.signed_in(request)
    interview_id = int(request.match_info["interview_id"])
    form = await auth.read_form(request)
    try:
        outcome = Outcome(str(form.get("outcome", "")))
        chosen = sorted({int(str(i)) for i in form.getall("invitation", [])})
    except ValueError:
        raise Invalid("choose candidates and one of advance, reject or hold") from None
    if not chosen:
        raise Invalid("tick the candidates to decide for first")
    organisation = request.app[SETTINGS].organisation.name
    views = [await db.call(reviews.candidate, db, session.account, i) for i in chosen]
    if any(v.interview.id != interview_id for v in views):
        raise Invalid("these candidates are not all in this interview")
    if form.get("action") != "confirm":
        subject, body = reviews.render_feedback(views[0], outcome, "", organisation)
        return reviewer_page(request, "bulk.html", title="Check the decisions", interview=views[0].interview, views=views,
                     outcome=outcome, subject=subject, body=body)  # fmt: skip
    head = Letterhead.from_settings(request.app[SETTINGS])
    for v in views:
        await db.call(reviews.decide, db, session.account, v.invitation.id, outcome, "", head)
    raise web.HTTPSeeOther(f"/review/interviews/{interview_id}")


@auth.reviewer
async def messages(request: web.Request) -> web.Response:
    """What candidates of this interview are told, from invitation to outcome, with sample values."""
    db = request.app[DB]
    session = auth.signed_in(request)
    interview, previews = await db.call(wording.for_reviewer, db, session.account, int(request.match_info["interview_id"]),
                                        request.app[SETTINGS].organisation.name)  # fmt: skip
    return reviewer_page(request, "messages.html", title=f"{interview.title}: messages", interview=interview,
                         previews=previews)  # fmt: skip

"""An interview as the hiring team sees it: the pipeline of candidates, ranked results, side-by-side answers,
and a CSV export of scores and decisions."""

from __future__ import annotations

from aiohttp import web

from boxinterview import i18n
from boxinterview.domain import decisions, results, reviews, wording
from boxinterview.domain.models import Outcome
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.web import auth, forms, params, sendfile
from boxinterview.web.keys import DB, SETTINGS
from boxinterview.web.render import reviewer_page


@auth.reviewer
async def pipeline(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    stage = params.one(request, "stage")
    sort = params.one(request, "sort", "number")
    page = params.query_whole(request, "page", 1)
    interview, rows, counts = await db.call(
        results.pipeline, db, session.account, int(request.match_info["interview_id"]), stage, sort, page
    )
    total = counts.get(stage, 0) if stage else sum(counts.values())
    pages = max(1, -(-total // results.PAGE))
    return reviewer_page(
        request,
        "pipeline.html",
        title=f"{interview.title}: candidates",
        interview=interview,
        language_name=i18n.display_name(interview.language),
        rows=rows,
        counts=counts,
        stage=stage,
        sort=sort,
        stages=results.STAGES,
        page=page,
        pages=pages,
        total=total,
    )


@auth.reviewer
async def ranking(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    page = params.query_whole(request, "page", 1)
    interview, rows, more = await db.call(
        results.results, db, session.account, int(request.match_info["interview_id"]), page
    )
    return reviewer_page(
        request,
        "results.html",
        title=f"{interview.title}: results",
        interview=interview,
        rows=rows,
        page=page,
        more=more,
    )


@auth.reviewer
async def compare(request: web.Request) -> web.Response:
    """Two or three candidates' answers to the same question, side by side."""
    db = request.app[DB]
    session = auth.signed_in(request)
    question_id = params.query_whole(request, "question", 0)
    chosen = params.wholes(request.query.getall("c", []), "c")[:3]
    if not question_id or not chosen:
        raise Invalid("choose a question and two or three candidates")
    views = [await db.call(reviews.candidate, db, session.account, c) for c in chosen]
    if len({v.interview.id for v in views}) > 1:
        raise Invalid("compare candidates of the same interview")
    answers = [next((a for a in v.answers if a.question.id == question_id), None) for v in views]
    if any(a is None for a in answers):
        raise Invalid("that question is not one of this interview's; choose one of its questions")
    items = list(zip(views, answers, strict=True))
    interview = views[0].interview if views else None
    return reviewer_page(request, "compare.html", title="Side by side", interview=interview, items=items)


@auth.reviewer
async def export(request: web.Request) -> web.Response:
    db = request.app[DB]
    session = auth.signed_in(request)
    interview_id = int(request.match_info["interview_id"])
    text = await db.call(results.export_csv, db, session.account, interview_id)
    return sendfile.spreadsheet(text, f"interview-{interview_id}-results.csv")


@auth.reviewer
async def bulk(request: web.Request) -> web.Response:
    """Advance, reject or hold several candidates at once, with the outcome's standard message; previewed first."""
    db = request.app[DB]
    session = auth.signed_in(request)
    interview_id = int(request.match_info["interview_id"])
    form = await forms.read(request, many={"invitation"})
    try:
        outcome = Outcome(str(form.get("outcome", "")))
    except ValueError:
        raise Invalid("choose candidates and one of advance, reject or hold") from None
    chosen = sorted(set(params.wholes(form.getall("invitation", []), "invitation")))
    if not chosen:
        raise Invalid("tick the candidates to decide for first")
    organisation = request.app[SETTINGS].organisation.name
    every = [await db.call(reviews.candidate, db, session.account, i) for i in chosen]
    if any(v.interview.id != interview_id for v in every):
        raise Invalid("these candidates are not all in this interview")
    # A decision is changed one candidate at a time, where its message to the candidate can be weighed.
    views = [v for v in every if v.decision is None]
    decided = [v for v in every if v.decision is not None]
    if not views:
        raise Invalid(
            "every candidate you ticked is already decided; change a decision on the candidate's page"
        )
    if form.get("action") != "confirm":
        subject, body = decisions.render_feedback(views[0], outcome, "", organisation)
        return reviewer_page(
            request,
            "bulk.html",
            title="Check the decisions",
            interview=views[0].interview,
            views=views,
            decided=decided,
            outcome=outcome,
            subject=subject,
            body=body,
        )
    head = Letterhead.from_settings(request.app[SETTINGS])
    for v in views:
        await db.call(decisions.decide, db, session.account, v.invitation.id, outcome, "", head)
    raise web.HTTPSeeOther(f"/review/interviews/{interview_id}")


@auth.reviewer
async def messages(request: web.Request) -> web.Response:
    """What candidates of this interview are told, from invitation to outcome, with sample values."""
    db = request.app[DB]
    session = auth.signed_in(request)
    interview, previews = await db.call(
        wording.for_reviewer,
        db,
        session.account,
        int(request.match_info["interview_id"]),
        request.app[SETTINGS].organisation.name,
    )
    return reviewer_page(
        request, "messages.html", title=f"{interview.title}: messages", interview=interview, previews=previews
    )

"""The insight pages: one interview's process measures, or all interviews', for a period; CSV of every table."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from boxinterview.domain import csv_write, insight
from boxinterview.errors import Invalid
from boxinterview.web import auth, charts, params, sendfile
from boxinterview.web.keys import DB
from boxinterview.web.render import reviewer_page

PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


def _period(request: web.Request) -> tuple[str, tuple[datetime, datetime]]:
    key = params.one(request, "period", "90")
    if key not in PERIODS:
        raise Invalid(f"period is one of {', '.join(PERIODS)} (days, or all)")
    return key, insight.period(PERIODS[key])


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _hours(h: float | None) -> str:
    if h is None:
        return "–"
    return f"{h * 60:.0f} min" if h < 1 else f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days"


def funnel_chart(steps: list[insight.Step]) -> object:
    return charts.bars([(s.name, s.count, f"{s.count} ({_pct(s.of_invited)})") for s in steps], "Funnel")


@auth.reviewer
async def interview(request: web.Request) -> web.Response:
    db = request.app[DB]
    key, (since, until) = _period(request)
    found = await db.call(
        insight.for_interview,
        db,
        auth.signed_in(request).account,
        int(request.match_info["interview_id"]),
        since,
        until,
    )
    e = found.experience
    return reviewer_page(
        request,
        "insight.html",
        title=f"{found.title}: insight",
        insight=found,
        period=key,
        periods=PERIODS,
        pct=_pct,
        hours=_hours,
        funnel_chart=funnel_chart(found.funnel),
        leniency_chart=charts.diverging(
            [(r.name, r.leniency.value, str(r.leniency)) for r in found.reviewers], "Reviewer leniency"
        ),
        ratings_chart=charts.columns([(f"{s}★", n) for s, n in e.distribution.items()], "Ratings"),
        weeks_chart=charts.line([(w, m) for w, m, _ in e.by_week], "Mean rating by week"),
        method=insight.AGREEMENT_METHOD,
    )


@auth.reviewer
async def overview(request: web.Request) -> web.Response:
    db = request.app[DB]
    key, (since, until) = _period(request)
    whole, each = await db.call(insight.overview, db, auth.signed_in(request).account, since, until)
    e = whole.experience
    return reviewer_page(
        request,
        "insight_overview.html",
        title="Insight",
        insight=whole,
        each=each,
        period=key,
        periods=PERIODS,
        pct=_pct,
        hours=_hours,
        funnel_chart=funnel_chart(whole.funnel),
        steps=insight.STEPS,
        ratings_chart=charts.columns([(f"{s}★", n) for s, n in e.distribution.items()], "Ratings"),
        weeks_chart=charts.line([(w, m) for w, m, _ in e.by_week], "Mean rating by week"),
    )


def tables(found: insight.Insight) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Every table of an insight page, as (header, rows) for CSV."""
    out: dict[str, tuple[list[str], list[list[object]]]] = {
        "funnel": (
            ["step", "count", "share_of_previous", "share_of_invited", "median_hours_from_previous", "timed"],
            [[s.name, s.count, s.of_previous, s.of_invited, s.median_hours, s.timed] for s in found.funnel],
        ),
        "browsers": (["browser", "device_checks"], [list(b) for b in found.technical.browsers]),
        "experience": (["week", "mean_rating", "ratings"], [list(w) for w in found.experience.by_week]),
    }
    if found.interview is not None:
        out["questions"] = (
            [
                "question",
                "kind",
                "started",
                "unfinished",
                "median_takes",
                "median_seconds",
                "limit_seconds",
                "score_spread",
                "spread_n",
                "correlation_with_advancing",
                "correlation_n",
                "alpha",
                "alpha_n",
            ],
            [
                [
                    q.position,
                    q.kind,
                    q.started,
                    q.unfinished,
                    q.median_takes,
                    q.median_seconds,
                    q.limit_seconds,
                    q.spread.value,
                    q.spread.n,
                    q.correlation.value,
                    q.correlation.n,
                    q.agreement.value,
                    q.agreement.n,
                ]
                for q in found.questions
            ],
        )
        out["competencies"] = (
            ["competency", "alpha", "ratings", "note"],
            [[name, f.value, f.n, f.note] for name, f in found.competencies],
        )
        out["reviewers"] = (
            ["reviewer", "scores", "leniency", "shared_items", "overdue"],
            [[r.name, r.scores, r.leniency.value, r.leniency.n, r.overdue] for r in found.reviewers],
        )
    return out


def _csv(
    found: insight.Insight,
    table: str,
    name: str,
    each: list[tuple[int, str, list[insight.Step]]] | None = None,
) -> web.Response:
    available = tables(found)
    if each is not None:  # the overview's table of every interview's funnel
        available["interviews"] = (
            ["interview_id", "title", *insight.STEPS],
            [[i, title, *(s.count for s in steps)] for i, title, steps in each],
        )
    if table not in available:
        raise Invalid(f"table is one of {', '.join(available)}")
    header, rows = available[table]
    text = csv_write.write(header, [[round(v, 4) if isinstance(v, float) else v for v in r] for r in rows])
    return sendfile.spreadsheet(text, f"{name}-{table}.csv")


@auth.reviewer
async def interview_csv(request: web.Request) -> web.Response:
    db = request.app[DB]
    _, (since, until) = _period(request)
    interview_id = int(request.match_info["interview_id"])
    found = await db.call(
        insight.for_interview, db, auth.signed_in(request).account, interview_id, since, until
    )
    return _csv(found, params.one(request, "table", "funnel"), f"interview-{interview_id}")


@auth.reviewer
async def overview_csv(request: web.Request) -> web.Response:
    db = request.app[DB]
    _, (since, until) = _period(request)
    whole, each = await db.call(insight.overview, db, auth.signed_in(request).account, since, until)
    return _csv(whole, params.one(request, "table", "funnel"), "all-interviews", each)

"""Is our interviewing working? For an interview (or all of them) and a period: the funnel from invitation to
decision, drop-off per question, technical health from the candidate's side, how prompt reviews are, how well
reviewers agree and who is lenient, which questions tell candidates apart, and what candidates say. Every figure
carries the number of values it rests on; too few, and it says so instead of showing a number."""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import reviews
from boxinterview.domain.models import RATINGS, Account, Interview, Role, stored_id
from boxinterview.domain.statistics import (
    AlphaSums,
    Figure,
    alpha_of_sums,
    leniency_of_sums,
    median,
    point_biserial_of_sums,
    spread_of_sums,
)
from boxinterview.errors import NotFound
from boxinterview.store import Database
from boxinterview.store import insight as sql
from boxinterview.store import interviews as interviews_sql

STEPS = [
    "invited",
    "opened",
    "consented",
    "device check passed",
    "started",
    "completed",
    "reviewed",
    "decided",
]
COMPLETED, REVIEWED, DECIDED = 5, 6, 7  # positions in a journey
AGREEMENT_METHOD = "Krippendorff's alpha (interval)"
NO_ITEMS = AlphaSums(0, 0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Step:
    name: str
    count: int
    of_previous: float | None  # share of the step before who got here
    of_invited: float | None
    median_hours: float | None  # from the step before, for those who reached both
    timed: int  # how many reached both


@dataclass(frozen=True)
class QuestionRow:
    position: int
    prompt: str
    kind: str
    started: int
    unfinished: int
    median_takes: float | None
    median_seconds: float | None  # length of the submitted recording
    limit_seconds: int
    spread: Figure
    correlation: Figure  # of the question's score with advancing
    agreement: Figure
    rejected: list[tuple[str, int]]


@dataclass(frozen=True)
class ReviewerRow:
    name: str
    scores: int
    leniency: Figure
    overdue: int


@dataclass(frozen=True)
class Technical:
    browsers: list[tuple[str, int]]
    checks_passed: int
    checks_failed: int
    problems: list[tuple[str, int]]
    uploads: int
    resumed: int  # interrupted, then finished
    lost: int  # ended without finishing
    watchable: Wait  # from the last byte to watchable (a preview, in browsers that play WebM; else playable)
    playable: Wait  # from the last byte to playable in every browser


@dataclass(frozen=True)
class Wait:
    """Seconds from a recording's last byte to a moment, over the recordings that reached it."""

    median: float | None
    p90: float | None  # with 10 recordings or more
    n: int

    @classmethod
    def of(cls, uploads: list[dict[str, Any]], moment: str) -> Wait:
        seconds = [
            (clock.from_db(u[moment]) - clock.from_db(u["completed_at"])).total_seconds()
            for u in uploads
            if u[moment] and u["completed_at"]
        ]
        p90 = stats.quantiles(seconds, n=10)[-1] if len(seconds) >= 10 else None
        return cls(median(seconds), p90, len(seconds))


@dataclass(frozen=True)
class Promptness:
    to_first_review_hours: float | None
    reviewed: int
    to_decision_hours: float | None
    decided: int
    waiting: int  # completed, not yet reviewed


@dataclass(frozen=True)
class Experience:
    ratings: int
    mean: float | None
    distribution: dict[int, int]
    comments: list[tuple[datetime, int, str]]
    by_week: list[tuple[str, float, int]]  # (ISO week, mean rating, how many)


@dataclass(frozen=True)
class Insight:
    title: str
    since: datetime
    until: datetime
    funnel: list[Step]
    technical: Technical
    promptness: Promptness
    experience: Experience
    questions: list[QuestionRow] = field(default_factory=list)
    competencies: list[tuple[str, Figure]] = field(default_factory=list)  # agreement per competency
    reviewers: list[ReviewerRow] = field(default_factory=list)
    overall_agreement: Figure | None = None
    interview: Interview | None = None


def _hours(journey: sql.Journey, start: int, end: int) -> float | None:
    """Hours from one step to a later one, None unless the journey reached both."""
    a, b = journey[start], journey[end]
    return None if a is None or b is None else (b - a) / 3600


def funnel(journeys: list[sql.Journey]) -> list[Step]:
    """Journeys hold each step's time in seconds (None where it never got there), in the order of STEPS. A step's
    share of the previous is of those who reached the previous step: a candidate may reach a step without the one
    before it (start without passing the device check), and is then not counted as converted."""
    out: list[Step] = []
    invited = len(journeys)
    previous_count: int | None = None
    for k, name in enumerate(STEPS):
        reached = [j for j in journeys if j[k] is not None]
        durations = [h for j in reached if k and (h := _hours(j, k - 1, k)) is not None]
        converted = sum(1 for j in reached if k and j[k - 1] is not None)
        out.append(
            Step(
                name,
                len(reached),
                None if not previous_count else converted / previous_count,
                None if invited == 0 else len(reached) / invited,
                median(durations) if k else None,
                len(durations),
            )
        )
        previous_count = len(reached)
    return out


def browser_family(agent: str) -> str:
    """`Chrome on a phone`, `Safari on a computer`… from a user agent string."""
    if not agent:
        return "unknown"
    families = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("FxiOS/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    )
    name = next((family for token, family in families if token in agent), "other")
    device = "phone" if any(t in agent for t in ("Mobile", "Android", "iPhone")) else "computer"
    return f"{name} on a {device}"


def technical(checks: list[sql.DeviceChecks], uploads: list[dict[str, Any]]) -> Technical:
    """`checks`: (browser, passed, problem, how many)."""
    browsers: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for browser, passed, problem, n in checks:
        browsers[browser_family(browser)] += n
        if not passed and problem:
            problems[problem[:80]] += n
    return Technical(
        browsers=browsers.most_common(),
        checks_passed=sum(c[3] for c in checks if c[1]),
        checks_failed=sum(c[3] for c in checks if not c[1]),
        problems=problems.most_common(8),
        uploads=len(uploads),
        resumed=sum(1 for u in uploads if u["resumes"] and u["completed_at"]),
        lost=sum(1 for u in uploads if u["ended_at"] and not u["completed_at"]),
        watchable=Wait.of(uploads, "watchable_at"),
        playable=Wait.of(uploads, "playable_at"),
    )


def promptness(journeys: list[sql.Journey]) -> Promptness:
    done = [j for j in journeys if j[COMPLETED] is not None]
    to_review = [h for j in done if (h := _hours(j, COMPLETED, REVIEWED)) is not None]
    to_decision = [h for j in done if (h := _hours(j, COMPLETED, DECIDED)) is not None]
    waiting = sum(1 for j in done if j[REVIEWED] is None)
    return Promptness(median(to_review), len(to_review), median(to_decision), len(to_decision), waiting)


def experience(rows: list[dict[str, Any]]) -> Experience:
    ratings = [r["rating"] for r in rows]
    weeks: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        year, week, _ = clock.from_db(r["at"]).isocalendar()
        weeks[f"{year}-W{week:02d}"].append(r["rating"])
    comments = [(clock.from_db(r["at"]), r["rating"], r["comment"]) for r in rows if r["comment"].strip()]
    return Experience(
        len(ratings),
        sum(ratings) / len(ratings) if ratings else None,
        {s: ratings.count(s) for s in RATINGS},
        list(reversed(comments))[:20],
        [(w, sum(v) / len(v), len(v)) for w, v in sorted(weeks.items())],
    )


def _median_of_counts(counts: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times)."""
    total = sum(n for _, n in counts)
    if not total:
        return None
    ordered = sorted(counts)

    def at(k: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if k < seen:
                return value
        return ordered[-1][0]

    return (at((total - 1) // 2) + at(total // 2)) / 2


def _question_rows(iv: Interview, f: dict[str, Any]) -> list[QuestionRow]:
    spreads: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    agreement: dict[int, AlphaSums] = {}
    for question, _competency, m, s_, ss, *pair in f["items"]:
        acc = spreads[question]
        acc[0] += m
        acc[1] += s_
        acc[2] += ss
        agreement[question] = agreement.get(question, NO_ITEMS) + AlphaSums(*pair)
    takes: dict[int, list[tuple[int, int]]] = defaultdict(list)  # takes used by submitted answers
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # answers started, left unfinished
    for question, used, n, submitted in f["takes"]:
        counts[question][0] += n
        counts[question][1] += n - submitted
        if used and submitted:
            takes[question].append((used, submitted))
    out = []
    for q in iv.questions:
        qid = stored_id(q)
        count, total, squares = spreads.get(qid, (0, 0.0, 0.0))
        started, unfinished = counts.get(qid, (0, 0))
        out.append(
            QuestionRow(
                q.position,
                q.prompt,
                q.kind.value,
                started,
                unfinished,
                _median_of_counts(takes.get(qid, [])),
                f["lengths"].get(qid),
                q.answer_seconds,
                spread_of_sums(int(count), total, squares),
                point_biserial_of_sums(*f["decisions"].get(qid, (0, 0.0, 0.0, 0, 0.0))),
                alpha_of_sums(agreement.get(qid, NO_ITEMS)),
                [
                    (r["reason"] or "no reason given", r["n"])
                    for r in f["rejected"]
                    if r["question_id"] == qid
                ],
            )
        )
    return out


def _shared(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime
) -> dict[str, Any]:
    """What an interview's page and the overview both show."""
    return {
        "journeys": sql.journeys(con, interview_id, since, until),
        "checks": sql.device_checks(con, interview_id, since, until),
        "uploads": sql.uploads(con, interview_id, since, until),
        "feedback": sql.feedback(con, interview_id, since, until),
    }


def _answers(con: apsw.Connection, interview_id: int, since: datetime, until: datetime) -> dict[str, Any]:
    return {
        "takes": sql.answer_takes(con, interview_id, since, until),
        "lengths": sql.median_lengths(con, interview_id, since, until),
        "rejected": sql.rejections(con, interview_id, since, until),
    }


def _reviews(
    con: apsw.Connection, interview_id: int, since: datetime, until: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "items": sql.item_sums(con, interview_id, since, until),
        "decisions": sql.decision_sums(con, interview_id, since, until),
        "leniency": sql.leniency_sums(con, interview_id, since, until),
        "reviewers": sql.reviewers(con, interview_id),
        "overdue": sql.overdue_by_reviewer(con, interview_id, now),
    }


def period(days: int | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` days up to now (None: since the beginning)."""
    now = now or clock.now()
    since = now - timedelta(days=days) if days else datetime(2000, 1, 1, tzinfo=now.tzinfo)
    return since, now + timedelta(seconds=1)


def for_interview(
    db: Database,
    account: Account | None,
    interview_id: int,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> Insight:
    now = now or clock.now()

    def read(con: apsw.Connection) -> Interview:
        iv = interviews_sql.get(con, interview_id)
        # No account: the operator on the server itself (the console), who sees everything.
        if iv is None or (account is not None and not reviews.may_review(con, account, interview_id)):
            raise NotFound("there is no interview here for you")
        return iv

    iv = db.read(read)
    # Three independent reads at once (a few milliseconds apart at most, which these figures do not mind)
    parts = db.read_each(
        {
            "shared": (_shared, (interview_id, since, until)),
            "answers": (_answers, (interview_id, since, until)),
            "reviews": (_reviews, (interview_id, since, until, now)),
        }
    )
    f = parts["shared"] | parts["answers"] | parts["reviews"]
    names = {c.id: c.name for c in iv.competencies}
    by_competency: dict[int, AlphaSums] = {}
    for _question, competency, _m, _s, _ss, *pair in f["items"]:
        by_competency[competency] = by_competency.get(competency, NO_ITEMS) + AlphaSums(*pair)
    blind = iv.blind_review
    reviewer_rows = []
    for n, r in enumerate(f["reviewers"], start=1):
        given, shared, total = f["leniency"].get(r["id"], (0, 0, 0.0))
        name = (
            f"Reviewer {n}"
            if blind and account and account.role is not Role.ADMIN and r["id"] != account.id
            else (r["name"] or r["email"])
        )
        reviewer_rows.append(
            ReviewerRow(
                name,
                given,
                leniency_of_sums(shared, total) if given else Figure(None, 0, "no scores yet"),
                f["overdue"].get(r["id"], 0),
            )
        )
    return Insight(
        title=iv.title,
        since=since,
        until=until,
        funnel=funnel(f["journeys"]),
        technical=technical(f["checks"], f["uploads"]),
        promptness=promptness(f["journeys"]),
        experience=experience(f["feedback"]),
        questions=_question_rows(iv, f),
        competencies=[
            (names.get(cid, str(cid)), alpha_of_sums(sums)) for cid, sums in sorted(by_competency.items())
        ],
        reviewers=reviewer_rows,
        overall_agreement=alpha_of_sums(sum(by_competency.values(), NO_ITEMS)),
        interview=iv,
    )


def overview(
    db: Database, account: Account, since: datetime, until: datetime
) -> tuple[Insight, list[tuple[int, str, list[Step]]]]:
    """All interviews together (for an admin; a reviewer sees the interviews they review), and each one's funnel."""

    def read(
        con: apsw.Connection,
    ) -> tuple[dict[str, list[Any]], list[tuple[int, str, list[sql.Journey]]]]:
        mine: dict[str, list[Any]] = {"journeys": [], "checks": [], "uploads": [], "feedback": []}
        each = []
        for s in interviews_sql.summaries(con):
            if not reviews.may_review(con, account, s.id):
                continue
            part = _shared(con, s.id, since, until)
            for k in mine:
                mine[k] += part[k]
            each.append((s.id, s.title, part["journeys"]))
        return mine, each

    f, each = db.read(read)
    whole = Insight(
        title="All interviews",
        since=since,
        until=until,
        funnel=funnel(f["journeys"]),
        technical=technical(f["checks"], f["uploads"]),
        promptness=promptness(f["journeys"]),
        experience=experience(f["feedback"]),
    )
    return whole, [(i, title, funnel(j)) for i, title, j in each]

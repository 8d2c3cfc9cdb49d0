"""Is our interviewing working? For an interview (or all of them) and a period: the funnel from invitation to
decision, drop-off per question, technical health from the candidate's side, how prompt reviews are, how well
reviewers agree and who is lenient, which questions tell candidates apart, and what candidates say. Every figure
carries the number of values it rests on; too few, and it says so instead of showing a number."""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apsw

from boxinterview import clock
from boxinterview.domain import reviews
from boxinterview.domain.models import Account, Interview, Role
from boxinterview.domain.statistics import (
    Figure,
    krippendorff_alpha,
    leniency,
    median,
    point_biserial,
    spread,
)
from boxinterview.errors import NotFound
from boxinterview.store import Database
from boxinterview.store import insight as sql
from boxinterview.store import interviews as interviews_sql

STEPS = [("invited", "created_at"), ("opened", "opened_at"), ("consented", "consent_at"),
         ("device check passed", "checked_at"), ("started", "started_at"), ("completed", "completed_at"),
         ("reviewed", "reviewed_at"), ("decided", "decided_at")]  # fmt: skip
AGREEMENT_METHOD = "Krippendorff's alpha (interval)"


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
    playable_median: float | None  # seconds from the last byte to playable
    playable_p90: float | None
    playable_n: int


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


def _hours(later: str | None, earlier: str | None) -> float | None:
    if not later or not earlier:
        return None
    return (clock.from_db(later) - clock.from_db(earlier)).total_seconds() / 3600  # type: ignore[operator]


def funnel(journeys: list[dict]) -> list[Step]:  # type: ignore[type-arg]
    out: list[Step] = []
    invited = len(journeys)
    previous_key = None
    previous_count = None
    for name, key in STEPS:
        reached = [j for j in journeys if j[key]]
        durations = [
            h for j in reached if previous_key and (h := _hours(j[key], j[previous_key])) is not None
        ]
        out.append(Step(
            name, len(reached),
            None if previous_count in (None, 0) else len(reached) / previous_count,  # type: ignore[operator]
            None if invited == 0 else len(reached) / invited,
            median(durations) if previous_key else None, len(durations),
        ))  # fmt: skip
        previous_key, previous_count = key, len(reached)
    return out


def browser_family(agent: str) -> str:
    """`Chrome on a phone`, `Safari on a computer`… from a user agent string."""
    if not agent:
        return "unknown"
    families = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
                ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))  # fmt: skip
    name = next((family for token, family in families if token in agent), "other")
    device = "phone" if any(t in agent for t in ("Mobile", "Android", "iPhone")) else "computer"
    return f"{name} on a {device}"


def technical(checks: list[dict], uploads: list[dict]) -> Technical:  # type: ignore[type-arg]
    browsers = Counter(browser_family(c["browser"]) for c in checks)
    problems = Counter(c["problem"][:80] for c in checks if not c["passed"] and c["problem"])
    playable = [
        (clock.from_db(u["playable_at"]) - clock.from_db(u["completed_at"])).total_seconds()  # type: ignore[operator]
        for u in uploads
        if u["playable_at"] and u["completed_at"]
    ]
    p90 = stats.quantiles(playable, n=10)[-1] if len(playable) >= 10 else None
    return Technical(
        browsers=browsers.most_common(), checks_passed=sum(1 for c in checks if c["passed"]),
        checks_failed=sum(1 for c in checks if not c["passed"]), problems=problems.most_common(8),
        uploads=len(uploads), resumed=sum(1 for u in uploads if u["resumes"] and u["completed_at"]),
        lost=sum(1 for u in uploads if u["ended_at"] and not u["completed_at"]),
        playable_median=median(playable), playable_p90=p90, playable_n=len(playable),
    )  # fmt: skip


def promptness(journeys: list[dict]) -> Promptness:  # type: ignore[type-arg]
    to_review = [h for j in journeys if (h := _hours(j["reviewed_at"], j["completed_at"])) is not None]
    to_decision = [h for j in journeys if (h := _hours(j["decided_at"], j["completed_at"])) is not None]
    waiting = sum(1 for j in journeys if j["completed_at"] and not j["reviewed_at"])
    return Promptness(median(to_review), len(to_review), median(to_decision), len(to_decision), waiting)


def experience(rows: list[dict]) -> Experience:  # type: ignore[type-arg]
    ratings = [r["rating"] for r in rows]
    weeks: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        year, week, _ = clock.from_db(r["at"]).isocalendar()  # type: ignore[union-attr]
        weeks[f"{year}-W{week:02d}"].append(r["rating"])
    comments = [(clock.from_db(r["at"]), r["rating"], r["comment"]) for r in rows if r["comment"].strip()]
    return Experience(
        len(ratings), sum(ratings) / len(ratings) if ratings else None, {s: ratings.count(s) for s in range(1, 6)},
        list(reversed(comments))[:20], [(w, sum(v) / len(v), len(v)) for w, v in sorted(weeks.items())],  # type: ignore[misc]
    )  # fmt: skip


def _question_rows(iv: Interview, answers: list[dict], rejected: list[dict], scores: list[dict],  # type: ignore[type-arg]
                   outcomes: dict[int, str]) -> list[QuestionRow]:  # fmt: skip
    by_question: dict[int, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    for a in answers:
        by_question[a["question_id"]].append(a)
    out = []
    for q in iv.questions:
        found = by_question.get(q.id, [])  # type: ignore[arg-type]
        finished = [a for a in found if a["submitted_at"]]
        mine = [s for s in scores if s["question_id"] == q.id]
        per_candidate: dict[int, list[int]] = defaultdict(list)
        units: dict[tuple, list[float]] = defaultdict(list)
        for s in mine:
            per_candidate[s["invitation_id"]].append(s["score"])
            units[(s["invitation_id"], s["competency_id"])].append(s["score"])
        decided = [(sum(v) / len(v), outcomes[i] == "advance") for i, v in per_candidate.items()
                   if outcomes.get(i) in ("advance", "reject")]  # fmt: skip
        out.append(QuestionRow(
            q.position, q.prompt, q.kind.value, len(found), len(found) - len(finished),
            median(a["takes"] for a in finished if a["takes"]),
            median(a["duration_ms"] / 1000 for a in finished if a["duration_ms"]),
            q.answer_seconds, spread([float(s["score"]) for s in mine]),
            point_biserial([d[0] for d in decided], [d[1] for d in decided]),
            krippendorff_alpha(list(units.values())),
            [(r["reason"] or "no reason given", r["n"]) for r in rejected if r["question_id"] == q.id],
        ))  # fmt: skip
    return out


def _read(
    con: apsw.Connection, interview_id: int | None, since: datetime, until: datetime, now: datetime,
    detail: bool = True,
) -> dict:  # type: ignore[type-arg]  # fmt: skip
    found = {
        "journeys": sql.journeys(con, interview_id, since, until),
        "checks": sql.device_checks(con, interview_id, since, until),
        "uploads": sql.uploads(con, interview_id, since, until),
        "feedback": sql.feedback(con, interview_id, since, until),
    }
    if interview_id is not None and detail:
        found |= {
            "answers": sql.answers(con, interview_id, since, until),
            "rejected": sql.rejections(con, interview_id, since, until),
            "scores": sql.scores(con, interview_id, since, until),
            "outcomes": sql.outcomes(con, interview_id, since, until),
            "reviewers": sql.reviewers(con, interview_id),
            "overdue": sql.overdue_by_reviewer(con, interview_id, now),
        }
    return found


def period(days: int | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` days up to now (None: since the beginning)."""
    now = now or clock.now()
    since = now - timedelta(days=days) if days else datetime(2000, 1, 1, tzinfo=now.tzinfo)
    return since, now + timedelta(seconds=1)


def for_interview(db: Database, account: Account, interview_id: int, since: datetime, until: datetime,
                  now: datetime | None = None) -> Insight:  # fmt: skip
    now = now or clock.now()

    def read(con: apsw.Connection) -> tuple[Interview, dict]:  # type: ignore[type-arg]
        iv = interviews_sql.get(con, interview_id)
        if iv is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        return iv, _read(con, interview_id, since, until, now)

    iv, f = db.read(read)
    names = {c.id: c.name for c in iv.competencies}
    by_competency: dict[int, dict[tuple, list[float]]] = defaultdict(lambda: defaultdict(list))
    all_units: dict[tuple, list[float]] = defaultdict(list)
    for s in f["scores"]:
        by_competency[s["competency_id"]][(s["invitation_id"], s["question_id"])].append(s["score"])
        all_units[(s["invitation_id"], s["question_id"], s["competency_id"])].append(s["score"])
    lenient = leniency(((s["invitation_id"], s["question_id"], s["competency_id"]), s["reviewer_id"], s["score"])
                       for s in f["scores"])  # fmt: skip
    counted = Counter(s["reviewer_id"] for s in f["scores"])
    blind = iv.blind_review
    reviewer_rows = [
        ReviewerRow(f"Reviewer {n}" if blind and account.role is not Role.ADMIN and r["id"] != account.id
                    else (r["name"] or r["email"]), counted.get(r["id"], 0),
                    lenient.get(r["id"], Figure(None, 0, "no scores yet")), f["overdue"].get(r["id"], 0))
        for n, r in enumerate(f["reviewers"], start=1)
    ]  # fmt: skip
    return Insight(
        title=iv.title, since=since, until=until, funnel=funnel(f["journeys"]),
        technical=technical(f["checks"], f["uploads"]), promptness=promptness(f["journeys"]),
        experience=experience(f["feedback"]),
        questions=_question_rows(iv, f["answers"], f["rejected"], f["scores"], f["outcomes"]),
        competencies=[(names.get(cid, str(cid)), krippendorff_alpha(list(units.values())))
                      for cid, units in sorted(by_competency.items())],
        reviewers=reviewer_rows, overall_agreement=krippendorff_alpha(list(all_units.values())), interview=iv,
    )  # fmt: skip


def overview(db: Database, account: Account, since: datetime, until: datetime,
             now: datetime | None = None) -> tuple[Insight, list[tuple[int, str, list[Step]]]]:  # fmt: skip
    """All interviews together (for an admin; a reviewer sees the interviews they review), and each one's funnel."""
    now = now or clock.now()

    def read(con: apsw.Connection) -> tuple[dict, list]:  # type: ignore[type-arg]
        ids = [s.id for s in interviews_sql.summaries(con) if reviews.may_review(con, account, s.id)]
        mine = {"journeys": [], "checks": [], "uploads": [], "feedback": []}  # type: ignore[var-annotated]
        each = []
        for s in interviews_sql.summaries(con):
            if s.id not in ids:
                continue
            part = _read(con, s.id, since, until, now, detail=False)
            for k in mine:
                mine[k] += part[k]
            each.append((s.id, s.title, part["journeys"]))
        return mine, each

    f, each = db.read(read)
    whole = Insight(title="All interviews", since=since, until=until, funnel=funnel(f["journeys"]),
                    technical=technical(f["checks"], f["uploads"]), promptness=promptness(f["journeys"]),
                    experience=experience(f["feedback"]))  # fmt: skip
    return whole, [(i, title, funnel(j)) for i, title, j in each]

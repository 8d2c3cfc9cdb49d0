"""Made-up history for the demo: `boxinterview demo --candidates N` adds N candidates to the demo interview with
plausible journeys over the last 60 days (some stop at each step), device checks from several browsers, answers
with takes and lengths, scores from three reviewers who differ a little in strictness, decisions and ratings —
so the insight pages and the console have something to show. Seeded, so the same N gives the same data."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

import apsw

from boxinterview import clock
from boxinterview.domain import accounts
from boxinterview.domain.models import HIGHEST_SCORE, LOWEST_SCORE, RATINGS, Interview, Role
from boxinterview.errors import Conflict, NotFound
from boxinterview.store import Database
from boxinterview.store import demo_history as sql
from boxinterview.store import insight as insight_sql

BROWSERS = [
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 "
        "Safari/604.1",
        30,
    ),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36", 30),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", 25),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", 10),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15", 5),
]
PROBLEMS = [
    "no camera found",
    "the microphone is silent",
    "the browser cannot record video",
    "upload too slow",
]
COMMENTS = [
    "Clear instructions, thank you.",
    "The practice question helped.",
    "A bit long.",
    "I liked answering in my own time.",
    "The upload was slow on my phone.",
    "Nervous, but fair.",
]
REVIEWERS = [
    ("reviewer@example.com", "Demo Reviewer", 0.0),
    ("ana.reviewer@example.com", "Ana Reviewer", 0.6),
    ("ben.reviewer@example.com", "Ben Reviewer", -0.5),
]


def _reviewers(db: Database, interview_id: int) -> list[tuple[int, float]]:
    out = []
    for email, name, strictness in REVIEWERS:
        try:
            account, _ = accounts.create(db, email, Role.REVIEWER, "demo", name=name)
        except Conflict:  # the account is there from an earlier run
            account = next(a for a in accounts.listing(db) if a.email == email)
        accounts.assign(db, email, interview_id, "demo")
        out.append((account.id, strictness))
    return out


def _step(
    rng: random.Random, t: dict[str, datetime], name: str, p: float, after: str, hours: float, now: datetime
) -> None:
    """With probability `p`, a candidate who got to `after` goes on to `name`, some hours later (if that is not
    still in the future)."""
    if after in t and rng.random() <= p:
        when = t[after] + timedelta(hours=rng.expovariate(1 / hours))
        if when <= now:
            t[name] = when


def add(db: Database, interview: Interview, n: int, seed: int = 7, now: datetime | None = None) -> int:
    """Add `n` made-up candidates to `interview`; returns how many."""
    if interview.id is None:
        raise NotFound("the interview has no id")
    interview_id = interview.id
    now = now or clock.now()
    rng = random.Random(seed + n)
    raters = _reviewers(db, interview.id)
    comps = {c.name: c.id for c in interview.competencies}
    people = []
    for i in range(n):
        invited = now - timedelta(days=rng.uniform(0.5, 60))
        t: dict[str, datetime] = {"invited": invited}
        ability = rng.gauss(3.0, 0.9)
        _step(rng, t, "opened", 0.85, "invited", 20, now)
        _step(rng, t, "consented", 0.95, "opened", 0.05, now)
        check = None
        if "consented" in t:
            browser = rng.choices([b for b, _ in BROWSERS], [w for _, w in BROWSERS])[0]
            passed = rng.random() < 0.9
            check = (
                passed,
                browser,
                "" if passed else rng.choice(PROBLEMS),
                min(now, t["consented"] + timedelta(minutes=2)),
            )
            if passed:
                t["checked"] = check[3]
        _step(rng, t, "started", 0.92, "checked", 0.1, now)
        answer_rows = []
        if "started" in t:
            quit_at = (
                len(interview.questions) if rng.random() < 0.85 else rng.randrange(len(interview.questions))
            )
            for k, q in enumerate(interview.questions[: quit_at + 1]):
                done = k < quit_at
                recorded = q.kind.is_recorded
                answer_rows.append(
                    (
                        q.id,
                        rng.randint(1, q.takes) if recorded else 0,
                        int(q.answer_seconds * rng.uniform(0.4, 0.98)),
                        min(now, t["started"] + timedelta(minutes=4 * (k + 1))) if done else None,
                        recorded,
                    )
                )
            done_at = t["started"] + timedelta(minutes=4 * len(interview.questions) + 3)
            if quit_at == len(interview.questions) and done_at <= now:
                t["completed"] = done_at
        scores = []
        outcome = None
        decider = None
        _step(rng, t, "reviewed", 0.9, "completed", 40, now)
        if "reviewed" in t:
            for q in interview.questions:
                for name in q.competencies:
                    for reviewer_id, strictness in raters:
                        raw = ability + strictness * 0.8 + rng.gauss(0, 0.6)
                        score = max(LOWEST_SCORE, min(HIGHEST_SCORE, round(raw)))
                        scores.append((q.id, comps[name], reviewer_id, score))
            _step(rng, t, "decided", 0.8, "reviewed", 24, now)
            if "decided" in t:
                outcome = "advance" if ability + rng.gauss(0, 0.4) > 3.2 else "reject"
                decider = raters[0][0]
        rating = None
        if "completed" in t and rng.random() < 0.6:
            rating = max(RATINGS[0], min(RATINGS[-1], round(rng.gauss(4.1, 0.8))))
        people.append(
            {
                "name": f"Sample Candidate {i + 1}",
                "email": f"sample{secrets.token_hex(4)}@example.com",
                "token_hash": secrets.token_hex(32),
                "deadline": invited + timedelta(days=14),
                "times": t,
                "check": check,
                "answers": answer_rows,
                "scores": scores,
                "outcome": outcome,
                "decided_by": decider,
                "rating": rating,
                "comment": rng.choice(COMMENTS) if rating and rng.random() < 0.3 else "",
            }
        )

    def tx(con: apsw.Connection) -> None:
        first = sql.next_number(con, interview_id)
        sql.insert(con, interview_id, first, people)
        added = sql.invitation_ids(con, interview_id, first)
        sql.mark_steps(con, added)
        insight_sql.refresh_items(con, added)

    db.write(tx)
    return n

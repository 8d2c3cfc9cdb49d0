"""Review pages at scale: the pipeline and results pages of an interview with 10,000 candidates who each
answered 6 questions, reviewed by 3 reviewers, and one candidate's review page. Target: p95 server time ≤ 50 ms.
Then a scoring burst: the 3 reviewers at once, each through `--burst` candidates nobody has reviewed yet,
commenting on an answer, saving a draft of every score, submitting, and (the first reviewer) deciding, each
request timed; and the SQL statements each of those costs, counted in this process on a second connection.

    .venv/bin/python bench/review_pages.py [--candidates 10000] [--requests 40] [--burst 100] [--no-views]

Seeding writes rows straight into a scratch database (a fixture generator, not product code)."""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import apsw
import requests

from _harness import Server, sign_in
from boxinterview import clock
from boxinterview.domain import accounts, decisions, interview_io, interviews, reviews
from boxinterview.domain.models import Account, Interview, InterviewStatus, Outcome, Role
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database

SIX = """\
title: Scale
role: Scale
competencies:
  - {name: A, anchors: {1: a, 5: e}}
  - {name: B, anchors: {1: a, 5: e}}
questions:
""" + "".join(
    f"  - {{prompt: Q{i}, kind: text, answer_seconds: 60, competencies: [A, B]}}\n" for i in range(6)
)


def seed(server: Server, n: int, fresh: int) -> tuple[int, list[str], list[Account], list[int]]:
    """`n` candidates reviewed by all three reviewers, and `fresh` completed ones nobody has reviewed yet."""
    db = server.db
    iv = interviews.create(db, interview_io.from_yaml(SIX), "bench")
    interviews.set_status(db, iv, InterviewStatus.OPEN, "bench")
    interview = interviews.get(db, iv)
    passwords = []
    reviewers = []
    for r in range(3):
        account, password = accounts.create(db, f"r{r}@example.com", Role.REVIEWER, "bench")
        accounts.assign(db, account.email, iv, "bench")
        passwords.append(password)
        reviewers.append(account)
    now = clock.to_db(clock.now())
    rng = random.Random(1)
    comps = [c.id for c in interview.competencies]
    unreviewed: list[int] = []

    def fill(con) -> None:
        for i in range(n + fresh):
            con.execute(
                "INSERT INTO candidates (name, email, created_at) VALUES (?, ?, ?)",
                (f"Candidate {i}", f"c{i}@example.com", now),
            )
            cid = con.last_insert_rowid()
            con.execute(
                "INSERT INTO invitations (interview_id, candidate_id, number, token_hash, deadline, status, "
                "created_at, opened_at, started_at, completed_at, consent_at, consent_version) "
                "VALUES (?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, '1')",
                (iv, cid, i + 1, f"h{i}", now, now, now, now, now, now),
            )
            inv = con.last_insert_rowid()
            for q in interview.questions:
                con.execute(
                    "INSERT INTO answers (invitation_id, question_id, text_value, started_at, submitted_at) "
                    "VALUES (?, ?, 'x', ?, ?)",
                    (inv, q.id, now, now),
                )
                if i >= n:
                    continue
                for reviewer in reviewers:
                    con.execute(
                        "INSERT INTO reviews (invitation_id, question_id, reviewer_id, created_at, updated_at, "
                        "submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (inv, q.id, reviewer.id, now, now, now),
                    )
                    review = con.last_insert_rowid()
                    con.executemany(
                        "INSERT INTO review_scores VALUES (?, ?, ?)",
                        [(review, c, rng.randint(1, 5)) for c in comps],
                    )
            if i >= n:
                unreviewed.append(inv)

    db.write(fill)
    return iv, passwords, reviewers, unreviewed


def timed(session: requests.Session, url: str, count: int) -> list[float]:
    session.get(url).raise_for_status()  # warm
    out = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(url).raise_for_status()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def p95(t: list[float]) -> float:
    return t[min(len(t) - 1, int(len(t) * 0.95))]


def burst(
    server: Server,
    sessions: list[requests.Session],
    candidates: list[int],
    interview: Interview,
    views: bool = True,
) -> None:
    """Each reviewer (a thread) goes through the candidates: opens the review page, then a comment, a draft of
    every score, the submission, and for the first reviewer the decision. Prints saves/s (page views not counted)
    and latency per kind of request."""
    latencies: dict[str, list[float]] = {
        "page view": [],
        "comment": [],
        "draft": [],
        "submit": [],
        "decision": [],
    }
    lock = threading.Lock()
    first_q = interview.questions[0].id
    scores = {f"score-{q.id}-{c.id}": "4" for q in interview.questions for c in interview.competencies}
    json = {"Accept": "application/json"}

    def post(s: requests.Session, kind: str, path: str, data: dict, headers: dict | None = None) -> None:
        started = time.perf_counter()
        r = s.post(server.url(path), data=data, headers=headers, allow_redirects=False)
        took = (time.perf_counter() - started) * 1000
        if r.status_code not in (200, 303):
            raise SystemExit(f"{kind} {path}: {r.status_code} {r.text[:200]}")
        with lock:
            latencies[kind].append(took)

    def view(s: requests.Session, path: str) -> None:
        started = time.perf_counter()
        s.get(server.url(path)).raise_for_status()
        with lock:
            latencies["page view"].append((time.perf_counter() - started) * 1000)

    def reviewer(index: int) -> None:
        s = sessions[index]
        token = re.search(r'name="csrf" value="([^"]+)"', s.get(server.url("/review")).text).group(1)
        order = candidates[index:] + candidates[:index]  # not all on the same candidate at the same moment
        for inv in order:
            base = f"/review/{inv}"
            if views:
                view(s, base)
            post(
                s,
                "comment",
                f"{base}/questions/{first_q}/comments",
                {"csrf": token, "at_ms": "1500", "body": "good"},
                json,
            )
            post(s, "draft", f"{base}/scores", {"csrf": token, "action": "save", **scores}, json)
            post(s, "submit", f"{base}/scores", {"csrf": token, "action": "submit", **scores}, json)
            if index == 0:
                post(
                    s,
                    "decision",
                    f"{base}/decision",
                    {"csrf": token, "action": "confirm", "outcome": "advance", "feedback": "Thank you"},
                )

    threads = [threading.Thread(target=reviewer, args=(i,)) for i in range(len(sessions))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    saved = {k: v for k, v in latencies.items() if k != "page view"}
    saves = sum(len(v) for v in saved.values())
    print(
        f"burst: {len(sessions)} reviewers x {len(candidates)} candidates, {saves} saves "
        f"(and {len(latencies['page view'])} page views) in {elapsed:.1f} s = {saves / elapsed:.0f} saves/s"
    )
    print("| request | count | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- |")
    every = sorted(x for v in saved.values() for x in v)
    for kind, t in [*latencies.items(), ("every save", every)]:
        if not t:
            continue
        t = sorted(t)
        print(
            f"| {kind} | {len(t)} | {statistics.median(t):.1f} ms | {p95(t):.1f} ms | {t[-1]:.1f} ms |",
            flush=True,
        )


def statements(
    server: Server, reviewer: Account, invitation_id: int, reviewed: int, interview: Interview
) -> None:
    """SQL statements each service runs, counted by an APSW execution tracer on connections opened here."""
    count = [0]

    def trace(_cursor, _sql, _bindings) -> bool:
        count[0] += 1
        return True

    def traced(con: apsw.Connection) -> None:
        con.exec_trace = trace

    apsw.connection_hooks.append(traced)
    db = Database.open(server.settings.database_path)
    try:
        q = interview.questions[0]
        typed = {x.id: ({c.id: 3 for c in interview.competencies}, "") for x in interview.questions}
        letterhead = Letterhead.from_settings(server.settings)
        steps = [
            ("review page, scored by all three", lambda: reviews.candidate(db, reviewer, reviewed)),
            ("review page, not reviewed yet", lambda: reviews.candidate(db, reviewer, invitation_id)),
            ("comment", lambda: reviews.comment(db, reviewer, invitation_id, q.id, 1000, "fine")),
            (
                "one answer's scores",
                lambda: reviews.save(
                    db, reviewer, invitation_id, q.id, {c.id: 3 for c in interview.competencies}, "", False
                ),
            ),
            ("every score, draft", lambda: reviews.save_all(db, reviewer, invitation_id, typed, False)),
            ("every score, submitted", lambda: reviews.save_all(db, reviewer, invitation_id, typed, True)),
            ("decision", lambda: decisions.decide(db, reviewer, invitation_id, Outcome.HOLD, "", letterhead)),
            ("interview read", lambda: interviews.get(db, interview.id)),
        ]
        # connections opened and their statistics looked at first: not what is counted
        db.write(lambda con: None)
        reviews.candidate(db, reviewer, invitation_id)
        print("| service | SQL statements |")
        print("| --- | --- |")
        for name, step in steps:
            count[0] = 0
            step()
            print(f"| {name} | {count[0]} |", flush=True)
    finally:
        apsw.connection_hooks.remove(traced)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--burst", type=int, default=100, help="candidates each reviewer scores in the burst")
    parser.add_argument(
        "--views",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="reviewers open each page in the burst",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), media={"worker_in_server": False})
        try:
            started = time.perf_counter()
            iv, passwords, reviewers, fresh = seed(server, args.candidates, args.burst + 1)
            print(
                f"seeded {args.candidates} candidates x 6 questions x 3 reviewers in {time.perf_counter() - started:.0f} s"
            )
            sessions = []
            for r, password in enumerate(passwords):
                s = requests.Session()
                sign_in(s, server.url(""), f"r{r}@example.com", password)
                sessions.append(s)
            s = sessions[0]
            reviewed = fresh[0] - 1  # the last of the reviewed candidates: every reviewer's scores shown
            print("| page | p50 | p95 | max |")
            print("| --- | --- | --- | --- |")
            for name, path in (
                ("review", f"/review/{reviewed}"),
                ("pipeline", f"/review/interviews/{iv}"),
                ("results", f"/review/interviews/{iv}/results"),
            ):
                t = timed(s, server.url(path), args.requests)
                print(
                    f"| {name} | {statistics.median(t):.0f} ms | {p95(t):.0f} ms | {t[-1]:.0f} ms |",
                    flush=True,
                )
            interview = interviews.get(server.db, iv)
            burst(server, sessions, fresh[:-1], interview, args.views)
            statements(server, reviewers[0], fresh[-1], reviewed, interview)
        finally:
            server.close()


if __name__ == "__main__":
    main()

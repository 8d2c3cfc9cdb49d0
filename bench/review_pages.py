"""Review pages at scale: the pipeline and results pages of an interview with 10,000 candidates who each
answered 6 questions, reviewed by 3 reviewers. Target: p95 server time ≤ 50 ms.

    .venv/bin/python bench/review_pages.py [--candidates 10000] [--requests 40]

Seeding writes rows straight into a scratch database (a fixture generator, not product code)."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import requests

from _harness import Server, sign_in
from boxinterview import clock
from boxinterview.domain import accounts, interview_io, interviews
from boxinterview.domain.models import InterviewStatus, Role

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


def seed(server: Server, n: int) -> tuple[int, list[str]]:
    db = server.db
    iv = interviews.create(db, interview_io.from_yaml(SIX), "bench")
    interviews.set_status(db, iv, InterviewStatus.OPEN, "bench")
    interview = interviews.get(db, iv)
    passwords = []
    reviewer_ids = []
    for r in range(3):
        account, password = accounts.create(db, f"r{r}@example.com", Role.REVIEWER, "bench")
        accounts.assign(db, account.email, iv, "bench")
        passwords.append(password)
        reviewer_ids.append(account.id)
    now = clock.to_db(clock.now())
    rng = random.Random(1)
    comps = [c.id for c in interview.competencies]

    def fill(con) -> None:
        for i in range(n):
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
                for reviewer in reviewer_ids:
                    con.execute(
                        "INSERT INTO reviews (invitation_id, question_id, reviewer_id, created_at, updated_at, "
                        "submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (inv, q.id, reviewer, now, now, now),
                    )
                    review = con.last_insert_rowid()
                    con.executemany(
                        "INSERT INTO review_scores VALUES (?, ?, ?)",
                        [(review, c, rng.randint(1, 5)) for c in comps],
                    )

    db.write(fill)
    return iv, passwords


def timed(session: requests.Session, url: str, count: int) -> list[float]:
    session.get(url).raise_for_status()  # warm
    out = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(url).raise_for_status()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), media={"worker_in_server": False})
        try:
            started = time.perf_counter()
            iv, passwords = seed(server, args.candidates)
            print(
                f"seeded {args.candidates} candidates x 6 questions x 3 reviewers in {time.perf_counter() - started:.0f} s"
            )
            s = requests.Session()
            sign_in(s, server.url(""), "r0@example.com", passwords[0])
            print("| page | p50 | p95 | max |")
            print("| --- | --- | --- | --- |")
            for name, path in (
                ("pipeline", f"/review/interviews/{iv}"),
                ("results", f"/review/interviews/{iv}/results"),
            ):
                t = timed(s, server.url(path), args.requests)
                p95 = t[min(len(t) - 1, int(len(t) * 0.95))]
                print(
                    f"| {name} | {statistics.median(t):.0f} ms | {p95:.0f} ms | {t[-1]:.0f} ms |", flush=True
                )
        finally:
            server.close()


if __name__ == "__main__":
    main()

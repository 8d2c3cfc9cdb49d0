"""The insight measures on a small interview run through the real services, checked against values worked
out by hand; the pages and their CSV; too little data said in words."""

from __future__ import annotations

import csv
import io
import math
from datetime import timedelta

from boxinterview import clock
from boxinterview.domain import (
    accounts,
    answers,
    decisions,
    insight,
    invitations,
    journey,
    recordings,
    reviews,
)
from boxinterview.domain.models import InvitationStatus, Outcome, Role
from boxinterview.mail.letters import Letterhead
from boxinterview.store import insight as insight_sql
from tests.support.flows import record_take
from tests.support.live import prepare
from tests.support.signin import sign_in_with
from tests.support.site import text_of

CHROME_PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
SAFARI_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15"
# Reviewer A's and B's scores (Clarity) for three candidates' three answers
A = [(4, 4, 5), (2, 3, 2), (3, 3, 3)]
B = [(5, 4, 5), (2, 2, 2), (3, 4, 3)]


def run_the_interview(live):
    db, iv = live.db, live.interview
    t0 = clock.now()
    head = Letterhead.from_settings(live.settings)
    people = [invitations.invite(db, iv.id, f"P{i}", f"p{i}@example.com", "t") for i in range(6)]
    a, _ = accounts.create(db, "a@example.com", Role.REVIEWER, "t", name="Rev A")
    b, _ = accounts.create(db, "b@example.com", Role.REVIEWER, "t", name="Rev B")
    for who in (a, b):
        accounts.assign(db, who.email, iv.id, "t")
    for i, (inv, token) in enumerate(
        people[:5]
    ):  # five open and consent; four pass the device check, one fails
        invitations.move(db, inv.id, InvitationStatus.OPENED, "candidate")
        invitations.record_consent(db, inv.id, "1")
        journey.record_device_check(
            db,
            token,
            {
                "passed": i < 4,
                "browser": CHROME_PHONE if i % 2 else SAFARI_MAC,
                "problem": "" if i < 4 else "no camera found",
            },
        )
    for _, token in people[:4]:  # four start
        record_take(db, live.settings, token, iv.questions[0].id, 1, b"take")
    for n, (inv, token) in enumerate(people[:3]):  # three finish; A and B score them; two decided
        answers.submit_take(db, inv.id, iv.questions[0].id, 1)
        record_take(db, live.settings, token, iv.questions[1].id, 1, b"sound")
        answers.submit_take(db, inv.id, iv.questions[1].id, 1)
        answers.submit_text(db, inv.id, iv.questions[2].id, "words")
        answers.complete(db, inv.id, t0 + timedelta(hours=3))
        for who, table in ((a, A), (b, B)):
            for q, score in zip(iv.questions, table[n], strict=True):
                reviews.save(
                    db, who, inv.id, q.id, {iv.competencies[0].id: score}, "", True, t0 + timedelta(hours=5)
                )
        journey.feedback(db, token, 5 - n, "Clear instructions" if n == 0 else "", t0 + timedelta(hours=3))
    decisions.decide(db, a, people[0][0].id, Outcome.ADVANCE, "", head, t0 + timedelta(hours=6))
    decisions.decide(db, a, people[1][0].id, Outcome.REJECT, "", head, t0 + timedelta(hours=6))
    return a, t0


async def test_the_measures_of_a_small_interview(site) -> None:
    live = site
    admin, t0 = run_the_interview(live)
    q0 = live.interview.questions[0].id
    live.db.write(
        lambda con: con.execute(  # the three submitted first answers lasted 10, 40 and 20 s
            "UPDATE recordings SET duration_ms = CASE id % 3 WHEN 0 THEN 10000 WHEN 1 THEN 40000 ELSE 20000 END "
            "WHERE take_id IN (SELECT t.id FROM takes t JOIN answers a ON a.id = t.answer_id "
            "WHERE a.question_id = ? AND t.submitted = 1)",
            (q0,),
        )
    )
    since, until = insight.period(None, t0 + timedelta(days=1))
    found = insight.for_interview(live.db, admin, live.interview.id, since, until)

    counts = {s.name: s.count for s in found.funnel}
    assert counts == {
        "invited": 6,
        "opened": 5,
        "consented": 5,
        "device check passed": 4,
        "started": 4,
        "completed": 3,
        "reviewed": 3,
        "decided": 2,
    }
    started = next(s for s in found.funnel if s.name == "started")
    assert started.of_previous == 1.0 and math.isclose(started.of_invited, 4 / 6)
    reviewed = next(s for s in found.funnel if s.name == "reviewed")
    decided = next(s for s in found.funnel if s.name == "decided")
    assert math.isclose(reviewed.median_hours, 2.0) and math.isclose(decided.median_hours, 1.0)

    q1 = found.questions[0]
    assert q1.started == 4 and q1.unfinished == 1 and q1.median_takes == 1 and q1.median_seconds == 20
    assert math.isclose(q1.spread.value, math.sqrt(41 / 36)) and q1.spread.n == 6  # 4 5 2 2 3 3
    assert q1.correlation.value is None and "too little data: 2 decided" in q1.correlation.note
    assert q1.agreement.value is None and "3 items" in q1.agreement.note  # per question: 3 units only

    # All nine answers: observed disagreement 1/3, expected 706/306: α = 1812/2118
    assert math.isclose(found.overall_agreement.value, 1812 / 2118) and found.overall_agreement.n == 18
    [(name, clarity)] = found.competencies
    assert name == "Clarity" and math.isclose(clarity.value, 1812 / 2118)
    lenient = {r.name: r.leniency for r in found.reviewers}
    assert math.isclose(lenient["Rev A"].value, -1 / 9) and math.isclose(lenient["Rev B"].value, 1 / 9)

    t = found.technical
    assert (t.checks_passed, t.checks_failed) == (4, 1) and t.problems == [("no camera found", 1)]
    assert dict(t.browsers) == {"Safari on a computer": 3, "Chrome on a phone": 2}
    p = found.promptness
    assert math.isclose(p.to_first_review_hours, 2.0) and math.isclose(p.to_decision_hours, 3.0)
    assert (p.reviewed, p.decided, p.waiting) == (3, 2, 0)
    e = found.experience
    assert e.ratings == 3 and math.isclose(e.mean, 4.0) and e.distribution == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert [c[2] for c in e.comments] == ["Clear instructions"]

    # The pages: charts drawn on the server, every table as CSV; the overview across interviews
    s = await live.browser()
    _, password = accounts.create(live.db, "boss@example.com", Role.ADMIN, "t")
    await sign_in_with(s, "boss@example.com", password, next="/review")
    base = f"/review/interviews/{live.interview.id}"
    page = await s.get(f"{base}/insight?period=all")
    text = await page.text()
    assert page.status == 200 and text.count("<svg") >= 3
    assert "Krippendorff&#39;s alpha (interval)" in text and "too little data" in text
    rows = list(
        csv.reader(
            io.StringIO((await text_of(s, f"{base}/insight.csv?period=all&table=funnel")).lstrip("\ufeff"))
        )
    )
    assert rows[0][:2] == ["step", "count"] and rows[1][:2] == ["invited", "6"]
    for name in ("questions", "competencies", "reviewers", "browsers", "experience"):
        assert (await s.get(f"{base}/insight.csv?table={name}")).status == 200
    bad = await s.get(f"{base}/insight.csv?table=nope")
    assert bad.status == 422 and "table is one of" in await bad.text()
    overview = await s.get("/review/insight?period=30")
    assert overview.status == 200 and live.interview.title in await overview.text()
    each = list(
        csv.reader(io.StringIO((await text_of(s, "/review/insight.csv?table=interviews")).lstrip("\ufeff")))
    )
    assert each[0][:3] == ["interview_id", "title", "invited"] and each[1][2] == "6"


async def test_how_soon_answers_could_be_watched_and_played(site) -> None:
    """A VP8 answer's preview can be watched seconds after its last byte, long before its MP4 plays everywhere;
    an H.264 answer is watchable when it is playable. Insight shows both waits."""
    live = site
    admin, t0 = run_the_interview(live)
    since, until = insight.period(None, t0 + timedelta(days=1))
    uploaded = live.db.read(insight_sql.uploads, live.interview.id, since, until)
    assert len(uploaded) == 7
    for n, u in enumerate(uploaded[:6]):  # the seventh is still uploaded: in neither wait
        rid, done = u["recording_id"], clock.from_db(u["completed_at"])
        folder = live.settings.data_dir / "recordings" / str(rid)
        live.db.write(recordings.start_processing, rid, done)
        if n % 2:  # VP8: watchable from its preview after 2 s, playable everywhere after 60 s
            assert live.db.write(
                recordings.mark_previewable, rid, str(folder / "preview.webm"), done + timedelta(seconds=2)
            )
        ready = done + timedelta(seconds=60 if n % 2 else 5)
        live.db.write(
            recordings.mark_ready,
            rid,
            playback_path=str(folder / "p.mp4"),
            poster_path=None,
            duration_ms=9,
            now=ready,
        )
    t = insight.for_interview(live.db, admin, live.interview.id, since, until).technical
    assert (t.watchable.median, t.watchable.n) == (3.5, 6) and (t.playable.median, t.playable.n) == (32.5, 6)
    assert t.watchable.p90 is None  # fewer than ten

    s = await live.browser()
    _, password = accounts.create(live.db, "boss@example.com", Role.ADMIN, "t")
    await sign_in_with(s, "boss@example.com", password, next="/review")
    page = " ".join((await text_of(s, f"/review/interviews/{live.interview.id}/insight?period=all")).split())
    assert (
        "From the last byte to watchable in Chrome, Edge and Firefox: median 3.5 s <small>(6 recordings)"
        in page
    )
    assert "to playable in every browser, Safari too: median 32.5 s <small>(6 recordings)" in page


def test_a_step_reached_without_the_one_before_does_not_pass_a_hundred_percent() -> None:
    h = 3600.0
    journeys = [  # invited, opened, consented, device check passed, started, completed, reviewed, decided
        (0, h, 2 * h, 3 * h, 4 * h, None, None, None),
        (0, h, 2 * h, None, 5 * h, None, None, None),  # started without passing the device check
        (0, h, 2 * h, None, 6 * h, None, None, None),
        (0, h, None, None, None, None, None, None),
    ]
    steps = {s.name: s for s in insight.funnel(journeys)}
    assert steps["device check passed"].count == 1 and steps["started"].count == 3
    assert steps["started"].of_previous == 1.0  # of the one who passed it, not 3 of 1
    assert steps["consented"].of_previous == 0.75 and steps["started"].of_invited == 0.75
    assert all(s.of_previous is None or s.of_previous <= 1 for s in steps.values())


def test_an_interview_without_data_says_so(tmp_path) -> None:
    _, _, db, interview = prepare(tmp_path)
    admin, _ = accounts.create(db, "a@example.com", Role.ADMIN, "t")
    found = insight.for_interview(db, admin, interview.id, *insight.period(30))
    assert all(s.count == 0 for s in found.funnel) and found.funnel[1].of_previous is None
    assert found.overall_agreement.value is None and "too little data" in found.overall_agreement.note
    assert found.experience.mean is None and found.promptness.to_first_review_hours is None
    db.close()

"""The reviewer workspace over HTTP: sign-in, throttling, CSRF, who sees what, fair scoring, decisions, media."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
from pathlib import Path

import pytest
import requests

from boxinterview.domain import accounts, interviews, invitations, recordings, retention
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from boxinterview.store import audit as audit_sql
from boxinterview.store import outbox as outbox_sql
from boxinterview.store import reviews as reviews_sql
from tests.support.clips import make
from tests.support.live import live_server
from tests.support.reviewing import completed_candidate, csrf, reviewer
from tests.support.signin import sign_in, sign_in_with
from tests.support.site import text_of


@pytest.fixture
async def live(make_site):
    return await make_site(reviews={"login_max_failures": 3})


async def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(live) -> None:
    _, password = accounts.create(live.db, "lee@example.com", Role.REVIEWER, "t")
    s = await live.browser()
    r = await sign_in_with(s, "lee@example.com", password, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/review"
    cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith("boxinterview_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert (await s.get("/review")).status == 200
    token = await csrf(s, "/review")
    assert str((await s.post("/logout", data={"csrf": token})).url).endswith("/login")
    assert (await s.get("/review", allow_redirects=False)).status == 303  # to /login again


async def test_wrong_passwords_are_throttled_per_account(live) -> None:
    _, password = accounts.create(live.db, "kim@example.com", Role.REVIEWER, "t")
    s = await live.browser()
    for _ in range(3):
        r = await sign_in_with(s, "kim@example.com", "wrong password!")
        assert r.status == 401 and "not right" in await r.text()
    r = await sign_in_with(s, "kim@example.com", password)
    assert r.status == 429 and "too many failed sign-ins" in await r.text()
    assert int(r.headers["Retry-After"]) > 0


async def test_forms_without_the_csrf_token_are_refused(live) -> None:
    invitation_id = completed_candidate(live)
    s = await reviewer(live, "csrf@example.com")
    question = live.interview.questions[0].id
    r = await s.post(f"/review/{invitation_id}/questions/{question}", data={"notes": "x", "action": "save"})
    assert r.status == 403 and "CSRF" in await r.text()
    r = await s.post(
        f"/review/{invitation_id}/questions/{question}",
        data={"notes": "x", "action": "save", "csrf": "forged"},
    )
    assert r.status == 403


async def test_reviewers_see_only_interviews_they_are_assigned_to(live) -> None:
    invitation_id = completed_candidate(live)
    outsider = await reviewer(live, "outsider@example.com", assign=False)
    assert "Nothing is waiting" in await text_of(outsider, "/review")
    assert (await outsider.get(f"/review/{invitation_id}")).status == 404
    admin = await reviewer(live, "boss@example.com", assign=False, role=Role.ADMIN)
    assert (await admin.get(f"/review/{invitation_id}")).status == 200
    anonymous = await live.browser()
    assert (await anonymous.get(f"/review/{invitation_id}", allow_redirects=False)).status == 303


async def test_scores_stay_hidden_until_my_own_are_submitted(live) -> None:
    invitation_id = completed_candidate(live, "Bo Candidate")
    first = await reviewer(live, "first@example.com")
    second = await reviewer(live, "second@example.com")
    comp = live.interview.competencies[0]
    scored = [q for q in live.interview.questions if q.competencies]
    path = f"/review/{invitation_id}"
    assert "Bo Candidate" in await text_of(first, "/review")  # in the queue

    def every(score: str) -> dict[str, str]:
        return {f"score-{q.id}-{comp.id}": score for q in scored}

    r = await first.post(
        f"{path}/scores",
        data={
            "csrf": await csrf(first, path),
            **every("2"),
            f"notes-{scored[0].id}": "vague",
            "action": "submit",
        },
    )
    assert r.status == 200 and "Your review is submitted ✓" in await r.text()
    assert str(r.real_url).endswith("#scoring")
    page = await text_of(second, path)
    assert "1 other review — shown after you submit yours" in page and "vague" not in page
    incomplete = await second.post(
        f"{path}/scores",
        data={"csrf": await csrf(second, path), "action": "submit", f"score-{scored[0].id}-{comp.id}": "4"},
        headers={"Referer": live.base + path},
    )
    incomplete_text = await incomplete.text()
    assert incomplete.status == 422 and "still to score: question 2 (Clarity)" in incomplete_text
    assert f'href="{path}">Go back and change it' in incomplete_text  # not a bare error page
    as_json = await second.post(
        f"{path}/scores",
        data={"csrf": await csrf(second, path), "action": "submit"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status == 422 and "still to score" in (await as_json.json())["error"]["message"]
    draft = await second.post(
        f"{path}/scores",
        headers={"Accept": "application/json"},
        data={"csrf": await csrf(second, path), "action": "save", f"notes-{scored[1].id}": "to check"},
    )
    assert await draft.json() == {"scored": "saved"}
    assert "to check" in await text_of(second, path)
    await second.post(
        f"{path}/scores", data={"csrf": await csrf(second, path), **every("4"), "action": "submit"}
    )
    page = " ".join((await text_of(second, path)).split())
    assert "first: Clarity 2" in page and "vague" in page
    again = await first.post(
        f"{path}/scores", data={"csrf": await csrf(first, path), **every("5"), "action": "submit"}
    )
    assert again.status == 409
    assert "Bo Candidate" not in await text_of(first, "/review")  # reviewed: out of the queue


async def test_blind_review_hides_who_the_candidate_is(live) -> None:
    blind = interviews.get(live.db, live.interview.id)
    interviews.update(live.db, blind.id, dataclasses.replace(blind, blind_review=True), "t")
    invitation_id = completed_candidate(live, "Secret Person")
    s = await reviewer(live, "blind@example.com")
    page = await text_of(s, f"/review/{invitation_id}")
    assert "Secret Person" not in page and "Candidate 1" in page
    assert "Secret Person" not in await text_of(s, "/review")


async def test_a_decision_is_previewed_then_queued_with_the_feedback(live) -> None:
    invitation_id = completed_candidate(live, "Cy Candidate")
    s = await reviewer(live, "decider@example.com")
    path = f"/review/{invitation_id}/decision"
    preview = await s.post(
        path,
        data={
            "csrf": await csrf(s, f"/review/{invitation_id}"),
            "outcome": "reject",
            "feedback": "Your written answer was strong.",
            "action": "preview",
        },
    )
    preview_text = await preview.text()
    assert (
        preview.status == 200
        and "Dear Cy Candidate" in preview_text
        and "Your written answer was strong." in preview_text
    )
    assert live.db.read(outbox_sql.for_invitation, invitation_id) == []  # nothing queued by a preview
    await s.post(
        path,
        data={
            "csrf": await csrf(s, f"/review/{invitation_id}"),
            "outcome": "reject",
            "feedback": "Your written answer was strong.",
            "action": "confirm",
        },
    )
    [message] = live.db.read(outbox_sql.for_invitation, invitation_id)
    assert message["kind"] == "outcome.reject" and message["state"] == "queued"
    assert "Dear Cy Candidate" in message["body"] and "Your written answer was strong." in message["body"]
    assert "Cy Candidate" not in await text_of(s, "/review")  # decided: out of the queue


async def test_recordings_reach_only_authorised_reviewers_with_ranges(live, tmp_path) -> None:
    invitation_id = completed_candidate(live)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)  # a real recording to process
    assert (await processing.process(live.db, live.settings, rec.id)).value == "ready"
    s = await reviewer(live, "viewer@example.com")
    url = f"/media/recordings/{rec.id}/playback"
    whole = await s.get(url)
    content = await whole.read()
    assert whole.status == 200 and whole.headers["Content-Type"] == "video/mp4"
    assert "private" in whole.headers["Cache-Control"]
    part = await s.get(url, headers={"Range": "bytes=0-99"})
    part_content = await part.read()
    assert part.status == 206 and len(part_content) == 100 and part_content == content[:100]
    beyond = await s.get(url, headers={"Range": f"bytes={len(content) + 10}-"})
    assert beyond.status == 416
    assert (await s.get(f"/media/recordings/{rec.id}/poster")).headers["Content-Type"] == "image/jpeg"
    assert (await (await live.browser()).get(url)).status == 401
    outsider = await reviewer(live, "nosy@example.com", assign=False)
    assert (await outsider.get(url)).status == 404
    assert (await s.get(f"/media/recordings/{rec.id}/original")).status == 404
    assert (await s.get(f"/media/recordings/{rec.id}/..%2F..%2Fboxinterview.db")).status == 404
    assert Path(rec.original_path).exists()


async def test_a_share_link_shows_chosen_answers_until_withdrawn(live, tmp_path) -> None:
    from boxinterview.store import audit as audit_sql

    invitation_id = completed_candidate(live, "Dee Shared")
    recs = {r.question_id: r for r in recordings.listing(live.db) if r.invitation_id == invitation_id}
    first_q, second_q = live.interview.questions[0].id, live.interview.questions[1].id
    for question_id in (first_q, second_q):
        shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), recs[question_id].original_path)
        assert (await processing.process(live.db, live.settings, recs[question_id].id)).value == "ready"
    s = await reviewer(live, "sharer@example.com")
    page = f"/review/{invitation_id}"
    made = await s.post(
        f"{page}/share",
        data={"csrf": await csrf(s, page), "question": [str(first_q)], "days": "3", "label": "For Sam"},
    )
    assert made.status == 200
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', await made.text()).group(1)
    assert url.startswith(live.base + "/s/")
    path = url.removeprefix(live.base)
    anonymous = await live.browser()
    shared = await anonymous.get(path)
    shared_text = await shared.text()
    assert shared.status == 200 and "Dee Shared" in shared_text and "For Sam" in shared_text
    token = url.rsplit("/", 1)[1]
    assert (await anonymous.get(f"/s/{token}/media/{recs[first_q].id}/playback")).status == 200
    assert (await anonymous.get(f"/s/{token}/media/{recs[second_q].id}/playback")).status == 404  # not chosen
    opened = [e for e in live.db.read(audit_sql.entries, "share.open") if e.action == "share.open"]
    assert opened and opened[0].actor.startswith("share:")
    share_id = opened[0].subject_id
    revoked = await s.post(f"/review/shares/{share_id}/revoke", data={"csrf": await csrf(s, "/review")})
    assert revoked.status == 200
    assert (await anonymous.get(path)).status == 410
    assert (await anonymous.get(f"/s/{token}/media/{recs[first_q].id}/playback")).status == 410
    assert (await anonymous.get(f"/s/{'x' * 43}")).status == 404


async def test_pipeline_results_and_export(live) -> None:
    first_id = completed_candidate(live, "Eve First")
    second_id = completed_candidate(live, "Finn Second")
    live.count += 1
    invitations.invite(live.db, live.interview.id, "Gus Invited", "gus@example.com", "t")
    a = await reviewer(live, "a@example.com")
    b = await reviewer(live, "b@example.com")
    late = await reviewer(live, "late@example.com")
    comp = live.interview.competencies[0]
    scored = [q for q in live.interview.questions if q.competencies]
    for session, invitation_id, score in ((a, first_id, 5), (b, first_id, 3), (a, second_id, 2)):
        for q in scored:
            page = f"/review/{invitation_id}"
            r = await session.post(
                f"{page}/questions/{q.id}",
                data={
                    "csrf": await csrf(session, page),
                    f"score-{comp.id}": str(score),
                    "action": "submit",
                },
            )
            assert r.status == 200
    base = f"/review/interviews/{live.interview.id}"
    pipeline = await text_of(a, base)
    assert "Gus Invited" in pipeline and "in review" in pipeline
    only_invited = await text_of(a, base, params={"stage": "invited"})
    assert "Gus Invited" in only_invited and "Eve First" not in only_invited
    results_page = " ".join((await text_of(a, base + "/results")).split())
    assert results_page.index("Eve First") < results_page.index("Finn Second")  # ranked: 4.0 before 2.0
    assert "4.0 · 4.0 · 2.0 ⚠" in results_page  # reviewers 5 and 3: mean, median, spread, disagreement
    assert "Eve First" not in await text_of(late, base + "/results")  # has not reviewed anyone yet
    exported = await a.get(base + "/export.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    lines = (await exported.text()).lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("rank,candidate,overall,Clarity mean")
    assert lines[1].startswith("1,Eve First,4.0,4.0")
    side = await a.get(
        "/review/compare", params=[("question", scored[0].id), ("c", first_id), ("c", second_id)]
    )
    side_text = await side.text()
    assert side.status == 200 and "Eve First" in side_text and "Finn Second" in side_text
    outsider = await reviewer(live, "o@example.com", assign=False)
    assert (await outsider.get(base)).status == 404 and (
        await outsider.get(base + "/export.csv")
    ).status == 404


async def test_comments_pinned_to_a_moment_follow_the_same_fairness_rule(live, tmp_path) -> None:
    invitation_id = completed_candidate(live, "Hal Commented")
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    assert (await processing.process(live.db, live.settings, rec.id)).value == "ready"
    a = await reviewer(live, "commenter@example.com")
    b = await reviewer(live, "reader@example.com")
    page = f"/review/{invitation_id}"
    q = rec.question_id
    beyond = await a.post(
        f"{page}/questions/{q}/comments",
        data={"csrf": await csrf(a, page), "at_ms": "75500", "body": "After the end"},
    )  # the recording is 3 s long
    assert (
        beyond.status == 422
        and "the moment 1:15 is after the end of the recording (0:03)" in await beyond.text()
    )
    r = await a.post(
        f"{page}/questions/{q}/comments",
        data={"csrf": await csrf(a, page), "at_ms": "2500", "body": "Clear example here"},
    )
    text = await r.text()
    assert r.status == 200 and 'data-at="2500"' in text and "0:02" in text and "Clear example here" in text
    assert "Clear example here" not in await text_of(b, page)  # not before b has scored
    bad = await a.post(f"{page}/questions/{q}/comments", data={"csrf": await csrf(a, page), "body": "  "})
    assert bad.status == 422
    written = next(x for x in live.interview.questions if not x.kind.is_recorded)
    elsewhere = await a.post(
        f"{page}/questions/{written.id}/comments",
        data={"csrf": await csrf(a, page), "at_ms": "1000", "body": "on the text"},
    )
    assert elsewhere.status == 422 and "write about this answer in your notes" in await elsewhere.text()
    assert "on the text" not in await text_of(a, page)


async def test_bulk_decisions_are_previewed_then_queued(live) -> None:
    ids = [completed_candidate(live, f"Bulk {n}") for n in range(3)]
    s = await reviewer(live, "bulk@example.com")
    base = f"/review/interviews/{live.interview.id}"
    data = {"csrf": await csrf(s, base), "outcome": "reject", "invitation": [str(i) for i in ids[:2]]}
    preview = await s.post(f"{base}/bulk", data={**data, "action": "preview"})
    assert preview.status == 200 and "Reject 2 candidates?" in await preview.text()
    assert all(live.db.read(outbox_sql.for_invitation, i) == [] for i in ids)
    await s.post(f"{base}/bulk", data={**data, "action": "confirm"})
    assert [len(live.db.read(outbox_sql.for_invitation, i)) for i in ids] == [1, 1, 0]
    assert "rejected" in await text_of(s, base, params={"stage": "rejected"})
    empty = await s.post(f"{base}/bulk", data={"csrf": await csrf(s, base), "outcome": "hold"})
    assert empty.status == 422


async def test_two_reviewers_scoring_at_once_both_land(live) -> None:
    invitation_id = completed_candidate(live)
    sessions = [await reviewer(live, f"p{n}@example.com") for n in range(4)]
    page = f"/review/{invitation_id}"
    comp = live.interview.competencies[0]
    scored = [q for q in live.interview.questions if q.competencies]
    tokens = [await csrf(s, page) for s in sessions]
    failures: list[int] = []

    async def score(n: int) -> None:
        for q in scored:
            r = await sessions[n].post(
                f"{page}/questions/{q.id}",
                data={"csrf": tokens[n], f"score-{comp.id}": str(n + 1), "action": "submit"},
            )
            if r.status != 200:
                failures.append(r.status)

    await asyncio.gather(*(score(n) for n in range(4)))
    assert failures == []
    submitted = [r for r in live.db.read(reviews_sql.reviews_of, invitation_id) if r.submitted_at]
    assert len(submitted) == 4 * len(scored)
    admin = await reviewer(live, "overseer@example.com", assign=False, role=Role.ADMIN)
    results_page = " ".join((await text_of(admin, f"/review/interviews/{live.interview.id}/results")).split())
    assert "2.5 · 2.5 · 3.0 ⚠" in results_page  # scores 1, 2, 3, 4 from the four reviewers


def test_every_review_page_viewed_is_in_the_audit_log_once_the_server_stops(tmp_path) -> None:
    """Views are written together, not one write each; a clean stop (SIGTERM) still writes every one."""
    with live_server(tmp_path) as live:
        invitation_id = completed_candidate(live, "Vi Viewed")
        _, password = accounts.create(live.db, "looker@example.com", Role.REVIEWER, "t")
        accounts.assign(live.db, "looker@example.com", live.interview.id, "t")
        s = requests.Session()
        assert sign_in(s, live.base, "looker@example.com", password, next="/review").status_code == 200
        for _ in range(7):
            assert s.get(f"{live.base}/review/{invitation_id}").status_code == 200
        live.stop()  # perhaps within a second of the last view
        viewed = [e for e in live.db.read(audit_sql.entries, "review.view") if e.action == "review.view"]
        assert len(viewed) == 7 and {e.subject_id for e in viewed} == {invitation_id}


async def test_behind_caddy_the_app_authorises_and_names_the_viewing(make_site, tmp_path) -> None:
    live = await make_site(server={"accel_redirect": True})
    invitation_id = completed_candidate(live)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    assert (await processing.process(live.db, live.settings, rec.id)).value == "ready"
    s = await reviewer(live, "proxied@example.com")
    r = await s.get(f"/media/recordings/{rec.id}/playback", allow_redirects=False)
    assert r.status == 307 and r.headers["Cache-Control"] == "no-store"
    token = r.headers["Location"].removeprefix("/v/").removesuffix("/playback.mp4")
    assert len(token) == 43 and r.headers["Location"] == f"/v/{token}/playback.mp4"
    link = live.settings.data_dir / "viewings" / token / "playback.mp4"  # what Caddy's file_server sends
    assert link.resolve() == Path(recordings.get(live.db, rec.id).playback_path).resolve()
    outsider = await reviewer(live, "blocked@example.com", assign=False)
    blocked = await outsider.get(f"/media/recordings/{rec.id}/playback", allow_redirects=False)
    assert blocked.status == 404 and "Location" not in blocked.headers


async def test_the_team_can_read_every_message_candidates_get(live) -> None:
    s = await reviewer(live, "wording.reader@example.com")
    page = await s.get(f"/review/interviews/{live.interview.id}/messages")
    assert page.status == 200
    text = await page.text()
    for kind in (
        "invitation",
        "reminder",
        "nudge",
        "extension",
        "confirmation",
        "outcome.advance",
        "outcome.reject",
        "outcome.hold",
    ):
        assert f'id="{kind}"' in text
    assert "one-way interview for the Tester role" in text and "standard wording" in text
    outsider = await reviewer(live, "stranger@example.com", assign=False)
    assert (await outsider.get(f"/review/interviews/{live.interview.id}/messages")).status == 404


async def test_the_team_reads_the_messages_in_the_interviews_language(live) -> None:
    german = dataclasses.replace(live.interview, language="de", time_zone="Europe/Berlin")
    interviews.update(live.db, live.interview.id, german, "t")
    s = await reviewer(live, "wording.german@example.com")
    text = await text_of(s, f"/review/interviews/{live.interview.id}/messages")
    assert '<pre class="message-text" lang="de">Guten Tag Alex Example,' in text
    assert (
        "Sie beantworten 3 Fragen in Ihrem Browser, wann es Ihnen passt, bis Freitag, 11. Dezember 2026"
        in text
    )
    assert "18:00 MEZ" in text and "Dear Alex" not in text
    assert '<span lang="de">Erinnerung: Ihr Interview für Tester endet am Freitag' in text


async def test_an_erased_candidate_s_page_says_so_and_takes_no_reviews(live) -> None:
    invitation_id = completed_candidate(live, "Ezra Erased")
    s = await reviewer(live, "late@example.com")
    retention.erase(live.db, live.settings.data_dir, invitation_id, "t", "asked to")
    page = await s.get(f"/review/{invitation_id}")
    assert page.status == 410
    assert "were erased on" in await page.text() and "Ezra" not in await page.text()
    token = await csrf(s, "/review")
    q = live.interview.questions[0].id
    for path, data in (
        (f"/review/{invitation_id}/questions/{q}", {"notes": "x", "action": "save"}),
        (f"/review/{invitation_id}/questions/{q}/comments", {"body": "late", "at_ms": "1000"}),
        (f"/review/{invitation_id}/scores", {"action": "submit"}),
        (f"/review/{invitation_id}/decision", {"outcome": "reject", "feedback": "x", "action": "confirm"}),
    ):
        r = await s.post(path, data={"csrf": token, **data}, allow_redirects=False)
        assert r.status == 410, (path, r.status, await r.text())
    assert live.db.read(outbox_sql.for_invitation, invitation_id) == []

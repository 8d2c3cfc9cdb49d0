"""The reviewer workspace over HTTP: sign-in, throttling, CSRF, who sees what, fair scoring, decisions, media."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
from pathlib import Path

import pytest
import requests

from boxinterview.domain import accounts, answers, interviews, invitations, recordings
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from boxinterview.store import outbox as outbox_sql
from boxinterview.store import reviews as reviews_sql
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import live_server
from tests.support.signin import sign_in


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    with live_server(root, reviews={"login_max_failures": 3}) as server:
        yield server


def completed_candidate(live, name: str = "Ann Example") -> int:
    """A candidate who answered everything (small takes, processed to 'uploaded' only)."""
    live.count += 1
    inv, token = invitations.invite(live.db, live.interview.id, name, f"c{live.count}@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    q = live.interview.questions
    for question in q[:2]:
        record_take(live.db, live.settings, token, question.id, 1, b"take")
        answers.submit_take(live.db, inv.id, question.id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "Listening first.")
    answers.complete(live.db, inv.id)
    return inv.id


def reviewer(live, email: str, assign: bool = True, role: Role = Role.REVIEWER) -> requests.Session:
    _, password = accounts.create(live.db, email, role, "t", name=email.split("@")[0])
    if assign:
        accounts.assign(live.db, email, live.interview.id, "t")
    s = requests.Session()
    r = sign_in(s, live.base, email, password, next="/review")
    assert r.status_code == 200 and r.url.endswith("/review"), r.text
    return s


def csrf(session: requests.Session, live, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', session.get(live.base + path).text).group(1)


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(live) -> None:
    _, password = accounts.create(live.db, "lee@example.com", Role.REVIEWER, "t")
    s = requests.Session()
    r = sign_in(s, live.base, "lee@example.com", password, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/review"
    cookie = next(c for c in r.raw.headers.getlist("Set-Cookie") if c.startswith("boxinterview_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert s.get(f"{live.base}/review").status_code == 200
    token = csrf(s, live, "/review")
    assert s.post(f"{live.base}/logout", data={"csrf": token}).url.endswith("/login")
    assert s.get(f"{live.base}/review", allow_redirects=False).status_code == 303  # to /login again


def test_wrong_passwords_are_throttled_per_account(live) -> None:
    _, password = accounts.create(live.db, "kim@example.com", Role.REVIEWER, "t")
    s = requests.Session()
    for _ in range(3):
        r = sign_in(s, live.base, "kim@example.com", "wrong password!")
        assert r.status_code == 401 and "not right" in r.text
    r = sign_in(s, live.base, "kim@example.com", password)
    assert r.status_code == 429 and "too many failed sign-ins" in r.text
    assert int(r.headers["Retry-After"]) > 0


def test_forms_without_the_csrf_token_are_refused(live) -> None:
    invitation_id = completed_candidate(live)
    s = reviewer(live, "csrf@example.com")
    question = live.interview.questions[0].id
    r = s.post(
        f"{live.base}/review/{invitation_id}/questions/{question}", data={"notes": "x", "action": "save"}
    )
    assert r.status_code == 403 and "CSRF" in r.text
    r = s.post(
        f"{live.base}/review/{invitation_id}/questions/{question}",
        data={"notes": "x", "action": "save", "csrf": "forged"},
    )
    assert r.status_code == 403


def test_reviewers_see_only_interviews_they_are_assigned_to(live) -> None:
    invitation_id = completed_candidate(live)
    outsider = reviewer(live, "outsider@example.com", assign=False)
    assert "Nothing is waiting" in outsider.get(f"{live.base}/review").text
    assert outsider.get(f"{live.base}/review/{invitation_id}").status_code == 404
    admin = reviewer(live, "boss@example.com", assign=False, role=Role.ADMIN)
    assert admin.get(f"{live.base}/review/{invitation_id}").status_code == 200
    assert requests.get(f"{live.base}/review/{invitation_id}", allow_redirects=False).status_code == 303


def test_scores_stay_hidden_until_my_own_are_submitted(live) -> None:
    invitation_id = completed_candidate(live, "Bo Candidate")
    first = reviewer(live, "first@example.com")
    second = reviewer(live, "second@example.com")
    comp = live.interview.competencies[0]
    scored = [q for q in live.interview.questions if q.competencies]
    path = f"/review/{invitation_id}"
    assert "Bo Candidate" in first.get(live.base + "/review").text  # in the queue

    def every(score: str) -> dict[str, str]:
        return {f"score-{q.id}-{comp.id}": score for q in scored}

    r = first.post(
        f"{live.base}{path}/scores",
        data={
            "csrf": csrf(first, live, path),
            **every("2"),
            f"notes-{scored[0].id}": "vague",
            "action": "submit",
        },
    )
    assert r.status_code == 200 and "Your review is submitted ✓" in r.text and r.url.endswith("#scoring")
    page = second.get(live.base + path).text
    assert "1 other review — shown after you submit yours" in page and "vague" not in page
    incomplete = second.post(
        f"{live.base}{path}/scores",
        data={"csrf": csrf(second, live, path), "action": "submit", f"score-{scored[0].id}-{comp.id}": "4"},
        headers={"Referer": live.base + path},
    )
    assert incomplete.status_code == 422 and "still to score: question 2 (Clarity)" in incomplete.text
    assert f'href="{path}">Go back and change it' in incomplete.text  # not a bare error page
    as_json = second.post(
        f"{live.base}{path}/scores",
        data={"csrf": csrf(second, live, path), "action": "submit"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 422 and "still to score" in as_json.json()["error"]["message"]
    draft = second.post(
        f"{live.base}{path}/scores",
        headers={"Accept": "application/json"},
        data={"csrf": csrf(second, live, path), "action": "save", f"notes-{scored[1].id}": "to check"},
    )
    assert draft.json() == {"scored": "saved"}
    assert "to check" in second.get(live.base + path).text
    second.post(
        f"{live.base}{path}/scores", data={"csrf": csrf(second, live, path), **every("4"), "action": "submit"}
    )
    page = " ".join(second.get(live.base + path).text.split())
    assert "first: Clarity 2" in page and "vague" in page
    again = first.post(
        f"{live.base}{path}/scores", data={"csrf": csrf(first, live, path), **every("5"), "action": "submit"}
    )
    assert again.status_code == 409
    assert "Bo Candidate" not in first.get(live.base + "/review").text  # reviewed: out of the queue


def test_blind_review_hides_who_the_candidate_is(tmp_path) -> None:
    with live_server(tmp_path) as live:
        blind = interviews.get(live.db, live.interview.id)
        interviews.update(live.db, blind.id, dataclasses.replace(blind, blind_review=True), "t")
        invitation_id = completed_candidate(live, "Secret Person")
        s = reviewer(live, "blind@example.com")
        page = s.get(f"{live.base}/review/{invitation_id}").text
        assert "Secret Person" not in page and "Candidate 1" in page
        assert "Secret Person" not in s.get(f"{live.base}/review").text


def test_a_decision_is_previewed_then_queued_with_the_feedback(live) -> None:
    invitation_id = completed_candidate(live, "Cy Candidate")
    s = reviewer(live, "decider@example.com")
    path = f"/review/{invitation_id}/decision"
    preview = s.post(
        live.base + path,
        data={
            "csrf": csrf(s, live, f"/review/{invitation_id}"),
            "outcome": "reject",
            "feedback": "Your written answer was strong.",
            "action": "preview",
        },
    )
    assert (
        preview.status_code == 200
        and "Dear Cy Candidate" in preview.text
        and "Your written answer was strong." in preview.text
    )
    assert live.db.read(outbox_sql.for_invitation, invitation_id) == []  # nothing queued by a preview
    s.post(
        live.base + path,
        data={
            "csrf": csrf(s, live, f"/review/{invitation_id}"),
            "outcome": "reject",
            "feedback": "Your written answer was strong.",
            "action": "confirm",
        },
    )
    [message] = live.db.read(outbox_sql.for_invitation, invitation_id)
    assert message["kind"] == "outcome.reject" and message["state"] == "queued"
    assert "Dear Cy Candidate" in message["body"] and "Your written answer was strong." in message["body"]
    assert "Cy Candidate" not in s.get(f"{live.base}/review").text  # decided: out of the queue


def test_recordings_reach_only_authorised_reviewers_with_ranges(live, tmp_path) -> None:
    invitation_id = completed_candidate(live)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)  # a real recording to process
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)).value == "ready"
    s = reviewer(live, "viewer@example.com")
    url = f"{live.base}/media/recordings/{rec.id}/playback"
    whole = s.get(url)
    assert whole.status_code == 200 and whole.headers["Content-Type"] == "video/mp4"
    assert "private" in whole.headers["Cache-Control"]
    part = s.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100 and part.content == whole.content[:100]
    beyond = s.get(url, headers={"Range": f"bytes={len(whole.content) + 10}-"})
    assert beyond.status_code == 416
    assert s.get(f"{live.base}/media/recordings/{rec.id}/poster").headers["Content-Type"] == "image/jpeg"
    assert requests.get(url).status_code == 401
    outsider = reviewer(live, "nosy@example.com", assign=False)
    assert outsider.get(url).status_code == 404
    assert s.get(f"{live.base}/media/recordings/{rec.id}/original").status_code == 404
    assert s.get(f"{live.base}/media/recordings/{rec.id}/..%2F..%2Fboxinterview.db").status_code == 404
    assert Path(rec.original_path).exists()


def test_a_share_link_shows_chosen_answers_until_withdrawn(live, tmp_path) -> None:
    from boxinterview.store import audit as audit_sql

    invitation_id = completed_candidate(live, "Dee Shared")
    recs = {r.question_id: r for r in recordings.listing(live.db) if r.invitation_id == invitation_id}
    first_q, second_q = live.interview.questions[0].id, live.interview.questions[1].id
    for question_id in (first_q, second_q):
        shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), recs[question_id].original_path)
        assert asyncio.run(processing.process(live.db, live.settings, recs[question_id].id)).value == "ready"
    s = reviewer(live, "sharer@example.com")
    page = f"/review/{invitation_id}"
    made = s.post(
        f"{live.base}{page}/share",
        data={"csrf": csrf(s, live, page), "question": [str(first_q)], "days": "3", "label": "For Sam"},
    )
    assert made.status_code == 200
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', made.text).group(1)
    anonymous = requests.Session()
    shared = anonymous.get(url)
    assert shared.status_code == 200 and "Dee Shared" in shared.text and "For Sam" in shared.text
    token = url.rsplit("/", 1)[1]
    assert anonymous.get(f"{live.base}/s/{token}/media/{recs[first_q].id}/playback").status_code == 200
    assert (
        anonymous.get(f"{live.base}/s/{token}/media/{recs[second_q].id}/playback").status_code == 404
    )  # not chosen
    opened = [e for e in live.db.read(audit_sql.entries, "share.open") if e.action == "share.open"]
    assert opened and opened[0].actor.startswith("share:")
    share_id = opened[0].subject_id
    assert (
        s.post(
            f"{live.base}/review/shares/{share_id}/revoke", data={"csrf": csrf(s, live, "/review")}
        ).status_code
        == 200
    )
    assert anonymous.get(url).status_code == 410
    assert anonymous.get(f"{live.base}/s/{token}/media/{recs[first_q].id}/playback").status_code == 410
    assert anonymous.get(f"{live.base}/s/{'x' * 43}").status_code == 404


def test_pipeline_results_and_export(tmp_path) -> None:
    with live_server(tmp_path) as live:
        first_id = completed_candidate(live, "Eve First")
        second_id = completed_candidate(live, "Finn Second")
        live.count += 1
        invitations.invite(live.db, live.interview.id, "Gus Invited", "gus@example.com", "t")
        a = reviewer(live, "a@example.com")
        b = reviewer(live, "b@example.com")
        late = reviewer(live, "late@example.com")
        comp = live.interview.competencies[0]
        scored = [q for q in live.interview.questions if q.competencies]
        for session, invitation_id, score in ((a, first_id, 5), (b, first_id, 3), (a, second_id, 2)):
            for q in scored:
                page = f"/review/{invitation_id}"
                r = session.post(
                    f"{live.base}{page}/questions/{q.id}",
                    data={
                        "csrf": csrf(session, live, page),
                        f"score-{comp.id}": str(score),
                        "action": "submit",
                    },
                )
                assert r.status_code == 200
        base = f"{live.base}/review/interviews/{live.interview.id}"
        pipeline = a.get(base).text
        assert "Gus Invited" in pipeline and "in review" in pipeline
        only_invited = a.get(base, params={"stage": "invited"}).text
        assert "Gus Invited" in only_invited and "Eve First" not in only_invited
        results_page = " ".join(a.get(base + "/results").text.split())
        assert results_page.index("Eve First") < results_page.index("Finn Second")  # ranked: 4.0 before 2.0
        assert "4.0 · 4.0 · 2.0 ⚠" in results_page  # reviewers 5 and 3: mean, median, spread, disagreement
        assert "Eve First" not in late.get(base + "/results").text  # has not reviewed anyone yet
        exported = a.get(base + "/export.csv")
        assert exported.headers["Content-Type"].startswith("text/csv")
        lines = exported.text.strip().splitlines()
        assert lines[0].startswith("rank,candidate,overall,Clarity mean")
        assert lines[1].startswith("1,Eve First,4.0,4.0")
        side = a.get(
            f"{live.base}/review/compare", params={"question": scored[0].id, "c": [first_id, second_id]}
        )
        assert side.status_code == 200 and "Eve First" in side.text and "Finn Second" in side.text
        outsider = reviewer(live, "o@example.com", assign=False)
        assert outsider.get(base).status_code == 404 and outsider.get(base + "/export.csv").status_code == 404


def test_comments_pinned_to_a_moment_follow_the_same_fairness_rule(live, tmp_path) -> None:
    invitation_id = completed_candidate(live, "Hal Commented")
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)).value == "ready"
    a = reviewer(live, "commenter@example.com")
    b = reviewer(live, "reader@example.com")
    page = f"/review/{invitation_id}"
    q = rec.question_id
    r = a.post(
        f"{live.base}{page}/questions/{q}/comments",
        data={"csrf": csrf(a, live, page), "at_ms": "75500", "body": "Clear example here"},
    )
    assert (
        r.status_code == 200
        and 'data-at="75500"' in r.text
        and "1:15" in r.text
        and "Clear example here" in r.text
    )
    assert "Clear example here" not in b.get(live.base + page).text  # not before b has scored
    bad = a.post(
        f"{live.base}{page}/questions/{q}/comments", data={"csrf": csrf(a, live, page), "body": "  "}
    )
    assert bad.status_code == 422


def test_bulk_decisions_are_previewed_then_queued(tmp_path) -> None:
    with live_server(tmp_path) as live:
        ids = [completed_candidate(live, f"Bulk {n}") for n in range(3)]
        s = reviewer(live, "bulk@example.com")
        base = f"/review/interviews/{live.interview.id}"
        data = {"csrf": csrf(s, live, base), "outcome": "reject", "invitation": [str(i) for i in ids[:2]]}
        preview = s.post(f"{live.base}{base}/bulk", data={**data, "action": "preview"})
        assert preview.status_code == 200 and "Reject 2 candidates?" in preview.text
        assert all(live.db.read(outbox_sql.for_invitation, i) == [] for i in ids)
        s.post(f"{live.base}{base}/bulk", data={**data, "action": "confirm"})
        assert [len(live.db.read(outbox_sql.for_invitation, i)) for i in ids] == [1, 1, 0]
        assert "rejected" in s.get(f"{live.base}{base}", params={"stage": "rejected"}).text
        empty = s.post(f"{live.base}{base}/bulk", data={"csrf": csrf(s, live, base), "outcome": "hold"})
        assert empty.status_code == 422


def test_two_reviewers_scoring_at_once_both_land(tmp_path) -> None:
    import threading

    with live_server(tmp_path) as live:
        invitation_id = completed_candidate(live)
        sessions = [reviewer(live, f"p{n}@example.com") for n in range(4)]
        page = f"/review/{invitation_id}"
        comp = live.interview.competencies[0]
        scored = [q for q in live.interview.questions if q.competencies]
        tokens = [csrf(s, live, page) for s in sessions]
        failures: list[int] = []

        def score(n: int) -> None:
            for q in scored:
                r = sessions[n].post(
                    f"{live.base}{page}/questions/{q.id}",
                    data={"csrf": tokens[n], f"score-{comp.id}": str(n + 1), "action": "submit"},
                )
                if r.status_code != 200:
                    failures.append(r.status_code)

        threads = [threading.Thread(target=score, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        submitted = [r for r in live.db.read(reviews_sql.reviews_of, invitation_id) if r.submitted_at]
        assert len(submitted) == 4 * len(scored)
        admin = reviewer(live, "overseer@example.com", assign=False, role=Role.ADMIN)
        results_page = " ".join(
            admin.get(f"{live.base}/review/interviews/{live.interview.id}/results").text.split()
        )
        assert "2.5 · 2.5 · 3.0 ⚠" in results_page  # scores 1, 2, 3, 4 from the four reviewers


def test_behind_caddy_the_app_authorises_and_names_the_file(tmp_path) -> None:
    with live_server(tmp_path, server={"accel_redirect": True}) as live:
        invitation_id = completed_candidate(live)
        rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
        shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
        assert asyncio.run(processing.process(live.db, live.settings, rec.id)).value == "ready"
        s = reviewer(live, "proxied@example.com")
        r = s.get(f"{live.base}/media/recordings/{rec.id}/playback")
        assert r.status_code == 200 and r.content == b""
        assert r.headers["X-Accel-Redirect"] == f"/recordings/{rec.id}/playback.mp4"
        outsider = reviewer(live, "blocked@example.com", assign=False)
        blocked = outsider.get(f"{live.base}/media/recordings/{rec.id}/playback")
        assert blocked.status_code == 404 and "X-Accel-Redirect" not in blocked.headers


def test_the_team_can_read_every_message_candidates_get(live) -> None:
    s = reviewer(live, "wording.reader@example.com")
    page = s.get(f"{live.base}/review/interviews/{live.interview.id}/messages")
    assert page.status_code == 200
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
        assert f'id="{kind}"' in page.text
    assert "one-way interview for the Tester role" in page.text and "standard wording" in page.text
    outsider = reviewer(live, "stranger@example.com", assign=False)
    assert outsider.get(f"{live.base}/review/interviews/{live.interview.id}/messages").status_code == 404

"""`boxinterview demo`: what scripts and operators rely on."""

from __future__ import annotations

import json

from boxinterview.config.settings import load_settings
from boxinterview.domain import accounts, interviews, invitations
from boxinterview.domain.models import InterviewStatus
from boxinterview.store import Database


def test_demo_json_on_a_fresh_directory(cli) -> None:
    result = cli("demo", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {"base_url", "candidate_url", "token", "questions", "reviewer_email", "reviewer_password"} <= set(
        data
    )
    assert data["base_url"] == "http://127.0.0.1:8080"
    assert data["candidate_url"] == f"{data['base_url']}/i/{data['token']}"
    kinds = [q["kind"] for q in data["questions"]]
    assert kinds.count("video") >= 2 and "text" in kinds and "choice" in kinds
    for q in data["questions"]:
        assert set(q) >= {"id", "kind", "answer_seconds", "takes"}
        assert q["takes"] == (3 if q["kind"] == "video" else 1)

    settings = load_settings(environ={})
    with Database.open(settings.database_path) as db:
        invitation = invitations.by_token(db, data["token"])
        assert invitation.consent_at is not None  # so scripts can upload to the demo link at once
        interview = interviews.get(db, invitation.interview_id)
        assert interview.status is InterviewStatus.OPEN
        assert len(interview.competencies) == 3
        assert all(len(c.anchors) == 5 for c in interview.competencies)
        assert [q.id for q in interview.questions] == [q["id"] for q in data["questions"]]
        account = accounts.authenticate(db, data["reviewer_email"], data["reviewer_password"])
        assert account is not None and account.role == "reviewer"
        assert accounts.assigned_interviews(db, account.id) == [interview.id]


def test_demo_again_reuses_the_interview_with_a_new_link_and_password(cli) -> None:
    first = json.loads(cli("demo", "--json").out)
    second = json.loads(cli("demo", "--json").out)
    assert second["interview_id"] == first["interview_id"]
    assert second["token"] != first["token"]
    settings = load_settings(environ={})
    with Database.open(settings.database_path) as db:
        assert len(invitations.listing(db, first["interview_id"])) == 2
        assert accounts.authenticate(db, first["reviewer_email"], first["reviewer_password"]) is None
        assert accounts.authenticate(db, second["reviewer_email"], second["reviewer_password"]) is not None
        invitations.by_token(db, first["token"])  # the earlier link still works


def test_demo_text_output_shows_link_and_login(cli) -> None:
    result = cli("demo")
    assert result.code == 0
    assert "Candidate link:  http://127.0.0.1:8080/i/" in result.out
    assert "reviewer@example.com" in result.out
    assert "Reviewer sign-in: http://127.0.0.1:8080/login" in result.out


def test_demo_honours_the_public_url(tmp_path, cli) -> None:
    (tmp_path / "boxinterview.yaml").write_text("server:\n  public_url: https://jobs.example.com/\n")
    data = json.loads(cli("demo", "--json").out)
    assert data["candidate_url"].startswith("https://jobs.example.com/i/")


def test_demo_with_made_up_candidates_fills_the_insight_measures(cli, settings) -> None:
    result = cli("demo", "--json", "--candidates", "300")
    assert result.code == 0, result.err
    interview_id = json.loads(result.out)["interview_id"]
    from boxinterview.domain import insight
    from boxinterview.store import Database

    db = Database.open(settings.database_path)
    try:
        found = insight.for_interview(db, None, interview_id, *insight.period(None))
    finally:
        db.close()
    counts = [s.count for s in found.funnel]
    assert counts[0] == 301 and counts == sorted(
        counts, reverse=True
    )  # each step no more than the one before
    assert found.overall_agreement.value is not None and 0 < found.overall_agreement.value < 1
    assert {r.name for r in found.reviewers} >= {"Demo Reviewer", "Ana Reviewer", "Ben Reviewer"}
    assert found.experience.ratings > 0 and found.technical.checks_failed > 0

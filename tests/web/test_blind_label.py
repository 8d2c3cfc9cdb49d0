"""One name for a candidate in blind review, "Candidate <number>", wherever reviewers and the operator meet them:
the review queue and page, results, the CSV export, a share link, the team's digest and the console dashboard."""

from __future__ import annotations

from boxinterview import clock
from boxinterview.domain import (
    accounts,
    answers,
    interview_io,
    interviews,
    invitations,
    results,
    reviews,
    shares,
    uploads,
)
from boxinterview.domain.models import InterviewStatus, Role, candidate_label
from boxinterview.mail import schedule
from boxinterview.ops import dashboard
from tests.support.flows import meta_header, record_take

INTERVIEW = """\
title: Blind one
role: Tester
blind_review: true
competencies:
  - name: Clarity
    anchors: {1: Unclear, 2: Patchy, 3: Clear, 4: Crisp, 5: Very clear}
questions:
  - {prompt: Tell us, kind: video, answer_seconds: 60, takes: 2, competencies: [Clarity]}
"""


def test_every_face_calls_a_blind_candidate_by_the_same_number(db, settings) -> None:
    iv_id = interviews.create(db, interview_io.from_yaml(INTERVIEW), "test")
    interviews.set_status(db, iv_id, InterviewStatus.OPEN, "test")
    question = interviews.get(db, iv_id).questions[0]
    invitations.invite(db, iv_id, "First Person", "first@example.com", "test")
    inv, token = invitations.invite(db, iv_id, "Secret Person", "secret@example.com", "test")
    invitations.record_consent(db, inv.id, "1")
    record_take(db, settings, token, question.id, 1, b"take one")
    meta = {"token": token, "question": str(question.id), "take": "2", "filetype": "video/webm"}
    policy = uploads.Policy.from_settings(settings)
    uploads.create(
        db, settings.data_dir, policy, length=1000, metadata_header=meta_header(meta)
    )  # still arriving
    label = candidate_label("Secret Person", inv.number, blind=True)
    assert label == "Candidate 2"
    assert [u.candidate for u in dashboard.dashboard(db, settings).uploads] == [label]  # the console
    answers.submit_take(db, inv.id, question.id, 1)
    answers.complete(db, inv.id)
    # Finished without it: the take never submitted is no longer shown as arriving, though its upload is open.
    assert dashboard.dashboard(db, settings).uploads == []

    reviewer, _ = accounts.create(db, "r@example.com", Role.REVIEWER, "test")
    accounts.assign(db, "r@example.com", iv_id, "test")
    schedule.queue_due(db, settings, clock.now().replace(hour=23, minute=59))  # the team's daily digest
    [(digest,)] = db.read(
        lambda con: list(con.execute("SELECT body FROM outbox WHERE recipient = 'r@example.com'"))
    )
    assert label in digest and "Secret" not in digest
    assert [q.candidate_label for q in reviews.queue(db, reviewer)] == [label]
    assert reviews.candidate(db, reviewer, inv.id).label == label
    competency = interviews.get(db, iv_id).competencies[0]
    reviews.save(db, reviewer, inv.id, question.id, {competency.id: 4}, "", True, clock.now())

    assert [r.label for r in results.results(db, reviewer, iv_id)[1]] == [label]
    export = results.export_csv(db, reviewer, iv_id)
    assert f"1,{label},4.0" in export and "Secret" not in export
    assert label in [r.label for r in results.pipeline(db, reviewer, iv_id)[1]]

    admin, _ = accounts.create(db, "a@example.com", Role.ADMIN, "test")
    _, share = shares.create(db, admin, [inv.id], [question.id], 7)
    assert [c.label for c in shares.open_view(db, share, "127.0.0.1").candidates] == [label]

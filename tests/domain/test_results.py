"""Result statistics against values worked out by hand, through the reviews reviewers submit: each reviewer's
score for a competency is their mean over the questions assessing it; across reviewers the mean, median and
spread of those."""

from __future__ import annotations

import pytest

from boxinterview import clock
from boxinterview.domain import accounts, answers, interview_io, interviews, invitations, results, reviews
from boxinterview.domain.models import InterviewStatus, InvitationStatus, Role

INTERVIEW = """\
title: By hand
role: Tester
competencies:
  - name: Clarity
    anchors: {1: Unclear, 2: Patchy, 3: Clear, 4: Crisp, 5: Very clear}
  - name: Ownership
    anchors: {1: None, 2: Little, 3: Some, 4: Much, 5: Full}
questions:
  - {prompt: First, kind: text, answer_seconds: 60, competencies: [Clarity, Ownership]}
  - {prompt: Second, kind: text, answer_seconds: 60, competencies: [Clarity]}
"""


@pytest.fixture
def scored(db):
    """Give `scored(reviews)` {reviewer: {question number: {competency name: score}}}; get the candidate's
    results (Clarity, Ownership)."""
    iv_id = interviews.create(db, interview_io.from_yaml(INTERVIEW), "test")
    interviews.set_status(db, iv_id, InterviewStatus.OPEN, "test")
    iv = interviews.get(db, iv_id)
    ids = {c.name: c.id for c in iv.competencies}
    admin, _ = accounts.create(db, "admin@example.com", Role.ADMIN, "test")

    def score(given: dict[str, dict[int, dict[str, int]]]):
        n = len(invitations.listing(db, iv_id)) + 1
        inv, _ = invitations.invite(db, iv_id, f"Candidate {n}", f"c{n}@example.com", "test")
        invitations.move(db, inv.id, InvitationStatus.OPENED, "candidate")
        invitations.record_consent(db, inv.id, "1")
        for q in iv.questions:
            answers.submit_text(db, inv.id, q.id, "words")
        answers.complete(db, inv.id)
        for who, by_question in given.items():
            email = f"{who}.{n}@example.com"
            reviewer, _ = accounts.create(db, email, Role.REVIEWER, "test")
            accounts.assign(db, email, iv_id, "test")
            for number, marks in by_question.items():
                question = iv.questions[number - 1].id
                scores = {ids[name]: value for name, value in marks.items()}
                reviews.save(db, reviewer, inv.id, question, scores, "", True, clock.now())
        [row] = [r for r in results.results(db, admin, iv_id)[1] if r.invitation_id == inv.id]
        return row.competencies

    return score


def test_mean_median_spread_and_disagreement_by_hand(scored) -> None:
    clarity, ownership = scored(
        {
            "a": {1: {"Clarity": 2, "Ownership": 3}, 2: {"Clarity": 4}},  # Clarity over two questions: mean 3
            "b": {1: {"Clarity": 5, "Ownership": 3}},
            "c": {1: {"Clarity": 4, "Ownership": 3}},
        }
    )
    # Clarity per reviewer: 3, 5, 4 -> mean 4, median 4, spread 2 (a disagreement)
    assert (clarity.reviewers, clarity.mean, clarity.median, clarity.spread) == (3, 4.0, 4.0, 2.0)
    assert clarity.disagreement
    # Ownership: 3, 3 and 3 -> no variance at all
    assert (ownership.reviewers, ownership.mean, ownership.median, ownership.spread) == (3, 3.0, 3.0, 0.0)
    assert not ownership.disagreement


def test_one_reviewer_and_missing_ratings(scored) -> None:
    clarity, ownership = scored({"a": {2: {"Clarity": 5}}})
    assert (clarity.reviewers, clarity.mean, clarity.spread) == (1, 5.0, 0.0)
    assert (ownership.reviewers, ownership.mean, ownership.median, ownership.spread) == (0, None, None, None)


def test_even_number_of_reviewers_takes_the_middle_of_two(scored) -> None:
    clarity, _ = scored({who: {2: {"Clarity": s}} for who, s in (("a", 1), ("b", 2), ("c", 4), ("d", 5))})
    assert (clarity.mean, clarity.median, clarity.spread) == (3.0, 3.0, 4.0)

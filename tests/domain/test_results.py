"""Result statistics against values worked out by hand."""

from __future__ import annotations

from boxinterview.domain.results import aggregate

COMPETENCIES = {10: "Clarity", 20: "Ownership"}


def test_mean_median_spread_and_disagreement_by_hand() -> None:
    # invitation 1: reviewers 100, 101, 102. Reviewer 100 scored Clarity on two questions (2 and 4: mean 3).
    scores = [
        (1, 100, 1, 10, 2),
        (1, 100, 2, 10, 4),
        (1, 101, 1, 10, 5),
        (1, 102, 1, 10, 4),
        (1, 100, 1, 20, 3),
        (1, 101, 1, 20, 3),
    ]
    clarity, ownership = aggregate(scores, COMPETENCIES)[1]
    # Clarity per reviewer: 3, 5, 4 -> mean 4, median 4, spread 2 (a disagreement)
    assert (clarity.reviewers, clarity.mean, clarity.median, clarity.spread) == (3, 4.0, 4.0, 2.0)
    assert clarity.disagreement
    # Ownership: 3 and 3 -> no variance at all
    assert (ownership.reviewers, ownership.mean, ownership.median, ownership.spread) == (2, 3.0, 3.0, 0.0)
    assert not ownership.disagreement


def test_one_reviewer_and_missing_ratings() -> None:
    [clarity, ownership] = aggregate([(7, 100, 1, 10, 5)], COMPETENCIES)[7]
    assert (clarity.reviewers, clarity.mean, clarity.spread) == (1, 5.0, 0.0)
    assert (ownership.reviewers, ownership.mean, ownership.median, ownership.spread) == (0, None, None, None)
    assert aggregate([], COMPETENCIES) == {}


def test_even_number_of_reviewers_takes_the_middle_of_two() -> None:
    scores = [(1, r, 1, 10, s) for r, s in ((1, 1), (2, 2), (3, 4), (4, 5))]
    [clarity, _] = aggregate(scores, COMPETENCIES)[1]
    assert (clarity.mean, clarity.median, clarity.spread) == (3.0, 3.0, 4.0)

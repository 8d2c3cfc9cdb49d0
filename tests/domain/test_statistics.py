"""Each statistic of the insight pages against values worked out by hand, and the edge cases that must say so
instead of showing a number."""

from __future__ import annotations

import math

from boxinterview.domain.statistics import krippendorff_alpha, leniency, median, point_biserial, spread


def test_krippendorffs_alpha_matches_the_hand_computed_value() -> None:
    # Observed disagreement 6/10; expected 338/90 (n·Σv² − (Σv)² = 1130 − 961 = 169, doubled): α = 284/338
    alpha = krippendorff_alpha([[1, 2], [3, 3], [4, 5], [2, 2], [5, 4]])
    assert math.isclose(alpha.value, 284 / 338) and alpha.n == 10


def test_alpha_leaves_out_items_with_one_rating_and_handles_three_raters() -> None:
    with_single = krippendorff_alpha([[1, 2], [3, 3], [4, 5], [2, 2], [5, 4], [1]])
    assert math.isclose(with_single.value, 284 / 338) and with_single.n == 10
    perfect = krippendorff_alpha([[1, 1, 1], [2, 2, 2], [3, 3], [4, 4, 4], [5, 5]])
    assert perfect.value == 1.0


def test_alpha_says_why_when_it_cannot_be_measured() -> None:
    few = krippendorff_alpha([[1, 2], [3, 3]])
    assert few.value is None and "too little data: 2 items" in few.note
    same = krippendorff_alpha([[3, 3]] * 6)
    assert same.value is None and "every score is the same" in same.note
    one_reviewer = krippendorff_alpha([[4]] * 10)
    assert one_reviewer.value is None and "0 items rated by two or more" in one_reviewer.note


def test_leniency_is_the_mean_distance_from_the_others() -> None:
    ratings = [
        ("u1", "A", 3),
        ("u1", "B", 2),
        ("u2", "A", 4),
        ("u2", "B", 4),
        ("u3", "A", 5),
        ("u3", "B", 3),
        ("u4", "C", 5),
    ]
    found = leniency(ratings)
    assert found["A"].value == 1.0 and found["B"].value == -1.0 and found["A"].n == 3
    assert found["C"].value is None and "0 items shared" in found["C"].note


def test_point_biserial_correlation_with_decisions() -> None:
    r = point_biserial([1, 2, 3, 4, 5], [False, False, False, True, True])
    assert math.isclose(r.value, 3 / math.sqrt(12))
    assert point_biserial([1, 2, 3], [False, True, True]).value is None
    same = point_biserial([1, 2, 3, 4, 5], [True] * 5)
    assert same.value is None and "every decision was the same" in same.note
    flat = point_biserial([3, 3, 3, 3, 3], [True, False, True, False, True])
    assert flat.value is None and "every score is the same" in flat.note


def test_spread_and_median() -> None:
    assert math.isclose(spread([1, 2, 3]).value, math.sqrt(2 / 3))
    assert spread([3, 3, 3]).value == 0.0  # no variance: a question that tells candidates apart by nothing
    assert spread([4, 5]).value is None
    assert median([]) is None and median([3, 1, 2]) == 2

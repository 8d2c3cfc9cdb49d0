"""The statistics behind the insight pages, each with the number of values it rests on and, where there are too
few values to mean anything, a plain note instead of a number."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

MIN_UNITS_FOR_AGREEMENT = 5  # items rated by two or more reviewers
MIN_SHARED_FOR_LENIENCY = 3  # items a reviewer shares with others
MIN_SCORES_FOR_SPREAD = 3
MIN_DECISIONS_FOR_CORRELATION = 5


@dataclass(frozen=True)
class Figure:
    value: float | None
    n: int  # how many values it rests on
    note: str = ""  # why there is no value, or how to read it

    def __str__(self) -> str:
        return self.note if self.value is None else f"{self.value:.2f}"


def too_little(n: int, need: int, what: str) -> Figure:
    return Figure(None, n, f"too little data: {n} {what}, {need} needed")


def median(values: Iterable[float]) -> float | None:
    found = list(values)
    return statistics.median(found) if found else None


def spread(values: list[float]) -> Figure:
    """Population standard deviation: how far scores sit from their mean."""
    return spread_of_sums(len(values), sum(values), sum(v * v for v in values))


def spread_of_sums(n: int, total: float, squares: float) -> Figure:
    """The same from a count, a sum and a sum of squares (what the store can add up)."""
    if n < MIN_SCORES_FOR_SPREAD:
        return too_little(n, MIN_SCORES_FOR_SPREAD, "scores")
    mean = total / n
    return Figure(math.sqrt(max(0.0, squares / n - mean * mean)), n)


def krippendorff_alpha(units: Iterable[list[float]]) -> Figure:
    """Krippendorff's alpha for interval data: 1 − observed / expected disagreement. Units with fewer than two
    ratings are not pairable and are left out; `n` is the number of pairable ratings."""
    return alpha_of_units([(len(u), sum(u), sum(v * v for v in u)) for u in units])


def alpha_of_units(units: Iterable[tuple[int, float, float]]) -> Figure:
    """The same from each unit's (number of ratings, sum, sum of squares). Over ordered pairs i≠j, Σ(a − b)² is
    2·(m·Σv² − (Σv)²), so the whole computation is linear in the ratings."""
    pairable = [u for u in units if u[0] >= 2]
    return alpha_of_sums(
        AlphaSums(
            len(pairable),
            sum(m for m, _, _ in pairable),
            sum(2 * (m * ss - s * s) / (m - 1) for m, s, ss in pairable),
            sum(s for _, s, _ in pairable),
            sum(ss for _, _, ss in pairable),
        )
    )


@dataclass(frozen=True)
class AlphaSums:
    """What alpha needs, added up over the items rated two or more times (so sums of groups add up too)."""

    items: int
    n: int  # ratings
    disagreement: float  # Σ over items of 2·(m·Σv² − (Σv)²)/(m − 1)
    total: float  # Σv
    squares: float  # Σv²

    def __add__(self, other: AlphaSums) -> AlphaSums:
        return AlphaSums(
            self.items + other.items,
            self.n + other.n,
            self.disagreement + other.disagreement,
            self.total + other.total,
            self.squares + other.squares,
        )


def alpha_of_sums(a: AlphaSums) -> Figure:
    n = a.n
    if a.items < MIN_UNITS_FOR_AGREEMENT:
        return Figure(
            None,
            n,
            f"too little data: {a.items} items rated by two or more reviewers, "
            f"{MIN_UNITS_FOR_AGREEMENT} needed",
        )
    observed = a.disagreement / n
    expected = 2 * (n * a.squares - a.total * a.total) / (n * (n - 1))
    if expected <= 1e-12:
        return Figure(None, n, "every score is the same: agreement cannot be measured")
    return Figure(1 - observed / expected, n)


def leniency(ratings: Iterable[tuple[Hashable, Hashable, float]]) -> dict[Hashable, Figure]:
    """For each rater, the mean of (their score − the mean of the other raters' scores) over the items they share:
    above 0 scores more kindly than the panel, below 0 more strictly."""
    by_unit: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for unit, rater, value in ratings:
        by_unit[unit][rater] = value
    differences: dict[Hashable, list[float]] = defaultdict(list)
    raters: set[Hashable] = set()
    for scores in by_unit.values():
        raters.update(scores)
        if len(scores) < 2:
            continue
        for rater, value in scores.items():
            others = [v for r, v in scores.items() if r != rater]
            differences[rater].append(value - sum(others) / len(others))
    return {r: leniency_of_sums(len(differences.get(r, [])), sum(differences.get(r, []))) for r in raters}


def leniency_of_sums(shared: int, total_difference: float) -> Figure:
    if shared < MIN_SHARED_FOR_LENIENCY:
        return too_little(shared, MIN_SHARED_FOR_LENIENCY, "items shared with other reviewers")
    return Figure(total_difference / shared, shared)


def point_biserial(scores: list[float], advanced: list[bool]) -> Figure:
    """Correlation between a score and a yes/no outcome (Pearson's r with the outcome as 0 or 1)."""
    n = len(scores)
    if n < MIN_DECISIONS_FOR_CORRELATION:
        return too_little(n, MIN_DECISIONS_FOR_CORRELATION, "decided candidates")
    ys = [1.0 if a else 0.0 for a in advanced]
    return point_biserial_of_sums(
        n,
        sum(scores),
        sum(x * x for x in scores),
        sum(ys),
        sum(x * y for x, y in zip(scores, ys, strict=True)),
    )


def point_biserial_of_sums(n: int, sx: float, sxx: float, sy: float, sxy: float) -> Figure:
    """The same from n, Σx, Σx², Σy (how many advanced) and Σxy."""
    if n < MIN_DECISIONS_FOR_CORRELATION:
        return too_little(n, MIN_DECISIONS_FOR_CORRELATION, "decided candidates")
    if sy == 0 or sy == n:
        return Figure(None, n, "every decision was the same: no correlation to measure")
    cov = sxy - sx * sy / n
    var_x = sxx - sx * sx / n
    var_y = sy - sy * sy / n
    if var_x <= 1e-12:
        return Figure(None, n, "every score is the same: no correlation to measure")
    return Figure(cov / math.sqrt(var_x * var_y), n)

"""Scores summarised across reviewers: each reviewer's score for a competency is their mean over the questions
assessing it; across reviewers, the mean, median and spread. Kept in the store as reviews are submitted, so
results pages read them instead of recomputing thousands of candidates."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

import apsw

from boxinterview.domain.models import stored_id
from boxinterview.store import insight as insight_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import reviews as sql

DISAGREEMENT = 2  # reviewers this far apart on a competency should talk before deciding


@dataclass(frozen=True)
class CompetencyResult:
    competency_id: int
    name: str
    reviewers: int
    mean: float | None
    median: float | None
    spread: float | None  # highest reviewer's score minus lowest

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT


def summarise(competency_id: int, name: str, values: list[float]) -> CompetencyResult:
    """Mean, median and spread of the reviewers' scores for one competency of one candidate."""
    if not values:
        return CompetencyResult(competency_id, name, 0, None, None, None)
    return CompetencyResult(
        competency_id,
        name,
        len(values),
        round(statistics.fmean(values), 2),
        round(statistics.median(values), 2),
        round(max(values) - min(values), 2),
    )


def aggregate(
    scores: list[tuple[int, int, int, int, int]], competencies: dict[int, str]
) -> dict[int, list[CompetencyResult]]:
    """Per invitation: each reviewer's score for a competency is their mean over the questions assessing it;
    across reviewers, the mean, median and spread of those."""
    per_reviewer: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for invitation_id, reviewer_id, _question, competency_id, score in scores:
        per_reviewer[(invitation_id, competency_id, reviewer_id)].append(score)
    across: dict[tuple[int, int], list[float]] = defaultdict(list)
    for (invitation_id, competency_id, _reviewer), values in per_reviewer.items():
        across[(invitation_id, competency_id)].append(statistics.fmean(values))
    out: dict[int, list[CompetencyResult]] = defaultdict(list)
    invitations = {i for i, _ in across}
    for invitation_id in invitations:
        for competency_id, name in competencies.items():
            out[invitation_id].append(
                summarise(competency_id, name, across.get((invitation_id, competency_id), []))
            )
    return out


def refresh(con: apsw.Connection, invitation_id: int, interview_id: int) -> None:
    """Recompute and store one candidate's results (inside the transaction that changed their reviews)."""
    interview = interviews_sql.get(con, interview_id)
    assert interview is not None
    means = sql.reviewer_means(con, invitation_id)
    comps = [summarise(stored_id(c), c.name, means.get(stored_id(c), [])) for c in interview.competencies]
    scored = [c.mean for c in comps if c.mean is not None]
    overall = round(statistics.fmean(scored), 2) if scored else None
    sql.store_results(
        con,
        invitation_id,
        interview_id,
        [(c.competency_id, c.reviewers, c.mean, c.median, c.spread) for c in comps],
        overall,
        any(c.disagreement for c in comps),
    )
    insight_sql.refresh_items(con, [invitation_id])

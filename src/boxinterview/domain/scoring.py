"""Scores summarised across reviewers: each reviewer's score for a competency is their mean over the questions
assessing it; across reviewers, the mean, median and spread. Kept in the store as reviews are submitted, so
results pages read them instead of recomputing thousands of candidates."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import apsw

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


def refresh(con: apsw.Connection, invitation_id: int, interview_id: int) -> None:
    """Recompute and store one candidate's results (inside the transaction that changed their reviews)."""
    means = sql.reviewer_means(con, invitation_id)
    comps = [
        summarise(cid, name, means.get(cid, []))
        for cid, name in interviews_sql.competency_names(con, interview_id)
    ]
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

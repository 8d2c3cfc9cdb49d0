"""Results across reviewers: per candidate and competency the mean, median and spread of the reviewers'
scores, a disagreement flag, a ranking; and the interview's pipeline of candidates."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from boxinterview import clock
from boxinterview.domain import reviews
from boxinterview.domain.models import Account, Interview, Role
from boxinterview.errors import NotFound
from boxinterview.store import Database
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


@dataclass(frozen=True)
class CandidateResult:
    invitation_id: int
    label: str
    competencies: tuple[CompetencyResult, ...]
    overall: float | None
    rank: int | None
    outcome: str | None

    @property
    def disagreement(self) -> bool:
        return any(c.disagreement for c in self.competencies)


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
            values = across.get((invitation_id, competency_id), [])
            out[invitation_id].append(
                CompetencyResult(
                    competency_id, name, len(values),
                    round(statistics.fmean(values), 2) if values else None,
                    round(statistics.median(values), 2) if values else None,
                    round(max(values) - min(values), 2) if values else None,
                )
            )  # fmt: skip
    return out


def results(db: Database, account: Account, interview_id: int) -> tuple[Interview, list[CandidateResult]]:
    """Ranked results. A reviewer sees only candidates whose answers they have reviewed themselves (so nobody
    is swayed before scoring); an admin sees all."""

    def read(con):  # type: ignore[no-untyped-def]
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        return interview, sql.submitted_scores(con, interview_id), sql.pipeline(con, interview_id)

    interview, scores, people = db.read(read)
    competencies = {c.id: c.name for c in interview.competencies}  # type: ignore[misc]
    mine = {inv for inv, reviewer, *_ in scores if reviewer == account.id}
    table = aggregate(scores, competencies)
    rows = []
    for p in people:
        if p["invitation_id"] not in table:
            continue
        if account.role is not Role.ADMIN and p["invitation_id"] not in mine:
            continue
        comps = tuple(table[p["invitation_id"]])
        means = [c.mean for c in comps if c.mean is not None]
        label = f"Candidate {p['number']}" if interview.blind_review else p["name"]
        rows.append(CandidateResult(p["invitation_id"], label, comps,
                                    round(statistics.fmean(means), 2) if means else None, None, p["outcome"]))  # fmt: skip
    rows.sort(key=lambda r: (-(r.overall or 0), r.label))
    ranked = [CandidateResult(r.invitation_id, r.label, r.competencies, r.overall, i, r.outcome)
              for i, r in enumerate(rows, start=1)]  # fmt: skip
    return interview, ranked


STAGES = ("invited", "opened", "started", "completed", "in review", "advanced", "rejected", "on hold", "withdrawn",
          "expired")  # fmt: skip


@dataclass(frozen=True)
class PipelineRow:
    invitation_id: int
    label: str
    stage: str
    invited_at: datetime
    completed_at: datetime | None
    reviewers: int


def pipeline(db: Database, account: Account, interview_id: int) -> tuple[Interview, list[PipelineRow]]:
    def read(con):  # type: ignore[no-untyped-def]
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        return interview, sql.pipeline(con, interview_id)

    interview, people = db.read(read)
    out = []
    for p in people:
        stage = p["status"]
        if p["outcome"]:
            stage = {"advance": "advanced", "reject": "rejected", "hold": "on hold"}[p["outcome"]]
        elif stage == "completed" and p["reviewers"]:
            stage = "in review"
        label = f"Candidate {p['number']}" if interview.blind_review else p["name"]
        out.append(PipelineRow(p["invitation_id"], label, stage, clock.from_db(p["created_at"]),  # type: ignore[arg-type]
                               clock.from_db(p["completed_at"]), p["reviewers"]))  # fmt: skip
    return interview, out

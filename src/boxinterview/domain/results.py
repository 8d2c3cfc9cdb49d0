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


def results(db: Database, account: Account, interview_id: int) -> tuple[Interview, list[CandidateResult]]:
    """Ranked results. A reviewer sees only candidates whose answers they have reviewed themselves (so nobody
    is swayed before scoring); an admin sees all."""

    def read(con):  # type: ignore[no-untyped-def]
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        mine = None if account.role is Role.ADMIN else sql.reviewed_by(con, interview_id, account.id)
        return interview, sql.competency_summary(con, interview_id), sql.labels(con, interview_id), mine

    interview, summary, labels, mine = db.read(read)
    competencies = {c.id: c.name for c in interview.competencies}  # type: ignore[misc]
    per_candidate: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for invitation_id, competency_id, joined in summary:
        if mine is None or invitation_id in mine:
            per_candidate[invitation_id][competency_id] = [float(v) for v in joined.split(",")]
    rows = []
    for invitation_id, by_competency in per_candidate.items():
        comps = tuple(summarise(cid, name, by_competency.get(cid, [])) for cid, name in competencies.items())
        means = [c.mean for c in comps if c.mean is not None]
        number, name, outcome = labels[invitation_id]
        label = f"Candidate {number}" if interview.blind_review else name
        rows.append(CandidateResult(invitation_id, label, comps,
                                    round(statistics.fmean(means), 2) if means else None, None, outcome))  # fmt: skip
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


PAGE = 100


def pipeline(
    db: Database, account: Account, interview_id: int, stage: str = "", sort: str = "number", page: int = 1
) -> tuple[Interview, list[PipelineRow], dict[str, int]]:
    """One page of the interview's candidates with their stage, and how many are at each stage."""

    def read(con):  # type: ignore[no-untyped-def]
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        rows = sql.pipeline_page(con, interview_id, stage, sort, PAGE, (max(1, page) - 1) * PAGE)
        return interview, rows, sql.stage_counts(con, interview_id)

    interview, people, counts = db.read(read)
    out = []
    for p in people:
        label = f"Candidate {p['number']}" if interview.blind_review else p["name"]
        out.append(PipelineRow(p["invitation_id"], label, p["stage"], clock.from_db(p["created_at"]),  # type: ignore[arg-type]
                               clock.from_db(p["completed_at"]), p["reviewers"]))  # fmt: skip
    return interview, out, {s: counts.get(s, 0) for s in STAGES}

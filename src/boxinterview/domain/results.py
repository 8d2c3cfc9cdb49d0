"""Results across reviewers: per candidate and competency the mean, median and spread of the reviewers'
scores, a disagreement flag, a ranking; and the interview's pipeline of candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import csv_write, reviews
from boxinterview.domain.scoring import CompetencyResult, refresh

__all__ = ["CandidateResult", "CompetencyResult", "pipeline", "results"]
from boxinterview.domain.models import Account, Interview, Role, candidate_label, stored_id
from boxinterview.errors import NotFound
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import reviews as sql


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


RESULTS_PAGE = 100


def results(
    db: Database, account: Account, interview_id: int, page: int = 1, limit: int = RESULTS_PAGE
) -> tuple[Interview, list[CandidateResult], bool]:
    """Ranked results, a page at a time, and whether there is a next page. A reviewer sees only candidates whose
    answers they have reviewed themselves (so nobody is swayed before scoring); an admin sees all."""

    def read(con: apsw.Connection) -> tuple[Interview, list[dict[str, Any]], int]:
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        reviewer = None if account.role is Role.ADMIN else account.id
        offset = (max(1, page) - 1) * limit
        return interview, sql.ranking(con, interview_id, reviewer, limit + 1, offset), offset

    missing = db.read(sql.unsummarised, interview_id)
    if missing:  # reviews submitted before results were stored: summarise them once

        def summarise_missing(con: apsw.Connection) -> None:
            for invitation_id in missing:
                refresh(con, invitation_id, interview_id)

        db.write(summarise_missing)
    interview, found, offset = db.read(read)
    more = len(found) > limit
    found = found[:limit]
    rows = []
    for rank, r in enumerate(found, start=offset + 1):
        comps = tuple(
            CompetencyResult(
                stored_id(c), c.name, *r["competencies"].get(stored_id(c), (0, None, None, None))
            )
            for c in interview.competencies
        )
        label = candidate_label(r["name"], r["number"], interview.blind_review)
        rows.append(CandidateResult(r["invitation_id"], label, comps, r["overall"], rank, r["outcome"]))
    return interview, rows, more


STAGES = (
    "invited",
    "opened",
    "started",
    "completed",
    "in review",
    "advanced",
    "rejected",
    "on hold",
    "withdrawn",
    "expired",
)


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

    def read(con: apsw.Connection) -> tuple[Interview, list[dict[str, Any]], dict[str, int]]:
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        rows = sql.pipeline_page(con, interview_id, stage, sort, PAGE, (max(1, page) - 1) * PAGE)
        return interview, rows, sql.stage_counts(con, interview_id)

    interview, people, counts = db.read(read)
    out = []
    for p in people:
        label = candidate_label(p["name"], p["number"], interview.blind_review)
        out.append(
            PipelineRow(
                p["invitation_id"],
                label,
                p["stage"],
                clock.from_db(p["created_at"]),
                clock.from_db(p["completed_at"]),
                p["reviewers"],
            )
        )
    return interview, out, {s: counts.get(s, 0) for s in STAGES}


def export_csv(db: Database, account: Account, interview_id: int) -> str:
    """Scores and decisions of every candidate this account may see, ranked, as CSV; the export is audited."""
    interview, rows, _ = results(db, account, interview_id, 1, 1_000_000)
    names = [c.name for c in interview.competencies]
    header = [
        "rank",
        "candidate",
        "overall",
        *(f"{n} mean" for n in names),
        *(f"{n} spread" for n in names),
        "disagreement",
        "decision",
    ]
    table = []
    for r in rows:
        by_name = {c.name: c for c in r.competencies}
        table.append(
            [
                r.rank,
                r.label,
                r.overall,
                *(by_name[n].mean for n in names),
                *(by_name[n].spread for n in names),
                "yes" if r.disagreement else "",
                r.outcome or "",
            ]
        )
    text = csv_write.write(header, table)
    db.write(
        audit_sql.record,
        actor=f"reviewer:{account.id}",
        action="results.export",
        subject_type="interview",
        subject_id=interview_id,
        now=clock.now(),
    )
    return text

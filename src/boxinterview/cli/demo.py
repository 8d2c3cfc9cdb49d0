"""A demo to look at: an open interview, one reviewer, one fresh invitation each run."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from boxinterview.config.settings import Settings
from boxinterview.domain import accounts, interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.errors import NotFound
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database

REVIEWER_EMAIL = "reviewer@example.com"
ACTOR = "demo"


@dataclass(frozen=True)
class DemoResult:
    base_url: str
    interview_id: int
    candidate_url: str
    token: str
    questions: list[dict[str, Any]]
    reviewer_email: str
    reviewer_password: str

    def as_json(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "interview_id": self.interview_id,
            "candidate_url": self.candidate_url,
            "token": self.token,
            "questions": self.questions,
            "reviewer_email": self.reviewer_email,
            "reviewer_password": self.reviewer_password,
        }


def demo_interview_yaml() -> str:
    return (
        resources.files("boxinterview").joinpath("defaults/demo-interview.yaml").read_text(encoding="utf-8")
    )


def run(db: Database, settings: Settings) -> DemoResult:
    """Reuse the demo interview if it is there (so repeated runs do not pile up copies), else create it."""
    template = interview_io.from_yaml(demo_interview_yaml(), "demo-interview.yaml")
    existing = [
        s
        for s in interviews.summaries(db)
        if s.title == template.title and s.role == template.role and s.status is InterviewStatus.OPEN
    ]
    if existing:
        interview_id = existing[-1].id
    else:
        interview_id = interviews.create(db, template, ACTOR)
        interviews.set_status(db, interview_id, InterviewStatus.OPEN, ACTOR)
    interview = interviews.get(db, interview_id)

    try:
        password = accounts.reset_password(db, REVIEWER_EMAIL, ACTOR)
    except NotFound:
        _, password = accounts.create(db, REVIEWER_EMAIL, Role.REVIEWER, ACTOR, name="Demo Reviewer")
    accounts.assign(db, REVIEWER_EMAIL, interview_id, ACTOR)

    number = len(invitations.listing(db, interview_id)) + 1
    invitation, token = invitations.invite(
        db,
        interview_id,
        f"Demo Candidate {number}",
        f"candidate{number}@example.com",
        ACTOR,
        letterhead=Letterhead.from_settings(settings),
    )
    # The demo candidate is fictional; their consent is recorded up front so that scripts can upload answers
    # to the demo link straight away. A real candidate consents on their invitation page before anything else.
    invitations.record_consent(db, invitation.id, settings.organisation.privacy_notice_version)
    base = settings.base_url
    return DemoResult(
        base_url=base,
        interview_id=interview_id,
        candidate_url=f"{base}/i/{token}",
        token=token,
        questions=[
            {"id": q.id, "kind": q.kind.value, "answer_seconds": q.answer_seconds, "takes": q.takes}
            for q in interview.questions
        ],
        reviewer_email=REVIEWER_EMAIL,
        reviewer_password=password,
    )

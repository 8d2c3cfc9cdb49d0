"""A decision on a candidate (advance, reject, hold) and the feedback it queues: one outcome message per
candidate, replaced while unsent when the decision changes, and sent again only as an explicit correction.
"""

from __future__ import annotations

from datetime import datetime

import apsw

from boxinterview import clock, i18n
from boxinterview.domain import plaintext, reviews, webhooks
from boxinterview.domain.models import Account, Decision, InvitationStatus, Outcome
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.mail import compose, letters
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import outbox as outbox_sql
from boxinterview.store import reviews as sql

MAX_FEEDBACK = 5000


def render_feedback(
    view: reviews.CandidateReview, outcome: Outcome, personal: str, organisation: str
) -> tuple[str, str]:
    """The message the candidate will get: the outcome's wording (the interview's own, or the standard one) with
    the reviewer's own words. In blind mode the name stays a `{name}` placeholder until the message is queued."""
    kind = f"outcome.{outcome.value}"
    name = view.candidate.name if view.candidate else "{name}"
    iv = view.interview
    return _feedback(kind, iv.wording(kind), name, iv.role, personal, organisation, iv.language)


def _feedback(
    kind: str,
    own: tuple[str, str] | None,
    name: str,
    role: str,
    personal: str,
    organisation: str,
    language: str,
) -> tuple[str, str]:
    """The outcome's message in the interview's `language`; the reviewer's own words stay as they wrote them."""
    letter = compose.render(
        kind,
        own,
        language=language,
        name=name,
        role=role,
        organisation=organisation,
        feedback=plaintext.lines(personal),
    )
    return letter.subject, letter.text


def decide(
    db: Database,
    account: Account | None,
    invitation_id: int,
    outcome: Outcome,
    personal: str,
    letterhead: letters.Letterhead,
    now: datetime | None = None,
    *,
    change: bool = False,
    correction: bool = False,
    integration: str = "",
) -> Decision:
    """Record the decision and queue the feedback message to the candidate, in one transaction.

    A candidate gets one outcome message. Deciding again needs `change` (the reviewer confirmed it): a message
    not yet sent is replaced by the new one; once one was sent, the candidate is written to again only with
    `correction` (the reviewer chose to send a correction). Without an `account`, an `integration` (the API
    token's name) decides on any candidate who completed the interview, as the hiring team recorded it there."""
    now = now or clock.now()
    if len(personal) > MAX_FEEDBACK:
        raise Invalid(f"feedback is limited to {MAX_FEEDBACK} characters")

    def tx(con: apsw.Connection) -> Decision:
        target = (
            reviews.reviewable(con, account, invitation_id) if account else _completed(con, invitation_id)
        )
        previous = sql.latest_decision(con, invitation_id)
        if (
            previous is not None
            and previous.outcome is outcome
            and previous.feedback == plaintext.lines(personal)
        ):
            return previous  # the decision as it stands: nothing changes, nobody is written to again
        if previous is not None and not change:
            raise Conflict(
                f"this candidate was already decided ({previous.outcome.value}, "
                f"{previous.decided_at:%Y-%m-%d %H:%M} UTC); confirm that you are changing the decision "
                '(through the API: "change": true)'
            )
        told = outbox_sql.outcome_told(con, invitation_id)
        outbox_sql.cancel_unsent(con, invitation_id, "outcome.", "replaced by a changed decision")
        candidate_row = candidates_sql.get_candidate(con, target["candidate_id"])
        kind = f"outcome.{outcome.value}"
        parts = interviews_sql.letter_parts(con, target["interview_id"], kind)
        assert parts is not None
        own = (parts["subject"], parts["body"]) if parts["subject"] is not None else None
        # As the reviewer saw it: in blind review the name is put in only as the message is queued.
        shown = candidate_row.name if candidate_row and not parts["blind_review"] else "{name}"
        subject, body = _feedback(
            kind, own, shown, parts["role"], personal, letterhead.organisation, parts["language"]
        )
        if candidate_row is not None:
            body = body.replace("{name}", candidate_row.name)
        by = account.id if account else None
        decision_id = sql.insert_decision(con, invitation_id, outcome, plaintext.lines(personal), by, now)
        if candidate_row is not None and candidate_row.email and (not told or correction):
            letters.outcome(
                con,
                letterhead,
                outcome.value,
                invitation_id,
                candidate_row.email,
                subject,
                body,
                now,
                language=i18n.language(parts["language"]).code,
                recipient_name=candidate_row.name,
            )
        action = f"decision.{outcome.value}" if previous is None else f"decision.changed.{outcome.value}"
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}" if account else f"api:{integration}",
            action=action,
            subject_type="invitation",
            subject_id=invitation_id,
            now=now,
            detail={"decision": decision_id, "told": not told or correction},
        )
        webhooks.decision_made(con, invitation_id, decision_id, outcome.value, previous is not None, now)
        found = sql.latest_decision(con, invitation_id)
        assert found is not None
        return found

    return db.write(tx)


def _completed(con: apsw.Connection, invitation_id: int) -> dict[str, int]:
    found = candidates_sql.get_invitation(con, invitation_id)
    if found is None:
        raise NotFound(f"no invitation {invitation_id}")
    if found.status is not InvitationStatus.COMPLETED:
        raise Conflict(
            f"invitation {invitation_id} is {found.status}; decide once the candidate has completed it"
        )
    return {"candidate_id": found.candidate_id, "interview_id": found.interview_id}

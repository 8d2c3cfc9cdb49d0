"""The messages a fair process owes candidates, queued inside the transaction that causes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview.config import colour
from boxinterview.config.settings import Settings
from boxinterview.domain.models import Candidate, Interview, Invitation
from boxinterview.mail.compose import Letter, new_message_id, render, text_to_html
from boxinterview.mail.values import Words
from boxinterview.store import outbox as sql


@dataclass(frozen=True)
class Letterhead:
    organisation: str
    base_url: str
    sender: str
    reply_to: str
    accent: str = colour.DEFAULT  # the call to action's colour

    @classmethod
    def from_settings(cls, settings: Settings) -> Letterhead:
        return cls(
            settings.organisation.name,
            settings.base_url,
            settings.smtp.sender,
            settings.smtp.reply_to,
            settings.organisation.accent_colour,
        )


def queue(
    con: apsw.Connection,
    head: Letterhead,
    kind: str,
    invitation_id: int | None,
    recipient: str,
    letter: Letter,
    now: datetime,
    recipient_name: str = "",
) -> int:
    """Queue `letter` to `recipient` (shown as `recipient_name`, when given, in its To header)."""
    return sql.queue(
        con,
        kind=kind,
        invitation_id=invitation_id,
        recipient=recipient,
        recipient_name=recipient_name,
        language=letter.language,
        subject=letter.subject,
        text=letter.text,
        html=letter.html,
        message_id=new_message_id(head.sender),
        reply_to=head.reply_to,
        now=now,
    )


def words(interview: Interview) -> Words:
    """How the values in the interview's messages are written: its language, its time zone."""
    return Words(interview.language, interview.time_zone)


def _to_candidate(
    kind: str, head: Letterhead, candidate: Candidate, interview: Interview, **values: Any
) -> Letter:
    """A message to a candidate: in the interview's language, in its own wording where it has one, with the values
    every such message has (name, organisation, role, support) and `values`."""
    return render(
        kind,
        interview.wording(kind),
        language=interview.language,
        accent=head.accent,
        name=candidate.name,
        organisation=head.organisation,
        role=interview.role,
        support=interview.support_contact,
        **values,
    )


def invitation(
    con: apsw.Connection,
    head: Letterhead,
    inv: Invitation,
    candidate: Candidate,
    interview: Interview,
    token: str,
    now: datetime,
    kind: str = "invitation",
) -> int:
    said = words(interview)
    letter = _to_candidate(
        "invitation",
        head,
        candidate,
        interview,
        questions=len(interview.questions),
        kinds=said.kinds(interview.kind_counts),
        minutes=interview.estimated_minutes(inv.time_multiplier),
        deadline=said.when(inv.deadline),
        link=f"{head.base_url}/i/{token}",
    )
    return queue(con, head, kind, inv.id, candidate.email or "", letter, now, candidate.name)


def confirmation(
    con: apsw.Connection,
    head: Letterhead,
    inv: Invitation,
    candidate: Candidate,
    interview: Interview,
    now: datetime,
) -> int:
    letter = _to_candidate(
        "confirmation",
        head,
        candidate,
        interview,
        questions=len(interview.questions),
        news_by=words(interview).day(interview.deadline) if interview.deadline else "",
    )
    return queue(con, head, "confirmation", inv.id, candidate.email or "", letter, now, candidate.name)


def extension(
    con: apsw.Connection,
    head: Letterhead,
    inv: Invitation,
    candidate: Candidate,
    interview: Interview,
    token: str,
    now: datetime,
) -> int:
    letter = _to_candidate(
        "extension",
        head,
        candidate,
        interview,
        deadline=words(interview).when(inv.deadline),
        link=f"{head.base_url}/i/{token}",
    )
    return queue(con, head, "extension", inv.id, candidate.email or "", letter, now, candidate.name)


def accommodation(
    con: apsw.Connection,
    head: Letterhead,
    inv: Invitation,
    candidate: Candidate,
    interview: Interview,
    token: str,
    now: datetime,
) -> int:
    """The candidate is given more time for each question (their request answered)."""
    letter = _to_candidate(
        "accommodation",
        head,
        candidate,
        interview,
        times=words(interview).language.number(inv.time_multiplier),
        link=f"{head.base_url}/i/{token}",
    )
    return queue(con, head, "accommodation", inv.id, candidate.email or "", letter, now, candidate.name)


def outcome(
    con: apsw.Connection,
    head: Letterhead,
    outcome: str,
    invitation_id: int,
    recipient: str,
    subject: str,
    text: str,
    now: datetime,
    language: str = "",
    recipient_name: str = "",
) -> int:
    """The decision's message as the reviewer previewed it (the outcome's wording with their own words), in the
    interview's `language`."""
    return queue(
        con,
        head,
        f"outcome.{outcome}",
        invitation_id,
        recipient,
        Letter(subject, text, text_to_html(text), language),
        now,
        recipient_name,
    )

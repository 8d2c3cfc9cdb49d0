"""What each message to a candidate says for an interview: its own wording where it has one, the standard
wording otherwise, previewed with sample values so the team can read them before anyone gets them."""

from __future__ import annotations

from dataclasses import dataclass

import apsw

from boxinterview.domain import reviews
from boxinterview.domain.models import Account, Interview
from boxinterview.errors import NotFound
from boxinterview.mail.compose import OWN_WORDING, Letter, preview
from boxinterview.mail.values import Words
from boxinterview.store import Database
from boxinterview.store import interviews as interviews_sql


@dataclass(frozen=True)
class MessagePreview:
    kind: str
    description: str
    own: bool  # worded by this interview, not the standard wording
    letter: Letter


def previews(interview: Interview, organisation: str, kind: str = "") -> list[MessagePreview]:
    """Every candidate message of the interview (or just `kind`), as a sample candidate would read it: in the
    interview's language, with dates in its time zone."""
    if kind and kind not in OWN_WORDING:
        raise NotFound(f"there is no message {kind!r}; the messages are {', '.join(OWN_WORDING)}")
    out = []
    for k, (description, _) in OWN_WORDING.items():
        if kind and k != kind:
            continue
        own = interview.wording(k)
        extra: dict[str, object] = {
            "role": interview.role,
            "organisation": organisation,
            "questions": len(interview.questions),
            "minutes": interview.estimated_minutes(),
            "kinds": Words(interview.language, interview.time_zone).kinds(interview.kind_counts),
        }
        if interview.support_contact:
            extra["support"] = interview.support_contact
        known = {key: v for key, v in extra.items() if key in OWN_WORDING[k][1]}
        letter = preview(k, own, interview.language, interview.time_zone, **known)
        out.append(MessagePreview(k, description, own is not None, letter))
    return out


def for_reviewer(
    db: Database, account: Account, interview_id: int, organisation: str
) -> tuple[Interview, list[MessagePreview]]:
    def read(con: apsw.Connection) -> Interview:
        interview = interviews_sql.get(con, interview_id)
        if interview is None or not reviews.may_review(con, account, interview_id):
            raise NotFound("there is no interview here for you")
        return interview

    interview = db.read(read)
    return interview, previews(interview, organisation)

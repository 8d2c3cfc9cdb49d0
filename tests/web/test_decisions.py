"""A decision reaches the candidate once: deciding again must be confirmed, a message not sent yet is replaced,
and once one was sent the candidate is written to again only when the reviewer sends a correction."""

from __future__ import annotations

from boxinterview import clock
from boxinterview.store import outbox as outbox_sql
from tests.support.reviewing import completed_candidate, csrf, reviewer
from tests.support.site import text_of


def outcomes(live, invitation_id: int) -> list[tuple[str, str]]:
    return [
        (m["kind"], m["state"])
        for m in live.db.read(outbox_sql.for_invitation, invitation_id)
        if m["kind"].startswith("outcome.")
    ]


async def test_a_changed_decision_is_confirmed_and_the_candidate_gets_one_message(site) -> None:
    live = site
    invitation_id = completed_candidate(live, "Dana Décidée")
    s = await reviewer(live, "changer@example.com")
    page = f"/review/{invitation_id}"
    url = f"{page}/decision"

    async def decide(outcome: str, action: str = "confirm", **extra: str) -> tuple[int, str]:
        r = await s.post(
            url,
            data={
                "csrf": await csrf(s, page),
                "outcome": outcome,
                "feedback": "Thank you.",
                "action": action,
                **extra,
            },
        )
        return r.status, await r.text()

    assert (await decide("advance"))[0] == 200
    assert outcomes(live, invitation_id) == [("outcome.advance", "queued")]
    # deciding again without saying so is refused, and sends nothing
    status, text = await decide("reject")
    assert status == 409 and "already decided (advance" in text
    _, preview = await decide("reject", "preview")
    assert "This changes a decision" in preview and "replaced by this one" in preview
    assert 'name="change" value="yes"' in preview and 'name="correction"' not in preview
    # not sent yet: the new message replaces it
    assert (await decide("reject", change="yes"))[0] == 200
    assert outcomes(live, invitation_id) == [("outcome.advance", "cancelled"), ("outcome.reject", "queued")]
    [queued] = [m for m in live.db.read(outbox_sql.for_invitation, invitation_id) if m["state"] == "queued"]
    live.db.write(outbox_sql.sent, queued["id"], clock.now(), None)  # the candidate has it now
    # once sent, a change is recorded without writing to the candidate again...
    _, preview = await decide("hold", "preview")
    assert "already told the earlier decision" in preview and 'name="correction"' in preview
    assert (await decide("hold", change="yes"))[0] == 200
    assert outcomes(live, invitation_id)[-1] == ("outcome.reject", "sent")
    assert "Decided: <strong>hold</strong>" in await text_of(s, page)
    # ...unless the reviewer sends a correction
    assert (await decide("advance", change="yes", correction="yes"))[0] == 200
    assert outcomes(live, invitation_id)[-1] == ("outcome.advance", "queued")
    assert len(outcomes(live, invitation_id)) == 3


async def test_change_it_keeps_the_outcome_and_the_feedback_typed(site) -> None:
    live = site
    invitation_id = completed_candidate(live, "Eli Back")
    s = await reviewer(live, "backer@example.com")
    page = f"/review/{invitation_id}"
    back = await s.post(
        f"{page}/decision",
        data={
            "csrf": await csrf(s, page),
            "outcome": "hold",
            "feedback": "Wir melden uns bis Freitag — 李雷.",
            "action": "change",
        },
    )
    assert back.status == 200
    text = await back.text()
    assert 'value="hold" required\n      checked' in text or 'value="hold" required checked' in " ".join(
        text.split()
    )
    assert "Wir melden uns bis Freitag — 李雷.</textarea>" in text
    assert outcomes(live, invitation_id) == []

"""A decision reaches the candidate once: deciding again must be confirmed, a message not sent yet is replaced,
and once one was sent the candidate is written to again only when the reviewer sends a correction."""

from __future__ import annotations

from boxinterview import clock
from boxinterview.store import outbox as outbox_sql
from tests.web.test_review import completed_candidate, csrf, live, reviewer  # noqa: F401 (fixture)


def outcomes(live, invitation_id: int) -> list[tuple[str, str]]:  # noqa: F811
    return [
        (m["kind"], m["state"])
        for m in live.db.read(outbox_sql.for_invitation, invitation_id)
        if m["kind"].startswith("outcome.")
    ]


def test_a_changed_decision_is_confirmed_and_the_candidate_gets_one_message(live) -> None:  # noqa: F811
    invitation_id = completed_candidate(live, "Dana Décidée")
    s = reviewer(live, "changer@example.com")
    page = f"/review/{invitation_id}"
    url = f"{live.base}{page}/decision"

    def decide(outcome: str, action: str = "confirm", **extra: str):  # type: ignore[no-untyped-def]
        return s.post(
            url,
            data={
                "csrf": csrf(s, live, page),
                "outcome": outcome,
                "feedback": "Thank you.",
                "action": action,
                **extra,
            },
        )

    assert decide("advance").status_code == 200
    assert outcomes(live, invitation_id) == [("outcome.advance", "queued")]
    # deciding again without saying so is refused, and sends nothing
    unconfirmed = decide("reject")
    assert unconfirmed.status_code == 409 and "already decided (advance" in unconfirmed.text
    preview = decide("reject", "preview")
    assert "This changes a decision" in preview.text and "replaced by this one" in preview.text
    assert 'name="change" value="yes"' in preview.text and 'name="correction"' not in preview.text
    # not sent yet: the new message replaces it
    assert decide("reject", change="yes").status_code == 200
    assert outcomes(live, invitation_id) == [("outcome.advance", "cancelled"), ("outcome.reject", "queued")]
    [queued] = [m for m in live.db.read(outbox_sql.for_invitation, invitation_id) if m["state"] == "queued"]
    live.db.write(outbox_sql.sent, queued["id"], clock.now(), None)  # the candidate has it now
    # once sent, a change is recorded without writing to the candidate again...
    preview = decide("hold", "preview")
    assert "already told the earlier decision" in preview.text and 'name="correction"' in preview.text
    assert decide("hold", change="yes").status_code == 200
    assert outcomes(live, invitation_id)[-1] == ("outcome.reject", "sent")
    assert "Decided: <strong>hold</strong>" in s.get(live.base + page).text
    # ...unless the reviewer sends a correction
    assert decide("advance", change="yes", correction="yes").status_code == 200
    assert outcomes(live, invitation_id)[-1] == ("outcome.advance", "queued")
    assert len(outcomes(live, invitation_id)) == 3


def test_change_it_keeps_the_outcome_and_the_feedback_typed(live) -> None:  # noqa: F811
    invitation_id = completed_candidate(live, "Eli Back")
    s = reviewer(live, "backer@example.com")
    page = f"/review/{invitation_id}"
    back = s.post(
        f"{live.base}{page}/decision",
        data={
            "csrf": csrf(s, live, page),
            "outcome": "hold",
            "feedback": "Wir melden uns bis Freitag — 李雷.",
            "action": "change",
        },
    )
    assert back.status_code == 200
    assert 'value="hold" required\n      checked' in back.text or 'value="hold" required checked' in " ".join(
        back.text.split()
    )
    assert "Wir melden uns bis Freitag — 李雷.</textarea>" in back.text
    assert outcomes(live, invitation_id) == []

"""A decision reaches the candidate once: deciding again must be confirmed, a message not sent yet is replaced,
and once one was sent the candidate is written to again only when the reviewer sends a correction."""

from __future__ import annotations

from boxinterview import clock
from boxinterview.domain import accounts, reviews
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


async def test_the_decision_as_it_stands_is_shown_in_the_form_and_sending_it_again_changes_nothing(
    site,
) -> None:
    live = site
    invitation_id = completed_candidate(live, "Fé Same")
    s = await reviewer(live, "same@example.com")
    page = f"/review/{invitation_id}"
    feedback = "Great job on the escalation question — 李雷."
    first = {"csrf": await csrf(s, page), "outcome": "advance", "feedback": feedback, "action": "confirm"}
    assert (await s.post(f"{page}/decision", data=first)).status == 200
    # Back on the page, the form holds the decision and its feedback, so deciding again starts from them
    text = " ".join((await text_of(s, page)).split())
    assert 'value="advance" required checked' in text and f"{feedback}</textarea>" in text
    preview = await s.post(
        f"{page}/decision", data={**first, "csrf": await csrf(s, page), "action": "preview"}
    )
    shown = await preview.text()
    assert "This is the decision as it stands" in shown and "This changes a decision" not in shown
    assert 'value="confirm"' not in shown
    # Sent again anyway (a second click, an old form): nothing changes, the queued message stays
    again = {**first, "csrf": await csrf(s, page), "change": "yes"}
    assert (await s.post(f"{page}/decision", data=again)).status == 200
    assert outcomes(live, invitation_id) == [("outcome.advance", "queued")]
    [queued] = [
        m for m in live.db.read(outbox_sql.for_invitation, invitation_id) if m["kind"] == "outcome.advance"
    ]
    assert "Great job on the escalation question" in queued["body"]


async def test_a_reviewer_who_has_not_scored_yet_does_not_see_anothers_decision(site) -> None:
    live = site
    invitation_id = completed_candidate(live, "Gil Independent")
    lead = await reviewer(live, "lead@example.com")
    page = f"/review/{invitation_id}"
    data = {"csrf": await csrf(lead, page), "outcome": "reject", "feedback": "", "action": "confirm"}
    assert (await lead.post(f"{page}/decision", data=data)).status == 200
    assert "Decided: <strong>reject</strong>" in await text_of(lead, page)  # the one who decided sees it

    second = await reviewer(live, "second@example.com")
    text = await text_of(second, page)
    assert "A decision has been made. You will see it once you" in " ".join(text.split())
    assert "Decided:" not in text and "required checked" not in " ".join(text.split())  # nor in the form
    me = next(a for a in accounts.listing(live.db) if a.email == "second@example.com")
    by_name = {c.name: c.id for c in live.interview.competencies}
    scores = {
        q.id: ({by_name[name]: 4 for name in q.competencies}, "")
        for q in live.interview.questions
        if q.competencies
    }
    reviews.save_all(live.db, me, invitation_id, scores, submit=True)
    assert "Decided: <strong>reject</strong>" in await text_of(second, page)

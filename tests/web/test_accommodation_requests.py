"""A candidate's request for an adjustment (such as extra time) on the consent page: the operator is told, an
integration hears of it, the same words sent again change nothing, changed words are a new request that waits,
and the team's answer is shown to the candidate and through the API."""

from __future__ import annotations

import re

from boxinterview.domain import answers, api, invitations, webhooks
from boxinterview.domain.models import InvitationStatus
from boxinterview.mail.letters import Letterhead
from boxinterview.store import audit as audit_sql
from boxinterview.store import outbox
from tests.support.flows import record_take
from tests.web.test_candidate_language import german_candidate

OPERATOR = "Ops <ops@example.com>"


def alerts(db) -> list[dict]:
    return [m for m in db.read(outbox.recent) if m["kind"].startswith("alert.accommodation.")]


async def test_a_request_tells_the_operator_once_and_waits_until_the_team_answers(make_site) -> None:
    site = await make_site(smtp={"operator": OPERATOR})
    endpoint, _ = webhooks.add(
        site.db, "https://ats.example.com/hooks", ["invitation.accommodation_requested"], "ATS", "t"
    )
    inv, token = invitations.invite(site.db, site.interview.id, "Zoë Ørsted", "zoe@example.com", "t")
    s = await site.browser()
    form = {"consent": "yes", "accommodation": "I use a screen reader;\n please allow extra time."}
    r = await s.post(f"/i/{token}/consent", data=form, allow_redirects=False)
    assert r.status == 303
    got = invitations.get(site.db, inv.id)
    assert got.accommodation_request == "I use a screen reader; please allow extra time."
    assert got.accommodation_waiting
    [alert] = alerts(site.db)
    assert alert["recipient"] == OPERATOR and "Zoë Ørsted" in alert["body"]
    assert "I use a screen reader; please allow extra time." in alert["body"]
    assert "press a" in alert["body"]  # what to do, where
    assert [d.type for d in webhooks.deliveries(site.db, endpoint.id)] == [
        "invitation.accommodation_requested"
    ]
    page = await (await s.get(f"/i/{token}")).text()
    assert "We have your request; the hiring team will respond." in page

    # The form shows the request on record, so continuing sends it again: nothing new for anyone
    again = await s.post(f"/i/{token}/consent", data=form, allow_redirects=False)
    assert again.status == 303
    assert invitations.get(site.db, inv.id).accommodation_requested_at == got.accommodation_requested_at
    # Another device's form that did not show it sends the box empty: the request stands
    await s.post(f"/i/{token}/consent", data={"consent": "yes", "accommodation": "  "}, allow_redirects=False)
    assert invitations.get(site.db, inv.id).accommodation_request == got.accommodation_request
    assert len(alerts(site.db)) == 1 and len(webhooks.deliveries(site.db, endpoint.id)) == 1

    # The team answers: no longer waiting, and the candidate reads that it was answered and the longer time
    invitations.grant_accommodation(site.db, inv.id, 1.5, "agreed by phone", "console")
    answered = invitations.get(site.db, inv.id)
    assert not answered.accommodation_waiting and answered.accommodation_answered_at is not None
    page = await (await s.get(f"/i/{token}")).text()
    assert "The hiring team has answered your request." in page and "We have your request" not in page
    assert "1.5×" in page

    # Changed words are a new request: waiting again, told again, the earlier words kept in the audit log
    changed = {"consent": "yes", "accommodation": "Twice the time, please."}
    await s.post(f"/i/{token}/consent", data=changed, allow_redirects=False)
    now = invitations.get(site.db, inv.id)
    assert now.accommodation_request == "Twice the time, please." and now.accommodation_waiting
    assert len(alerts(site.db)) == 2 and 'it replaces "I use a screen reader' in alerts(site.db)[0]["body"]
    # Changed again before anyone answered: the console shows the latest, the operator is not e-mailed again
    await s.post(f"/i/{token}/consent", data={"consent": "yes", "accommodation": "Or captions."})
    assert invitations.get(site.db, inv.id).accommodation_request == "Or captions."
    assert len(alerts(site.db)) == 2
    logged = [
        e
        for e in site.db.read(audit_sql.entries, "invitation.accommodation_request", 20)
        if e.action == "invitation.accommodation_request"
    ]
    assert [e.detail["earlier"] for e in logged] == [
        "Twice the time, please.",
        "I use a screen reader; please allow extra time.",
        "",
    ]


async def test_the_api_gives_the_request_and_the_teams_answer(make_site) -> None:
    site = await make_site()
    inv, token = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "t")
    s = await site.browser()
    form = {"consent": "yes", "accommodation": "Extra time for dyslexia"}
    assert (await s.post(f"/i/{token}/consent", data=form, allow_redirects=False)).status == 303

    ats = await site.browser()
    bearer = {"Authorization": f"Bearer {api.create_token(site.db, 'ats', 't')}"}
    body = await (await ats.get(f"/api/v1/invitations/{inv.id}", headers=bearer)).json()
    asked = body["accommodation"]
    assert asked["request"] == "Extra time for dyslexia" and asked["waiting"] is True
    assert asked["time_multiplier"] == 1.0 and asked["answered_at"] is None and asked["requested_at"]

    invitations.grant_accommodation(site.db, inv.id, 2.0, "", "console")
    body = await (await ats.get(f"/api/v1/invitations/{inv.id}", headers=bearer)).json()
    assert body["accommodation"]["waiting"] is False and body["accommodation"]["time_multiplier"] == 2.0
    assert body["accommodation"]["answered_at"] >= asked["requested_at"]


async def test_without_an_operator_address_the_request_is_kept_and_marked_waiting(make_site) -> None:
    site = await make_site()
    inv, token = invitations.invite(site.db, site.interview.id, "Bo", "bo@example.com", "t")
    s = await site.browser()
    form = {"consent": "yes", "accommodation": "Captions, please"}
    assert (await s.post(f"/i/{token}/consent", data=form, allow_redirects=False)).status == 303
    assert invitations.get(site.db, inv.id).accommodation_waiting and not alerts(site.db)


async def test_more_time_granted_is_told_to_the_candidate_with_a_working_link(make_site) -> None:
    site, inv, _ = await german_candidate(make_site)
    head = Letterhead.from_settings(site.settings)
    assert invitations.grant_accommodation(site.db, inv.id, 1.5, "Legasthenie", "console", letterhead=head)
    [letter] = [m for m in site.db.read(outbox.for_invitation, inv.id) if m["kind"] == "accommodation"]
    assert letter["subject"] == "Mehr Zeit je Frage in Ihrem Interview für Vertriebsmitarbeiterin (m/w/d)"
    assert "das 1,5-Fache der üblichen Zeit" in letter["body"] and "Legasthenie" not in letter["body"]
    link = re.search(r"https?://\S+/i/(\S+)", letter["body"])
    assert link and invitations.by_token(site.db, link.group(1)).id == inv.id

    # Less time, the same, or a candidate who has finished: nobody is told
    assert not invitations.grant_accommodation(site.db, inv.id, 1.25, "", "console", letterhead=head)
    assert not invitations.grant_accommodation(site.db, inv.id, 1.25, "", "console", letterhead=head)
    invitations.move(site.db, inv.id, InvitationStatus.WITHDRAWN, "t")
    assert not invitations.grant_accommodation(site.db, inv.id, 2.0, "", "console", letterhead=head)
    kinds = [m["kind"] for m in site.db.read(outbox.for_invitation, inv.id)]
    assert kinds.count("accommodation") == 1


async def test_words_over_the_limit_are_refused_whole_not_cut(make_site) -> None:
    site = await make_site()
    inv, token = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "t")
    s = await site.browser()
    r = await s.post(f"/i/{token}/consent", data={"consent": "yes", "accommodation": "ü" * 1001})
    assert r.status == 422 and "the limit is 1,000: shorten it" in await r.text()
    assert invitations.get(site.db, inv.id).accommodation_request == ""

    invitations.record_consent(site.db, inv.id, "1")
    video, audio, text = site.interview.questions
    for question in (video, audio):
        record_take(site.db, site.settings, token, question.id, 1, b"take")
        answers.submit_take(site.db, inv.id, question.id, 1)
    answers.submit_text(site.db, inv.id, text.id, "Words.")
    answers.complete(site.db, inv.id)
    api = f"/api/v1/candidate/{token}/feedback"
    too_long = await s.post(api, json={"rating": 4, "comment": "😀" * 2001})
    assert too_long.status == 422 and "the limit is 2,000" in (await too_long.json())["error"]["message"]
    as_text = await s.post(api, json={"rating": "4"})
    assert (
        as_text.status == 422
        and 'sent as a number (3, not "3")' in (await as_text.json())["error"]["message"]
    )
    assert (await s.post(api, json={"rating": 4, "comment": "😀" * 2000})).status == 200

"""What an applicant tracking system changes through the API: invitations (idempotent, with its own ids),
resends, new deadlines, withdrawals and decisions — each within its token's scopes and rate limit, audited, with
one error shape for whatever is sent wrong; and links to recordings that work for a while and then stop."""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from datetime import datetime, timedelta, timezone

from boxinterview import clock
from boxinterview.domain import answers, api, invitations, recordings
from boxinterview.pipeline import processing
from boxinterview.store import audit as audit_sql
from boxinterview.store import outbox as outbox_sql
from tests.support.clips import make
from tests.support.flows import record_take

DEADLINE = "2031-01-31T17:00:00+01:00"


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def error_of(response) -> str:
    body = await response.json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status, body
    return body["error"]["message"]


async def test_an_invitation_sent_twice_with_one_key_invites_once(site) -> None:
    token = api.create_token(site.db, "ats", "t", ("read", "invite"))
    ats = await site.browser()
    path = f"/api/v1/interviews/{site.interview.id}/invitations"
    person = {
        "name": "Jörg Müller",
        "email": "joerg@example.com",
        "deadline": DEADLINE,
        "external_id": "ATS-42",
    }
    key = str(uuid.uuid4())
    first = await ats.post(path, json=person, headers=bearer(token, **{"Idempotency-Key": key}))
    body = await first.json()
    assert first.status == 201, body
    assert first.headers["Location"] == f"/api/v1/invitations/{body['id']}"
    assert body["candidate"] == {"name": "Jörg Müller", "email": "joerg@example.com"}
    assert body["external_id"] == "ATS-42" and body["deadline"].startswith("2031-01-31T16:00")
    again = await ats.post(path, json=person, headers=bearer(token, **{"Idempotency-Key": key}))
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await again.json() == body
    assert len(invitations.listing(site.db, site.interview.id)) == 1
    queued = site.db.read(outbox_sql.recent, 10)
    assert [m["kind"] for m in queued] == ["invitation"]  # one e-mail, not two

    other = {**person, "name": "Someone Else"}
    reused = await ats.post(path, json=other, headers=bearer(token, **{"Idempotency-Key": key}))
    assert reused.status == 422 and "different request" in await error_of(reused)
    same_id = await ats.post(path, json={**person, "email": "j2@example.com"}, headers=bearer(token))
    assert same_id.status == 409 and f"/api/v1/invitations/{body['id']}" in await error_of(same_id)
    twice = await ats.post(path, json={**person, "external_id": "ATS-43"}, headers=bearer(token))
    assert twice.status == 409 and "already invited" in await error_of(twice)
    actors = {e.actor for e in site.db.read(audit_sql.entries, "invitation.create", 10)}
    assert actors == {"api:ats"}


async def test_whatever_is_sent_wrong_gets_one_error_shape_saying_what_to_do(site) -> None:
    token = api.create_token(site.db, "ats", "t", ("read", "invite", "decide"))
    ats = await site.browser()
    path = f"/api/v1/interviews/{site.interview.id}/invitations"
    nested = b"[" * 20_000 + b"]" * 20_000
    cases = [
        ({"data": nested, "headers": {"Content-Type": "application/json"}}, 422, "must be JSON"),
        ({"data": b'{"name": NaN}', "headers": {"Content-Type": "application/json"}}, 422, "must be JSON"),
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 422, "must be JSON"),
        (
            {"data": b"name=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            422,
            "as JSON",
        ),
        ({"json": ["Ann", "ann@example.com"]}, 422, "JSON object"),
        (
            {"json": {"name": "Ann", "email": "ann@example.com", "phone": "1"}},
            422,
            "unknown field(s) 'phone'",
        ),
        ({"json": {"email": "ann@example.com"}}, 422, "name is required"),
        ({"json": {"name": "Ann", "email": "not an address"}}, 422, "e-mail"),
        ({"json": {"name": "Ann", "email": "a@example.com", "deadline": "2031-01-31 17:00"}}, 422, "zone"),
        (
            {"json": {"name": "Ann", "email": "a@example.com", "time_multiplier": "2"}},
            422,
            "must be a number",
        ),
        ({"json": {"name": "Ann", "email": "a@example.com", "time_multiplier": 9}}, 422, "multiplier"),
        ({"json": {"name": 7, "email": "a@example.com"}}, 422, "must be a string"),
    ]
    for options, status, words in cases:
        headers = {**bearer(token), **options.pop("headers", {})}
        r = await ats.post(path, headers=headers, **options)
        assert r.status == status, (options, await r.text())
        assert words in await error_of(r), options
    missing = await ats.post(
        "/api/v1/interviews/999999/invitations",
        json={"name": "A", "email": "a@x.example"},
        headers=bearer(token),
    )
    assert missing.status == 404 and "999999" in await error_of(missing)
    for bad in ("/api/v1/invitations/1x/withdraw", "/api/v1/invitations/99999999999999999999/withdraw"):
        assert (await ats.post(bad, headers=bearer(token))).status == 404
    assert invitations.listing(site.db, site.interview.id) == []


async def test_scopes_limit_what_a_token_may_do(site) -> None:
    reader = api.create_token(site.db, "reader", "t")
    inviter = api.create_token(site.db, "inviter", "t", ("invite",))
    ats = await site.browser()
    path = f"/api/v1/interviews/{site.interview.id}/invitations"
    person = {"name": "Ann", "email": "ann@example.com"}
    refused = await ats.post(path, json=person, headers=bearer(reader))
    assert refused.status == 403 and "'invite' scope" in await error_of(refused)
    made = await ats.post(path, json=person, headers=bearer(inviter))
    assert made.status == 201
    invitation_id = (await made.json())["id"]
    cannot_read = await ats.get(f"/api/v1/invitations/{invitation_id}", headers=bearer(inviter))
    assert cannot_read.status == 403 and "'read' scope" in await error_of(cannot_read)
    cannot_decide = await ats.post(
        f"/api/v1/invitations/{invitation_id}/decision", json={"outcome": "advance"}, headers=bearer(inviter)
    )
    assert cannot_decide.status == 403
    session_less = await ats.post(path, json=person)
    assert session_less.status == 401 and "Bearer" in await error_of(session_less)


async def test_resend_extend_withdraw_and_decide(site) -> None:
    token = api.create_token(site.db, "ats", "t", ("read", "invite", "decide"))
    ats = await site.browser()
    made = await ats.post(
        f"/api/v1/interviews/{site.interview.id}/invitations",
        json={"name": "李雷", "email": "li@example.com"},
        headers=bearer(token),
    )
    invitation_id = (await made.json())["id"]
    base = f"/api/v1/invitations/{invitation_id}"
    early = await ats.post(f"{base}/decision", json={"outcome": "advance"}, headers=bearer(token))
    assert early.status == 409 and "completed" in await error_of(early)
    soon = await ats.post(f"{base}/resend", headers=bearer(token))
    assert soon.status == 409 and "wait an hour" in await error_of(soon)
    two_hours_ago = clock.to_db(clock.now() - timedelta(hours=2))
    site.db.write(lambda con: con.execute("UPDATE outbox SET created_at = ?", (two_hours_ago,)))
    resent = await ats.post(f"{base}/resend", headers=bearer(token))
    assert resent.status == 202
    later = (clock.now() + timedelta(days=20)).isoformat()
    extended = await ats.post(f"{base}/extend", json={"deadline": later}, headers=bearer(token))
    assert extended.status == 200
    assert (await extended.json())["deadline"][:16] == clock.to_db(datetime.fromisoformat(later))[:16]
    past = await ats.post(f"{base}/extend", json={"deadline": "2020-01-01T00:00:00Z"}, headers=bearer(token))
    assert past.status == 422
    # "more time" that ends sooner (or no later), in any time zone, is refused and nobody is told of it
    given = invitations.get(site.db, invitation_id).deadline
    for sooner in (given - timedelta(days=17), given):
        answer = await ats.post(
            f"{base}/extend",
            json={"deadline": sooner.astimezone(timezone(timedelta(hours=-5))).isoformat()},
            headers=bearer(token),
        )
        assert answer.status == 422, await answer.text()
        assert "is not later than the current one" in (await answer.json())["error"]["message"]
    assert invitations.get(site.db, invitation_id).deadline == given
    kinds = [m["kind"] for m in site.db.read(outbox_sql.recent, 10)]
    assert sorted(kinds) == ["extension", "invitation", "invitation.resend"]

    # The candidate answers; the ATS records the decision and the candidate is told
    inv = invitations.get(site.db, invitation_id)
    finish(site, inv.id)
    decided = await ats.post(
        f"{base}/decision",
        json={"outcome": "advance", "feedback": "Starke Antworten."},
        headers=bearer(token),
    )
    body = await decided.json()
    assert decided.status == 201, body
    assert body["decision"]["outcome"] == "advance" and body["decision"]["feedback"] == "Starke Antworten."
    assert "outcome.advance" in [m["kind"] for m in site.db.read(outbox_sql.recent, 10)]
    again = await ats.post(f"{base}/decision", json={"outcome": "reject"}, headers=bearer(token))
    assert again.status == 409 and "confirm" in await error_of(again)
    changed = await ats.post(
        f"{base}/decision", json={"outcome": "hold", "change": True}, headers=bearer(token)
    )
    assert changed.status == 201 and (await changed.json())["decision"]["outcome"] == "hold"
    bogus = await ats.post(f"{base}/decision", json={"outcome": "maybe"}, headers=bearer(token))
    assert bogus.status == 422 and "advance, reject, hold" in await error_of(bogus)

    other = await ats.post(
        f"/api/v1/interviews/{site.interview.id}/invitations",
        json={"name": "Zoë Ångström-Øster", "email": "zoe@example.com"},
        headers=bearer(token),
    )
    gone = f"/api/v1/invitations/{(await other.json())['id']}"
    withdrawn = await ats.post(f"{gone}/withdraw", headers=bearer(token))
    assert withdrawn.status == 200 and (await withdrawn.json())["status"] == "withdrawn"
    actions = {e.action for e in site.db.read(audit_sql.entries, "api:ats", 50)}
    assert {"invitation.create", "invitation.resend", "invitation.extend", "invitation.withdrawn"} <= actions
    assert "decision.advance" in actions


def finish(site, invitation_id: int) -> None:
    """The candidate answers every question."""
    token = invitations.new_link(site.db, invitation_id, "t")
    invitations.record_consent(site.db, invitation_id, "1")
    q = site.interview.questions
    for question in q[:2]:
        record_take(site.db, site.settings, token, question.id, 1, b"take")
        answers.submit_take(site.db, invitation_id, question.id, 1)
    answers.submit_text(site.db, invitation_id, q[2].id, "Zuhören, dann lösen.")
    answers.complete(site.db, invitation_id)


async def test_a_token_has_its_own_rate_limit(make_site) -> None:
    site = await make_site(api={"requests_per_minute": 3})
    busy = api.create_token(site.db, "busy", "t")
    calm = api.create_token(site.db, "calm", "t")
    ats = await site.browser()
    statuses = [(await ats.get("/api/v1/interviews", headers=bearer(busy))).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = await ats.get("/api/v1/interviews", headers=bearer(busy))
    assert refused.status == 429 and "wait" in await error_of(refused)
    assert int(refused.headers["Retry-After"]) >= 1 and refused.headers["RateLimit-Remaining"] == "0"
    assert (await ats.get("/api/v1/interviews", headers=bearer(calm))).status == 200


async def test_links_to_recordings_work_for_a_while_and_stop_with_the_token(site, tmp_path, cli) -> None:
    token = api.create_token(site.db, "ats", "t", ("read",))
    inv, candidate = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    q = site.interview.questions
    rid = record_take(site.db, site.settings, candidate, q[0].id, 1, b"x")
    shutil.copy(make("vp8_opus.webm", tmp_path), recordings.get(site.db, rid).original_path)
    await processing.process(site.db, site.settings, rid)
    answers.submit_take(site.db, inv.id, q[0].id, 1)
    record_take(site.db, site.settings, candidate, q[1].id, 1, b"y")
    answers.submit_take(site.db, inv.id, q[1].id, 1)
    answers.submit_text(site.db, inv.id, q[2].id, "Words.")
    answers.complete(site.db, inv.id)
    ats = await site.browser()
    body = await (await ats.get(f"/api/v1/invitations/{inv.id}", headers=bearer(token))).json()
    recording = body["answers"][0]["recording"]
    assert recording["state"] == "ready" and recording["links_expire_in_minutes"] == 60
    link = recording["links"]["playback"]
    assert link.startswith(site.settings.base_url + "/api/v1/media/")
    local = link.removeprefix(site.settings.base_url)
    whole = await ats.get(local)
    assert whole.status == 200 and whole.headers["Content-Type"] == "video/mp4"
    part = await ats.get(local, headers={"Range": "bytes=0-99"})
    assert part.status == 206 and len(await part.read()) == 100
    tampered = local.replace(f"/media/{rid}/", f"/media/{rid + 1}/")
    assert (await ats.get(tampered)).status == 403
    forged = local[:-4] + ("0000" if not local.endswith("0000") else "1111")
    assert (await ats.get(forged)).status == 403
    assert (await ats.get(local.split("?")[0])).status == 403
    # The link as made, and nothing else: a part given twice, or its number in other digits, is not that link
    expires = re.search(r"expires=([0-9]+)", local).group(1)
    full_width = "".join(chr(ord(d) - ord("0") + ord("０")) for d in expires)
    for other in (local + "&expires=1", local + f"&expires={expires}", local.replace(expires, full_width)):
        assert (await ats.get(other)).status == 403, other
    for _ in range(40):  # viewings are written to the audit log a moment after they happen
        viewed = [
            e for e in site.db.read(audit_sql.entries, "api:ats", 20) if e.action == "recording.playback"
        ]
        if viewed:
            break
        await asyncio.sleep(0.1)
    assert viewed and viewed[0].subject_id == rid
    api.revoke_token(site.db, "ats", "t")
    assert (await ats.get(local)).status == 403  # a revoked token's links stop working

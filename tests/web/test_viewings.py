"""A viewing's own address with the app alone (no proxy): an authorised recording plays from /v/TOKEN/..., with
byte ranges and If-Range, audited once when it starts; the address stops working as soon as the app's re-check
finds the reviewer, the share link or the API link no longer allowed, or the recording erased."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient

from boxinterview import clock
from boxinterview.domain import accounts, api, audit, integration, recordings, retention, sessions, shares
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from boxinterview.store import audit as audit_sql
from boxinterview.web import viewings
from boxinterview.web.keys import DB
from tests.support.clips import make
from tests.support.reviewing import completed_candidate, reviewer
from tests.support.site import Site


async def ready_recording(live: Site, tmp_path: Path, name: str) -> tuple[int, int]:
    """A finished candidate's first take, processed for real; (invitation id, recording id)."""
    invitation_id = completed_candidate(live, name)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), rec.original_path)
    assert (await processing.process(live.db, live.settings, rec.id)).value == "ready"
    return invitation_id, rec.id


async def address(client: TestClient, url: str) -> str:
    r = await client.get(url, headers={"Range": "bytes=0-"}, allow_redirects=False)
    assert r.status == 307, (url, r.status, await r.text())
    assert r.headers["Cache-Control"] == "no-store"
    return r.headers["Location"]


def viewed(live: Site) -> int:
    audit.flush(live.server.app[DB])  # the app's viewings are written to the log a moment later
    return sum(
        1 for e in live.db.read(audit_sql.entries, "recording.playback") if e.action == "recording.playback"
    )


async def test_a_recording_plays_from_its_viewing_with_ranges_audited_once(make_site, tmp_path) -> None:
    live = await make_site()
    _, rid = await ready_recording(live, tmp_path, "Ann")
    data = Path(recordings.get(live.db, rid).playback_path).read_bytes()
    s = await reviewer(live, "watcher@example.com")
    media = f"/media/recordings/{rid}/playback"
    where = await address(s, media)
    assert where.startswith("/v/") and where.endswith("/playback.mp4")
    assert viewed(live) == 1
    part = await s.get(where, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and await part.read() == data[100:200]
    assert part.headers["Content-Type"] == "video/mp4"
    assert part.headers["Cache-Control"] == "private, no-store"
    assert part.headers["Referrer-Policy"] == "no-referrer"
    etag = part.headers["ETag"]
    assert (await s.get(where, headers={"Range": "bytes=0-9", "If-Range": etag})).status == 206
    stale = await s.get(where, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert stale.status == 200 and await stale.read() == data
    # the address is the key: no session needed, and the ranges are not audited again
    assert (await (await live.browser()).get(where, headers={"Range": "bytes=0-9"})).status == 206
    assert viewed(live) == 1
    # playing it again from the start is a new viewing for the audit, on the same address
    assert await address(s, media) == where and viewed(live) == 2
    poster = await address(s, f"/media/recordings/{rid}/poster")
    assert poster.endswith("/poster.jpg") and poster != where
    assert (await s.get(poster)).headers["Content-Type"] == "image/jpeg"
    other = await reviewer(live, "another@example.com")
    assert await address(other, media) != where  # each session has its own
    client = await live.browser()
    token = where.split("/")[2]
    guesses = (
        where.replace(token, token[::-1]),
        where.replace(".mp4", ".webm"),
        where.rsplit("/", 1)[0] + "/",
        where.replace("playback", "original"),
        "/v/",
    )
    for guess in guesses:
        assert (await client.get(guess)).status == 404, guess


async def test_access_ends_at_the_next_check(make_site, tmp_path) -> None:
    live = await make_site()
    invitation_id, rid = await ready_recording(live, tmp_path, "Bea")
    erased_invitation, erased_rid = await ready_recording(live, tmp_path, "Cem")
    kept = await reviewer(live, "kept@example.com")
    disabled = await reviewer(live, "disabled@example.com")
    unassigned = await reviewer(live, "moved@example.com")
    admin = next(a for a in accounts.listing(live.db) if a.email == "kept@example.com")
    question = live.interview.questions[0].id
    share_id, share = shares.create(live.db, admin, [invitation_id], [question], 3)
    # made a day ago minus a few seconds for one day: it runs out during the test
    soon = clock.now() - timedelta(days=1) + timedelta(seconds=3)
    _, expiring = shares.create(live.db, admin, [invitation_id], [question], 1, now=soon)
    raw = api.create_token(live.db, "ats", "t")
    caller = api.check_token(live.db, raw)
    assert caller is not None
    link = integration.media_link(live.db, caller, rid, "playback", 60)
    client = await live.browser()
    given = {
        "kept": await address(kept, f"/media/recordings/{rid}/playback"),
        "disabled": await address(disabled, f"/media/recordings/{rid}/playback"),
        "unassigned": await address(unassigned, f"/media/recordings/{rid}/playback"),
        "share": await address(client, f"/s/{share}/media/{rid}/playback"),
        "expiring": await address(client, f"/s/{expiring}/media/{rid}/playback"),
        "api": await address(client, link),
        "erased": await address(kept, f"/media/recordings/{erased_rid}/playback"),
    }
    for who, where in given.items():
        assert (await client.get(where, headers={"Range": "bytes=0-9"})).status == 206, who
    viewings_of = live.server.app[viewings.VIEWINGS]
    await viewings_of.recheck()
    assert len(viewings_of) == len(given)  # nothing changed, nothing ends

    accounts.set_active(live.db, "disabled@example.com", False, "t")
    accounts.unassign(live.db, "moved@example.com", live.interview.id, "t")
    shares.revoke(live.db, admin, share_id)
    api.revoke_token(live.db, "ats", "t")
    retention.erase(live.db, live.settings.data_dir, erased_invitation, "t", "asked to")
    # an erased recording's file is gone at once; the others end at the next check
    assert (await client.get(given["erased"], headers={"Range": "bytes=0-9"})).status == 404
    while clock.now() < soon + timedelta(days=1):
        await asyncio.sleep(0.2)
    await viewings_of.recheck()
    for who, where in given.items():
        status = (await client.get(where, headers={"Range": "bytes=0-9"})).status
        assert status == (206 if who == "kept" else 404), who
    assert len(viewings_of) == 1 and len(list(viewings_of.root.iterdir())) == 1
    # and asking again is refused where it should be
    assert (await disabled.get(f"/media/recordings/{rid}/playback", allow_redirects=False)).status == 401
    assert (await unassigned.get(f"/media/recordings/{rid}/playback", allow_redirects=False)).status == 404
    for withdrawn in (share, expiring):
        assert (await client.get(f"/s/{withdrawn}/media/{rid}/playback", allow_redirects=False)).status == 410
    assert (await client.get(link, allow_redirects=False)).status == 403


def test_a_viewing_ends_after_its_lifetime_and_with_the_server(tmp_path) -> None:
    now = [0.0]
    target = tmp_path / "playback.mp4"
    target.write_bytes(b"video")
    found = viewings.Viewings(tmp_path / "viewings", clock=lambda: now[0])
    found.clear()

    async def allowed() -> str:
        return str(target)

    where = found.give("someone", target, "playback.mp4", allowed)
    token = where.split("/")[2]
    assert found.file(token, "playback.mp4") is not None and found.file(token, "../playback.mp4") is None
    now[0] = viewings.LIFETIME_SECONDS - 1
    asyncio.run(found.recheck())
    assert found.file(token, "playback.mp4") is not None
    now[0] = viewings.LIFETIME_SECONDS
    asyncio.run(found.recheck())
    assert found.file(token, "playback.mp4") is None and not (found.root / token).exists()
    now[0] = 0.0
    first = found.give("someone", target, "playback.mp4", allowed)
    now[0] = viewings.LIFETIME_SECONDS / 2 - 1
    assert found.give("someone", target, "playback.mp4", allowed) == first  # asked again: the same address
    now[0] = viewings.LIFETIME_SECONDS / 2
    again = found.give("someone", target, "playback.mp4", allowed)
    assert again != first and len(found) == 1  # one with time enough to play to the end replaces it
    found.clear()  # the server stops or starts
    assert len(found) == 0 and list(found.root.iterdir()) == []


async def test_the_servers_own_checks_do_not_keep_a_session_alive(site) -> None:
    _, password = accounts.create(site.db, "idle@example.com", Role.REVIEWER, "t")
    start = clock.now()
    idle = timedelta(minutes=site.settings.reviews.session_idle_minutes)
    checked, used = (
        sessions.login(site.db, site.settings, "idle@example.com", password, "127.0.0.1", now=start)
        for _ in range(2)
    )
    before = start + idle - timedelta(minutes=2)
    assert sessions.resolve(site.db, site.settings, checked, now=before, touch=False) is not None
    assert (
        sessions.resolve(site.db, site.settings, used, now=before) is not None
    )  # the reviewer did something
    after = start + idle + timedelta(minutes=1)
    assert sessions.resolve(site.db, site.settings, checked, now=after, touch=False) is None
    assert sessions.resolve(site.db, site.settings, used, now=after, touch=False) is not None

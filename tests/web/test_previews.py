"""While a recording's MP4 is made, a reviewer watches its preview (WebM) from the same address, with the same
authorisation, audit and byte ranges, and the review page says what it is; so does a share link's page; the API
waits for the MP4. Once the MP4 is ready the same address plays it, and the preview's viewing ends at the next check."""

from __future__ import annotations

import shutil
from pathlib import Path

from boxinterview.domain import accounts, api, integration, recordings, shares
from boxinterview.domain.models import RecordingState
from boxinterview.pipeline import processing
from boxinterview.web import viewings
from tests.support import device_clips
from tests.support.reviewing import completed_candidate, reviewer
from tests.support.site import text_of
from tests.web.test_viewings import address, viewed


async def test_a_reviewer_watches_the_preview_until_the_mp4_is_ready(make_site, tmp_path: Path) -> None:
    live = await make_site()
    invitation_id = completed_candidate(live, "Zoë Ångström-Øster")
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    # streamed as Firefox's recorder does: VP8, its clock starting at 3 s, no length or index in it
    shutil.copy(device_clips.make("webm_at_3s.webm", tmp_path / "clips", 6.0), rec.original_path)
    s = await reviewer(live, "watcher@example.com")
    media = f"/media/recordings/{rec.id}/playback"

    # not ready and no preview yet: nothing to watch
    assert (await s.get(media, allow_redirects=False)).status == 404
    page = await text_of(s, f"/review/{invitation_id}")
    assert "The recording is uploaded" in page and "data-preview" not in page
    owner = next(a for a in accounts.listing(live.db) if a.email == "watcher@example.com")
    _, share = shares.create(live.db, owner, [invitation_id], [live.interview.questions[0].id], 3)
    _, other_question = shares.create(live.db, owner, [invitation_id], [live.interview.questions[1].id], 3)
    client = await live.browser()
    shared = await client.get(f"/s/{share}")
    assert "This answer is still being prepared: reload the page in a minute." in await shared.text()
    assert (await client.get(f"/s/{share}/media/{rec.id}/playback", allow_redirects=False)).status == 404

    made = await processing.preview(live.db, live.settings, rec.id)
    assert made is not None
    data = made.read_bytes()
    page = await text_of(s, f"/review/{invitation_id}")
    assert 'data-preview="video/webm"' in page and f'src="{media}"' in page
    assert "shown while the copy every browser plays is prepared" in " ".join(page.split())
    where = await address(s, media)
    assert where.startswith("/v/") and where.endswith("/playback.webm")
    assert viewed(live) == 1
    part = await s.get(where, headers={"Range": "bytes=100-4195"})
    assert part.status == 206 and await part.read() == data[100:4196]
    assert part.headers["Content-Type"] == "video/webm"
    assert part.headers["Cache-Control"] == "private, no-store"
    # the poster is made with the MP4
    assert (await s.get(f"/media/recordings/{rec.id}/poster", allow_redirects=False)).status == 404

    # a share link's page plays it the same way, through the link's own address
    shared_page = await (await client.get(f"/s/{share}")).text()
    assert (
        'data-preview="video/webm"' in shared_page
        and f'src="/s/{share}/media/{rec.id}/playback"' in shared_page
    )
    assert (
        "its sound is not levelled yet" in shared_page and "still being prepared: reload" not in shared_page
    )
    assert (await address(client, f"/s/{share}/media/{rec.id}/playback")).endswith("/playback.webm")
    assert (await client.get(f"/s/{share}/media/{rec.id}/poster", allow_redirects=False)).status == 404

    # a reviewer not assigned, a share link for another question and the API do not get it
    stranger = await reviewer(live, "stranger@example.com", assign=False)
    assert (await stranger.get(media, allow_redirects=False)).status == 404
    elsewhere = await client.get(f"/s/{other_question}/media/{rec.id}/playback", allow_redirects=False)
    assert elsewhere.status == 404
    caller = api.check_token(live.db, api.create_token(live.db, "ats", "t"))
    assert caller is not None
    link = integration.media_link(live.db, caller, rec.id, "playback", 60)
    assert (await client.get(link, allow_redirects=False)).status == 404

    assert await processing.process(live.db, live.settings, rec.id) is RecordingState.READY
    assert not made.exists()
    # until the next check the preview's address is still given out, but its file is gone: a 404 page
    gone = await client.get(where, headers={"Range": "bytes=0-9"})
    assert gone.status == 404 and gone.headers["Content-Type"].startswith("text/html")
    # the preview's address ends at the next check; the page's address now plays the MP4
    await live.server.app[viewings.VIEWINGS].recheck()
    assert (await client.get(where, headers={"Range": "bytes=0-9"})).status == 404
    mp4 = await address(s, media)
    assert mp4.endswith("/playback.mp4")
    assert (await s.get(mp4, headers={"Range": "bytes=0-9"})).headers["Content-Type"] == "video/mp4"
    page = await text_of(s, f"/review/{invitation_id}")
    assert "data-preview" not in page and f'poster="/media/recordings/{rec.id}/poster"' in page
    assert (await client.get(f"/s/{share}/media/{rec.id}/playback", allow_redirects=False)).status == 307

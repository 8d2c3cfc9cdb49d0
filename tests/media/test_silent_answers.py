"""An answer nobody can hear is flagged for reviewers and on share links, and only that one."""

from __future__ import annotations

import re
import shutil

from boxinterview.domain import recordings
from boxinterview.pipeline import processing
from tests.support import device_clips
from tests.support.clips import make
from tests.support.reviewing import completed_candidate, csrf, reviewer
from tests.support.site import Site, text_of

FLAG = "Nothing can be heard in this answer"


async def processed_from(live: Site, invitation_id: int, clip) -> int:
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(clip, rec.original_path)
    assert (await processing.process(live.db, live.settings, rec.id)).value == "ready"
    return rec.id


async def test_reviewers_see_which_answer_could_not_be_heard(site, tmp_path) -> None:
    live = site
    muted = completed_candidate(live, "Jörg Müller")
    await processed_from(live, muted, device_clips.make("muted.webm", tmp_path / "clips"))
    heard = completed_candidate(live, "李雷")
    await processed_from(live, heard, make("vp8_opus.webm", tmp_path / "clips"))
    s = await reviewer(live, "listener@example.com")
    page = await s.get(f"/review/{muted}")
    assert page.status == 200 and (await page.text()).count(FLAG) == 1
    assert FLAG not in await text_of(s, f"/review/{heard}")
    page = f"/review/{muted}"
    made = await s.post(
        f"{page}/share",
        data={"csrf": await csrf(s, page), "days": "3", "question": [str(live.interview.questions[0].id)]},
    )
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', await made.text()).group(1)
    assert url.startswith(live.base + "/s/")
    assert "Nothing can be heard" in await text_of(await live.browser(), url.removeprefix(live.base))

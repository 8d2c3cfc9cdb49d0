"""An answer nobody can hear is flagged for reviewers and on share links, and only that one (real server)."""

from __future__ import annotations

import asyncio
import re
import shutil

import requests

from boxinterview.domain import recordings
from boxinterview.pipeline import processing
from tests.support import device_clips
from tests.support.clips import make
from tests.web.test_review import completed_candidate, csrf, live, reviewer  # noqa: F401 (fixture)

FLAG = "Nothing can be heard in this answer"


def processed_from(live, invitation_id: int, clip) -> int:  # noqa: F811 (the fixture's name)
    rec = next(r for r in recordings.listing(live.db) if r.invitation_id == invitation_id)
    shutil.copy(clip, rec.original_path)
    assert asyncio.run(processing.process(live.db, live.settings, rec.id)).value == "ready"
    return rec.id


def test_reviewers_see_which_answer_could_not_be_heard(live, tmp_path) -> None:  # noqa: F811
    muted = completed_candidate(live, "Jörg Müller")
    processed_from(live, muted, device_clips.make("muted.webm", tmp_path / "clips"))
    heard = completed_candidate(live, "李雷")
    processed_from(live, heard, make("vp8_opus.webm", tmp_path / "clips"))
    s = reviewer(live, "listener@example.com")
    page = s.get(f"{live.base}/review/{muted}")
    assert page.status_code == 200 and page.text.count(FLAG) == 1
    assert FLAG not in s.get(f"{live.base}/review/{heard}").text
    page = f"/review/{muted}"
    made = s.post(
        f"{live.base}{page}/share",
        data={"csrf": csrf(s, live, page), "days": "3", "question": [str(live.interview.questions[0].id)]},
    )
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', made.text).group(1)
    assert "Nothing can be heard" in requests.get(url).text

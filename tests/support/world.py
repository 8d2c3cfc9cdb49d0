"""One of everything a route can be asked about, for the tests that call every route as every kind of caller
(tests/web/test_authorisation.py in process, tests/web/test_fuzz.py against the live server): a candidate who
finished with a processed take, one in the middle of the interview, a share link, an API token and three
accounts (a reviewer not assigned to the interview, one assigned, an admin), not yet signed in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from boxinterview.domain import accounts, answers, api, interview_media, invitations, recordings, shares
from boxinterview.domain.models import Role
from boxinterview.pipeline import interview_media as team_media
from boxinterview.pipeline import processing
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import Live

ACCOUNTS = (
    ("unassigned", Role.REVIEWER, False),
    ("assigned", Role.REVIEWER, True),
    ("admin", Role.ADMIN, False),
)


async def build_world(live: Live, clips: Path) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The world (everything but the signed-in sessions) and each account's e-mail and password by name."""
    inv, token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    q = live.interview.questions
    rid = record_take(live.db, live.settings, token, q[0].id, 1, b"x")
    shutil.copy(make("vp8_opus.webm", clips), recordings.get(live.db, rid).original_path)
    await processing.process(live.db, live.settings, rid)
    answers.submit_take(live.db, inv.id, q[0].id, 1)
    record_take(live.db, live.settings, token, q[1].id, 1, b"y")
    answers.submit_take(live.db, inv.id, q[1].id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "An answer.")
    answers.complete(live.db, inv.id)
    # a second candidate, in the middle of the interview, is the one who starts an upload
    other, other_token = invitations.invite(live.db, live.interview.id, "Bo", "bo@example.com", "t")
    invitations.record_consent(live.db, other.id, "1")
    credentials = {}
    for name, role, assign in ACCOUNTS:
        email = f"{name}@example.com"
        _, password = accounts.create(live.db, email, role, "t")
        if assign:
            accounts.assign(live.db, email, live.interview.id, "t")
        credentials[name] = (email, password)
    owner = next(a for a in accounts.listing(live.db) if a.email == "assigned@example.com")
    share_id, share_token = shares.create(live.db, owner, [inv.id], [q[0].id], 3)
    api_token = api.create_token(live.db, "ats", "test")
    # the team's welcome video, ready to play
    admin = next(a for a in accounts.listing(live.db) if a.email == "admin@example.com")
    staged = interview_media.staging_path(live.settings.data_dir, live.interview.id, None)
    shutil.copy(make("vp8_opus.webm", clips, seconds=1.0), staged)
    media_id = interview_media.put(live.db, admin, live.interview.id, None, staged, "hello.webm", ".webm")
    await team_media.process(live.db, live.settings, media_id)
    world = {
        "live": live,
        "candidate_token": token,
        "uploading_token": other_token,
        "share_token": share_token,
        "api_token": api_token,
        "invitation_id": inv.id,
        "question_id": q[0].id,
        "take": "1",
        "recording_id": rid,
        "share_id": share_id,
        "interview_id": live.interview.id,
        "other_question": q[0].id,
        "media_id": media_id,
    }
    return world, credentials

"""Only the take a candidate submits is ever seen, and only once they have finished: reviewers, admins, API
tokens and share links guessing recording ids over every media address get nothing else; the candidate still
watches every take of their own."""

from __future__ import annotations

import shutil

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient

from boxinterview.domain import accounts, answers, api, invitations, recordings, shares
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.signin import sign_in_with
from tests.support.site import Site, serving

KINDS = ("playback", "poster")


async def ready_take(live: Site, token: str, question: int, take: int) -> int:
    """A take recorded, uploaded and processed until it is ready to play; returns its recording id."""
    rid = record_take(live.db, live.settings, token, question, take, b"x")
    shutil.copy(make("vp8_opus.webm", live.root / "clips"), recordings.get(live.db, rid).original_path)
    assert (await processing.process(live.db, live.settings, rid)).value == "ready"
    return rid


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def media(tmp_path_factory):
    async with serving(tmp_path_factory.mktemp("media")) as live:
        video, audio, text = (q.id for q in live.interview.questions)
        # Ann finished: she recorded two takes of the first question and submitted the second
        ann, ann_token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "t")
        invitations.record_consent(live.db, ann.id, "1")
        unsubmitted = await ready_take(live, ann_token, video, 1)
        submitted = await ready_take(live, ann_token, video, 2)
        answers.submit_take(live.db, ann.id, video, 2)
        record_take(live.db, live.settings, ann_token, audio, 1, b"y")
        answers.submit_take(live.db, ann.id, audio, 1)
        answers.submit_text(live.db, ann.id, text, "An answer.")
        answers.complete(live.db, ann.id)
        # Bo is half-way: his first answer is submitted and ready, but he has not finished
        bo, bo_token = invitations.invite(live.db, live.interview.id, "Bo", "bo@example.com", "t")
        invitations.record_consent(live.db, bo.id, "1")
        unfinished = await ready_take(live, bo_token, video, 1)
        answers.submit_take(live.db, bo.id, video, 1)
        callers: dict[str, TestClient] = {}
        for name, role, assigned in (
            ("assigned", Role.REVIEWER, True),
            ("unassigned", Role.REVIEWER, False),
            ("admin", Role.ADMIN, False),
        ):
            account, password = accounts.create(live.db, f"{name}@example.com", role, "t")
            if assigned:
                accounts.assign(live.db, account.email, live.interview.id, "t")
            session = await live.browser()
            assert (await sign_in_with(session, account.email, password)).ok
            callers[name] = session
        callers["api"] = await live.browser()
        callers["api"].session.headers["Authorization"] = f"Bearer {api.create_token(live.db, 'ats', 't')}"
        callers["anonymous"] = await live.browser()
        owner = next(a for a in accounts.listing(live.db) if a.email == "assigned@example.com")
        _, share = shares.create(live.db, owner, [ann.id], [video, audio], 3)
        yield {
            "live": live,
            "callers": callers,
            "share": share,
            "submitted": submitted,
            "unsubmitted": unsubmitted,
            "unfinished": unfinished,
            "video": video,
            "tokens": {"ann": ann_token, "bo": bo_token},
        }


def guesses(media: dict) -> list[int]:
    """Every recording id there is, and some beyond."""
    return list(range(1, max(media["submitted"], media["unsubmitted"], media["unfinished"]) + 4))


async def served(session: TestClient, urls: dict[tuple[int, str], str]) -> set[tuple[int, str]]:
    got = set()
    for key, url in urls.items():
        for method in ("GET", "HEAD"):
            r = await session.request(method, url, headers={"Range": "bytes=0-"}, allow_redirects=False)
            await r.read()
            if r.status == 307:  # an authorised viewing plays from its own address
                assert r.headers["Location"].startswith("/v/"), url
                r = await session.request(method, r.headers["Location"], headers={"Range": "bytes=0-"})
                await r.read()
            assert r.status < 500, (method, url, r.status)
            if r.status in (200, 206):
                got.add(key)
    return got


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("caller", ["assigned", "unassigned", "admin", "api", "anonymous"])
async def test_reviewers_and_tokens_guessing_recording_ids_get_only_submitted_takes_of_finished_interviews(
    media, caller
) -> None:
    urls = {(rid, kind): f"/media/recordings/{rid}/{kind}" for rid in guesses(media) for kind in KINDS}
    got = await served(media["callers"][caller], urls)
    allowed = {(media["submitted"], kind) for kind in KINDS} if caller in ("assigned", "admin") else set()
    assert got == allowed


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("caller", ["assigned", "admin", "anonymous"])
async def test_a_share_link_guessing_recording_ids_gets_only_the_submitted_take(media, caller) -> None:
    urls = {
        (rid, kind): f"/s/{media['share']}/media/{rid}/{kind}" for rid in guesses(media) for kind in KINDS
    }
    assert await served(media["callers"][caller], urls) == {(media["submitted"], kind) for kind in KINDS}


@pytest.mark.asyncio(loop_scope="module")
async def test_a_candidate_still_watches_every_take_of_their_own(media) -> None:
    video = media["video"]
    candidate = await media["live"].browser()
    for who, take in (("ann", 1), ("ann", 2), ("bo", 1)):
        r = await candidate.get(f"/api/v1/candidate/{media['tokens'][who]}/takes/{video}/{take}")
        assert r.status == 200 and await r.read()
    other = await candidate.get(f"/api/v1/candidate/{media['tokens']['bo']}/takes/{video}/2")
    assert other.status == 404  # Bo has no second take; Ann's is not his to see

"""Only the take a candidate submits is ever seen, and only once they have finished: reviewers, admins, API
tokens and share links guessing recording ids over every media address get nothing else; the candidate still
watches every take of their own."""

from __future__ import annotations

import asyncio
import shutil

import pytest
import requests

from boxinterview.domain import accounts, answers, api, invitations, recordings, shares
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import live_server
from tests.support.signin import sign_in

KINDS = ("playback", "poster")


def ready_take(live, token: str, question: int, take: int) -> int:
    """A take recorded, uploaded and processed until it is ready to play; returns its recording id."""
    rid = record_take(live.db, live.settings, token, question, take, b"x")
    shutil.copy(make("vp8_opus.webm", live.root / "clips"), recordings.get(live.db, rid).original_path)
    assert asyncio.run(processing.process(live.db, live.settings, rid)).value == "ready"
    return rid


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("media")) as live:
        video, audio, text = (q.id for q in live.interview.questions)
        # Ann finished: she recorded two takes of the first question and submitted the second
        ann, ann_token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "t")
        invitations.record_consent(live.db, ann.id, "1")
        unsubmitted = ready_take(live, ann_token, video, 1)
        submitted = ready_take(live, ann_token, video, 2)
        answers.submit_take(live.db, ann.id, video, 2)
        record_take(live.db, live.settings, ann_token, audio, 1, b"y")
        answers.submit_take(live.db, ann.id, audio, 1)
        answers.submit_text(live.db, ann.id, text, "An answer.")
        answers.complete(live.db, ann.id)
        # Bo is half-way: his first answer is submitted and ready, but he has not finished
        bo, bo_token = invitations.invite(live.db, live.interview.id, "Bo", "bo@example.com", "t")
        invitations.record_consent(live.db, bo.id, "1")
        unfinished = ready_take(live, bo_token, video, 1)
        answers.submit_take(live.db, bo.id, video, 1)
        callers: dict[str, requests.Session] = {}
        for name, role, assigned in (
            ("assigned", Role.REVIEWER, True),
            ("unassigned", Role.REVIEWER, False),
            ("admin", Role.ADMIN, False),
        ):
            account, password = accounts.create(live.db, f"{name}@example.com", role, "t")
            if assigned:
                accounts.assign(live.db, account.email, live.interview.id, "t")
            session = requests.Session()
            assert sign_in(session, live.base, account.email, password).ok
            callers[name] = session
        callers["api"] = requests.Session()
        callers["api"].headers["Authorization"] = f"Bearer {api.create_token(live.db, 'ats', 't')}"
        callers["anonymous"] = requests.Session()
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


def served(session: requests.Session, urls: dict[tuple[int, str], str]) -> set[tuple[int, str]]:
    got = set()
    for key, url in urls.items():
        for method in ("GET", "HEAD"):
            r = session.request(method, url, headers={"Range": "bytes=0-"}, allow_redirects=False, timeout=10)
            assert r.status_code < 500, (method, url, r.status_code)
            if r.status_code in (200, 206):
                got.add(key)
    return got


@pytest.mark.parametrize("caller", ["assigned", "unassigned", "admin", "api", "anonymous"])
def test_reviewers_and_tokens_guessing_recording_ids_get_only_submitted_takes_of_finished_interviews(
    media, caller
) -> None:
    base = media["live"].base
    urls = {(rid, kind): f"{base}/media/recordings/{rid}/{kind}" for rid in guesses(media) for kind in KINDS}
    got = served(media["callers"][caller], urls)
    allowed = {(media["submitted"], kind) for kind in KINDS} if caller in ("assigned", "admin") else set()
    assert got == allowed


@pytest.mark.parametrize("caller", ["assigned", "admin", "anonymous"])
def test_a_share_link_guessing_recording_ids_gets_only_the_submitted_take(media, caller) -> None:
    base = media["live"].base
    urls = {
        (rid, kind): f"{base}/s/{media['share']}/media/{rid}/{kind}"
        for rid in guesses(media)
        for kind in KINDS
    }
    assert served(media["callers"][caller], urls) == {(media["submitted"], kind) for kind in KINDS}


def test_a_candidate_still_watches_every_take_of_their_own(media) -> None:
    base, video = media["live"].base, media["video"]
    for who, take in (("ann", 1), ("ann", 2), ("bo", 1)):
        r = requests.get(f"{base}/api/v1/candidate/{media['tokens'][who]}/takes/{video}/{take}", timeout=10)
        assert r.status_code == 200 and r.content
    other = requests.get(f"{base}/api/v1/candidate/{media['tokens']['bo']}/takes/{video}/2", timeout=10)
    assert other.status_code == 404  # Bo has no second take; Ann's is not his to see

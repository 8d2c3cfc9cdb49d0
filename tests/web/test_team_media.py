"""The hiring team's videos: uploaded files made playable, bad uploads and captions refused with clear
messages, and the videos served in byte ranges to the interview's reviewers and candidates only."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient

from boxinterview.domain import interview_io, interview_media, interviews, invitations
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.media import probe
from boxinterview.pipeline import interview_media as team_processing
from tests.support import clips, device_clips
from tests.support.reviewing import csrf, reviewer
from tests.support.site import Site

VTT = "WEBVTT\n\n00:00.200 --> 00:01.500\nWelcome, and thank you for applying.\n"
OTHER = """\
title: Other
role: Other role
questions:
  - {prompt: Why this role, kind: video, answer_seconds: 30}
"""


def page(site: Site) -> str:
    return f"/review/interviews/{site.interview.id}/media"


async def send(
    session: TestClient, url: str, token: str | None, data: bytes, name: str, mime: str, json: bool = True
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    if token is not None:
        form.add_field("csrf", token)
    form.add_field("file", data, filename=name, content_type=mime)
    headers = {"Accept": "application/json"} if json else {}
    return await session.post(url, data=form, headers=headers, allow_redirects=False)


async def ready(site: Site, media_id: int) -> interview_media.TeamMedia:
    """Process the video as the job queue's worker would."""
    assert await team_processing.process(site.db, site.settings, media_id) == "ready"
    return interview_media.get(site.db, media_id)


async def test_uploaded_phone_video_and_webm_become_playable_mp4(site: Site, tmp_path: Path) -> None:
    team = await reviewer(site, "lee@example.com")
    token = await csrf(team, page(site))
    phone = device_clips.make("phone_portrait.mp4", tmp_path, seconds=2.0)
    webm = clips.make("vp8_opus.webm", tmp_path, seconds=2.0)
    question = site.interview.questions[0].id

    r = await send(team, page(site) + "/welcome", token, phone.read_bytes(), "IMG_0001.MP4", "video/mp4")
    assert r.status == 200, await r.text()
    welcome = await ready(site, (await r.json())["media"])
    r = await send(
        team, f"{page(site)}/questions/{question}", token, webm.read_bytes(), "q.webm", "video/webm"
    )
    assert r.status == 200, await r.text()
    asked = await ready(site, (await r.json())["media"])

    for media, upright in ((welcome, True), (asked, False)):
        assert media.playback_path is not None and media.duration_ms is not None
        played = await probe(Path(media.playback_path))
        assert played.video is not None and played.audio is not None
        assert (played.video.codec, played.audio.codec) == ("h264", "aac")
        width, height = played.video.display_sizes[0]
        assert (height > width) is upright  # the phone's picture stands upright, as the phone showed it
        assert abs(media.duration_ms - 2000) < 300
        data = Path(media.playback_path).read_bytes()
        assert data.index(b"moov") < data.index(b"mdat")  # faststart: plays before it has all arrived
    text = await (await team.get(page(site))).text()
    assert text.count("Ready: candidates see this video") == 2


async def test_bad_uploads_and_broken_captions_are_refused_saying_why(make_site, tmp_path: Path) -> None:
    site = await make_site(uploads={"max_bytes": 100_000})
    team = await reviewer(site, "lee@example.com")
    token = await csrf(team, page(site))
    url = page(site) + "/welcome"

    r = await send(team, url, token, b"Dear team, here is my letter.", "letter.txt", "text/plain")
    assert r.status == 422 and "not a video or sound recording" in (await r.json())["error"]["message"]
    r = await send(team, url, token, b"", "empty.mp4", "video/mp4")
    assert r.status == 422 and "the file is empty" in (await r.json())["error"]["message"]
    r = await send(team, url, token, b"\0" * 150_000, "big.mp4", "video/mp4")
    assert r.status == 413 and "larger than the limit of 98 KB" in (await r.json())["error"]["message"]
    r = await send(team, url, None, b"\0" * 10, "x.mp4", "video/mp4")
    assert r.status == 403
    r = await send(team, url, token, b"x", "letter.txt", "text/plain", json=False)  # a plain form: a page
    assert r.status == 422 and "not a video or sound recording" in await r.text()
    assert not list((site.settings.data_dir / "files").rglob("*.tmp")), "refused uploads leave nothing behind"

    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0)
    r = await send(team, url, token, clip.read_bytes(), "hello.webm", "video/webm")
    media_id = (await r.json())["media"]
    broken = "WEBVTT\n\n00:00.200 --> 00:01.500\nHello\n\n00:03.000 --> 00:02.000\nBye\n"
    r = await team.post(f"/review/media/{media_id}/captions", data={"csrf": token, "captions": broken})
    assert r.status == 422
    assert "line 6: the cue &#39;00:03.000 --&gt; 00:02.000&#39; ends before it starts" in await r.text()
    form = aiohttp.FormData({"csrf": token})
    form.add_field("file", b"Hello\n", filename="captions.vtt", content_type="text/vtt")
    r = await team.post(f"/review/media/{media_id}/captions", data=form)
    assert r.status == 422 and "line 1: a WebVTT file starts with the word &#34;WEBVTT&#34;" in await r.text()
    assert interview_media.get(site.db, media_id).captions is None
    form = aiohttp.FormData({"csrf": token})
    form.add_field("file", VTT.encode(), filename="captions.vtt", content_type="text/vtt")
    r = await team.post(f"/review/media/{media_id}/captions", data=form)
    assert r.status == 200 and "The captions are saved." in await r.text()
    assert interview_media.get(site.db, media_id).captions == VTT


async def test_only_the_interviews_people_can_fetch_its_videos_in_ranges(site: Site, tmp_path: Path) -> None:
    team = await reviewer(site, "lee@example.com")
    token = await csrf(team, page(site))
    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0)
    r = await send(team, page(site) + "/welcome", token, clip.read_bytes(), "hello.webm", "video/webm")
    media = await ready(site, (await r.json())["media"])
    await team.post(f"/review/media/{media.id}/captions", data={"csrf": token, "captions": VTT})
    assert media.playback_path is not None
    size = Path(media.playback_path).stat().st_size
    own = site.candidate(consent=False)  # before consent: the welcome comes first
    video, vtt = f"/i/{own}/media/{media.id}/video", f"/i/{own}/media/{media.id}/captions.vtt"

    anyone = await site.browser()
    invitation = await (await anyone.get(f"/i/{own}")).text()
    assert f'src="{video}"' in invitation and f'src="{vtt}" default' in invitation
    assert invitation.index(video) < invitation.index('action="/i/')  # the welcome before the consent form
    r = await anyone.get(video, headers={"Range": "bytes=100-199"})
    assert r.status == 206 and r.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert await r.read() == Path(media.playback_path).read_bytes()[100:200]
    r = await anyone.get(video, headers={"Range": f"bytes={size}-"})
    assert r.status == 416
    r = await anyone.get(vtt)
    assert r.status == 200 and r.content_type == "text/vtt" and "Welcome, and thank you" in await r.text()
    r = await team.get(f"/review/media/{media.id}/video", headers={"Range": "bytes=0-9"})
    assert r.status == 206

    other_id = interviews.create(site.db, interview_io.from_yaml(OTHER), "t")
    interviews.set_status(site.db, other_id, InterviewStatus.OPEN, "t")
    _, stranger_token = invitations.invite(site.db, other_id, "Bo", "bo@example.com", "t")
    assert (await anyone.get(f"/i/{stranger_token}/media/{media.id}/video")).status == 404
    assert (await anyone.get(f"/i/{'A' * 43}/media/{media.id}/video")).status == 404
    assert (await anyone.get(f"/review/media/{media.id}/video", allow_redirects=False)).status == 303
    unassigned = await reviewer(site, "kim@example.com", assign=False)
    assert (await unassigned.get(f"/review/media/{media.id}/video")).status == 404
    assert (await unassigned.get(page(site))).status == 404

    r = await team.post(f"/review/media/{media.id}/remove", data={"csrf": token})
    assert r.status == 200 and "The video is removed." in await r.text()
    assert (await anyone.get(video)).status == 404
    assert not Path(media.playback_path).exists()
    assert 'id="welcome-video"' not in await (await anyone.get(f"/i/{own}")).text()


async def test_a_replaced_video_is_processed_afresh_and_the_old_files_go(site: Site, tmp_path: Path) -> None:
    team = await reviewer(site, "lee@example.com")
    token = await csrf(team, page(site))
    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0)
    r = await send(team, page(site) + "/welcome", token, clip.read_bytes(), "one.webm", "video/webm")
    first = await ready(site, (await r.json())["media"])
    r = await send(team, page(site) + "/welcome", token, clip.read_bytes(), "two.webm", "video/webm")
    second = interview_media.get(site.db, (await r.json())["media"])
    assert second.id == first.id and second.state == "processing" and second.original_name == "two.webm"
    assert first.playback_path and not Path(first.playback_path).exists()
    assert not Path(first.original_path).exists()
    assert (await ready(site, second.id)).state == "ready"


async def test_a_question_video_reaches_the_interview_page(site: Site, tmp_path: Path) -> None:
    team = await reviewer(site, "lee@example.com")
    token = await csrf(team, page(site))
    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0)
    question = site.interview.questions[0].id
    r = await send(
        team, f"{page(site)}/questions/{question}", token, clip.read_bytes(), "q.webm", "video/webm"
    )
    media = await ready(site, (await r.json())["media"])
    candidate = site.candidate()
    text = await (await (await site.browser()).get(f"/i/{candidate}/interview")).text()
    assert f'"src": "/i/{candidate}/media/{media.id}/video"' in text
    assert '"captions": null' in text and '"latest": 32' in text


GERMAN = """\
title: Auf Deutsch
role: Sachbearbeitung
language: de
questions:
  - {prompt: Stellen Sie sich vor, kind: video, answer_seconds: 30}
"""


async def test_the_welcome_speaks_the_interviews_language(site: Site, tmp_path: Path) -> None:
    interview_id = interviews.create(site.db, interview_io.from_yaml(GERMAN), "t")
    interviews.set_status(site.db, interview_id, InterviewStatus.OPEN, "t")
    admin = await reviewer(site, "ada@example.com", assign=False, role=Role.ADMIN)
    token = await csrf(admin, f"/review/interviews/{interview_id}/media")
    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0)
    url = f"/review/interviews/{interview_id}/media/welcome"
    media = await ready(
        site,
        (await (await send(admin, url, token, clip.read_bytes(), "w.webm", "video/webm")).json())["media"],
    )
    await admin.post(f"/review/media/{media.id}/captions", data={"csrf": token, "captions": VTT})
    _, candidate = invitations.invite(site.db, interview_id, "Jo", "jo@example.com", "t")
    text = await (await (await site.browser()).get(f"/i/{candidate}")).text()
    assert '<html lang="de"' in text
    assert 'kind="captions" srclang="de" label="Untertitel"' in text
    assert "Eine Begrüßung durch das Auswahlteam. Während Sie zusehen, wird nichts aufgenommen." in text


async def test_a_question_video_cannot_change_once_candidates_have_started(
    site: Site, tmp_path: Path
) -> None:
    from boxinterview.domain import answers

    team = await reviewer(site, "lee@example.com")
    clip = clips.make("vp8_opus.webm", tmp_path, seconds=1.0).read_bytes()
    question = site.interview.questions[0].id
    first = await send(
        team, f"{page(site)}/questions/{question}", await csrf(team, page(site)), clip, "q.webm", "video/webm"
    )
    media_id = (await first.json())["media"]
    inv, _ = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    answers.begin_take(site.db, inv.id, question)  # a candidate has started: the questions are fixed
    again = await send(
        team,
        f"{page(site)}/questions/{question}",
        await csrf(team, page(site)),
        clip,
        "q2.webm",
        "video/webm",
    )
    assert again.status == 409
    assert "make a new version" in (await again.json())["error"]["message"]
    assert (
        interview_media.get(site.db, media_id).original_name == "q.webm"
    )  # the video the candidate sees stays
    # The welcome is not part of a question: it may still change
    welcome = await send(
        team, page(site) + "/welcome", await csrf(team, page(site)), clip, "w.webm", "video/webm"
    )
    assert welcome.status in (200, 201, 202), await welcome.text()

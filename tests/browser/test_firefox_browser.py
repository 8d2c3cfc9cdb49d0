"""The candidate's journey in Debian's Firefox ESR (fake camera and microphone, over WebDriver BiDi): invitation,
consent, device check, practice question, a video and an audio answer recorded with MediaRecorder and uploaded
over tus, a written answer, finish — then, on the server, every recorded answer playable."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from boxinterview.domain import insight, invitations, journey
from boxinterview.domain.models import InvitationStatus
from boxinterview.media.probe import probe
from tests.support.browsers import FIREFOX, firefox_journey, have, submitted_recordings
from tests.support.candidate_steps import invite, open_interview
from tests.support.live import live_server
from tests.support.storage_mode import stored

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERVIEW = """\
title: Firefox test
role: Support agent
support_contact: help@example.com
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 2, answer_seconds: 8, takes: 1, competencies: [Clarity]}
  - {prompt: Describe a hard call, kind: audio, think_seconds: 1, answer_seconds: 6, takes: 1, competencies: [Clarity]}
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
"""
SECONDS = 2.5


def test_a_candidate_answers_everything_in_firefox_and_every_recording_plays(tmp_path: Path) -> None:
    have(FIREFOX, "node", "npm", "pulseaudio")
    with live_server(tmp_path, media={"worker_in_server": True}) as live:
        interview = open_interview(live, INTERVIEW)
        token, inv_id = invite(live, consent=False)

        seen = firefox_journey(f"{live.base}/i/{token}", SECONDS, tmp_path)

        assert "Firefox/" in seen["userAgent"], seen["userAgent"]
        assert seen["check"]["r-browser"] == "Browser: can record ✓"
        assert seen["check"]["r-camera"] == "Camera: working ✓"
        assert "we can hear you" in seen["check"]["r-mic"]  # Firefox's fake microphone plays a tone
        assert seen["doneUrl"].endswith(f"/i/{token}/done")
        assert "console" not in seen, seen["console"]
        assert invitations.get(live.db, inv_id).status is InvitationStatus.COMPLETED
        since, until = insight.period(30)
        health = insight.for_interview(live.db, None, interview.id, since, until).technical
        assert health.browsers == [("Firefox on a computer", 1)] and health.checks_failed == 0
        assert journey.progress(live.db, token).questions[2].text_value.startswith("Listening first")

        chosen = submitted_recordings(live, token, inv_id)
        video_q, audio_q = interview.questions[0].id, interview.questions[1].id
        assert {q: r.state for q, r in chosen.items()} == {video_q: "ready", audio_q: "ready"}
        video, audio = chosen[video_q], chosen[audio_q]
        # What Firefox records: WebM with VP8 and Opus for a video answer, WebM (or Ogg) with Opus for sound.
        assert video.mime_type.startswith("video/webm;codecs=vp8,opus"), video.mime_type
        assert audio.mime_type.startswith(("audio/webm", "audio/ogg")), audio.mime_type
        original = asyncio.run(probe(stored(live.db, video.original_path, live.root / "looked-at")))
        assert "webm" in original.format_name and original.video and original.audio
        assert (original.video.codec, original.audio.codec) == ("vp8", "opus")
        heard = asyncio.run(probe(stored(live.db, audio.original_path, live.root / "looked-at")))
        assert heard.video is None and heard.audio and heard.audio.codec == "opus"
        for r in (video, audio):
            # the take as long as it was recorded, give or take the time to start and stop
            assert r.duration_ms and 1500 <= r.duration_ms <= SECONDS * 1000 + 2500, (
                r.mime_type,
                r.duration_ms,
            )
        for info in (original, heard):
            # the voice from the first moment: a take started before the microphone delivers loses its beginning
            assert info.audio and info.audio.span and info.audio.span.seconds >= SECONDS - 0.6, info.audio
        assert video.playback_path and video.playback_path.endswith(".mp4")
        assert audio.playback_path and audio.playback_path.endswith(".m4a")

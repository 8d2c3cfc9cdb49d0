"""Recordings shaped like real browsers' and phones' become playback files that keep every second of picture and
sound in sync, or are refused with a reason the candidate can act on (real ffmpeg)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from boxinterview.domain import answers, invitations, journey, recordings
from boxinterview.domain.models import SILENT_LUFS, RecordingState
from boxinterview.errors import Forbidden
from boxinterview.media import MediaInfo, probe
from boxinterview.pipeline import playable, processing
from tests.media.test_processing import ffprobe_json
from tests.support import device_clips
from tests.support.flows import record_take
from tests.support.live import prepare


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("device-clips")


@pytest.fixture
def env(tmp_path: Path):
    _, settings, db, interview = prepare(tmp_path)
    yield settings, db, interview
    db.close()


TOKENS: dict[int, str] = {}  # recording id -> its candidate's link token


async def processed(env, clip: Path, question: int = 0, file_type: str = "video/webm"):
    settings, db, interview = env
    inv, token = invitations.invite(
        db, interview.id, "Zoë Ångström-Øster", f"c{len(TOKENS)}@example.com", "t"
    )
    invitations.record_consent(db, inv.id, "1")
    for earlier in interview.questions[:question]:
        record_take(db, settings, token, earlier.id, 1, b"earlier answer")
        answers.submit_take(db, inv.id, earlier.id, 1)
    rid = record_take(db, settings, token, interview.questions[question].id, 1, clip.read_bytes(), file_type)
    TOKENS[rid] = token
    state = await processing.process(db, settings, rid)
    return state, recordings.get(db, rid)


def ends(path: Path) -> dict[str, tuple[float, float]]:
    """Each stream's (first start, last end) in the file, from its packets."""
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "packet=stream_index,pts_time,duration_time:stream=index,codec_type",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        check=True,
    )
    data = json.loads(out.stdout)
    kinds = {s["index"]: s["codec_type"] for s in data["streams"]}
    spans: dict[str, tuple[float, float]] = {}
    for p in data["packets"]:
        kind, at, length = kinds[p["stream_index"]], float(p["pts_time"]), float(p.get("duration_time", 0))
        start, end = spans.get(kind, (at, at + length))
        spans[kind] = (min(start, at), max(end, at + length))
    return spans


def sound_starts(path: Path) -> list[float]:
    """When sound resumes after each stretch of silence (silencedetect)."""
    out = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-map",
            "0:a",
            "-af",
            "silencedetect=noise=-40dB:d=1",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in re.findall(r"silence_end: (-?[\d.]+)", out.stderr)]


def picture_in_frame(path: Path, at: float) -> tuple[int, int]:
    """The size of the picture inside the frame at `at` seconds (black bars cropped off)."""
    out = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-ss",
            str(at),
            "-i",
            str(path),
            "-frames:v",
            "2",
            "-vf",
            "cropdetect=limit=24:round=2:reset=1",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    w, h = re.findall(r"crop=(\d+):(\d+):", out.stderr)[-1]
    return int(w), int(h)


def mean_brightness(image: Path) -> float:
    out = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(image),
            "-vf",
            "signalstats,metadata=print:key=lavfi.signalstats.YAVG",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.findall(r"lavfi.signalstats.YAVG=([\d.]+)", out.stderr)[-1])


def video_stream(path: Path) -> dict:
    return next(s for s in ffprobe_json(path)["streams"] if s["codec_type"] == "video")


# 1. Timestamps that do not start at 0: the duration is the last end minus the first start, everywhere.


@pytest.mark.parametrize(
    ("kind", "seconds", "file_type"),
    [
        ("safari_fragmented_at_3s.mp4", 10, "video/mp4"),
        ("webm_at_3s.webm", 4, "video/webm"),
        ("chrome_h264_at_2s.mkv", 4, "video/x-matroska"),
    ],
)
async def test_a_recording_that_starts_late_keeps_its_true_length(
    env, clips, kind: str, seconds: float, file_type: str
) -> None:
    clip = device_clips.make(kind, clips, seconds)
    info = await probe(clip)
    assert info.video is not None and info.video.span is not None and info.video.span.start_s >= 2.4
    assert abs(info.duration_s - seconds) < 0.1
    state, rec = await processed(env, clip, file_type=file_type)
    assert state is RecordingState.READY, (
        rec.reason
    )  # verified at the first attempt, not retried into failure
    assert abs(rec.duration_ms - seconds * 1000) < 150
    spans = ends(Path(rec.playback_path))
    for kind_ in ("video", "audio"):
        start, end = spans[kind_]
        assert start < 0.1 and abs(end - seconds) < 0.15, (kind_, spans)


async def test_a_sound_answer_that_starts_late_keeps_its_true_length(env, clips) -> None:
    state, rec = await processed(env, device_clips.make("audio_at_3s.webm", clips), 1, "audio/webm")
    assert state is RecordingState.READY, rec.reason
    assert abs(rec.duration_ms - 4000) < 150


async def test_the_limit_is_judged_on_the_true_length_not_the_last_timestamp(env, clips) -> None:
    # 13 s of answer starting at 3 s, to a question of 10 s + 5 s tolerance: its last timestamp is 16 s.
    state, rec = await processed(
        env, device_clips.make("safari_fragmented_at_3s.mp4", clips, 13), file_type="video/mp4"
    )
    assert state is RecordingState.READY, rec.reason
    assert abs(rec.duration_ms - 13000) < 150


# 2. A frame size that changes mid-recording: one output size, each frame fitted into it, all the sound kept.


async def test_a_phone_turned_mid_answer_keeps_every_frame_undistorted_and_every_second_of_sound(
    env, clips
) -> None:
    state, rec = await processed(env, device_clips.make("rotated_vp8.webm", clips, 6))
    assert state is RecordingState.READY, rec.reason
    playback = Path(rec.playback_path)
    v = video_stream(playback)
    assert (v["width"], v["height"]) == (320, 320)  # a box that holds 240x320 and 320x240
    assert picture_in_frame(playback, 1.0) == (240, 320)  # portrait, padded at the sides
    assert picture_in_frame(playback, 4.5) == (320, 240)  # landscape, padded above and below — not squeezed
    spans = ends(playback)
    assert abs(spans["audio"][1] - 6.0) < 0.15 and abs(spans["video"][1] - 6.0) < 0.15, spans


async def test_an_h264_stream_whose_size_changes_is_encoded_never_copied(env, clips) -> None:
    clip = device_clips.make("camera_switch_h264.mkv", clips, 4)
    info = await probe(clip)
    assert info.video is not None and info.video.sizes == ((640, 480), (1280, 720))
    state, rec = await processed(env, clip, file_type="video/x-matroska")
    assert state is RecordingState.READY, rec.reason
    playback = Path(rec.playback_path)
    played = await probe(playback)
    assert played.video is not None and played.video.sizes == ((1280, 720),)
    assert picture_in_frame(playback, 0.5) == (960, 720)  # 4:3 kept, padded at the sides
    assert picture_in_frame(playback, 3.5) == (1280, 720)
    assert abs(ends(playback)["audio"][1] - 4.0) < 0.15


# 3. A gap in the sound's timestamps: speech stays where it was said.


async def test_sound_after_a_gap_stays_in_sync_with_the_picture(env, clips) -> None:
    state, rec = await processed(env, device_clips.make("audio_gap.webm", clips, 14), question=0)
    assert state is RecordingState.READY, rec.reason
    playback = Path(rec.playback_path)
    resumed = sound_starts(playback)
    assert resumed and abs(resumed[0] - 11.0) < 0.3, resumed  # not 7 s: the 4 s gap is kept as silence
    spans = ends(playback)
    assert abs(spans["audio"][1] - spans["video"][1]) < 0.15, spans


async def test_a_playback_file_whose_sound_lost_seconds_is_not_accepted(env, clips, tmp_path: Path) -> None:
    settings, _, _ = env
    clip = device_clips.make("audio_gap.webm", clips, 14)
    # What loudness normalisation alone makes of it: the sound re-stamped by sample count, 4 s short.
    squeezed = tmp_path / "squeezed.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(clip),
            "-af",
            "loudnorm",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            str(squeezed),
        ],
        check=True,
    )
    assert abs(ends(squeezed)["audio"][1] - 10.0) < 0.3  # the fault this guards against
    source: MediaInfo = await probe(clip)
    assert await playable.verified(squeezed, source, processing.playback_options(settings), "ffprobe") is None


# 4. Silence and takes too short to be answers.


@pytest.mark.parametrize("kind", ["muted.webm", "wrong_microphone.webm"])
async def test_an_answer_nobody_can_hear_is_flagged_and_the_candidate_told(env, clips, kind: str) -> None:
    state, rec = await processed(env, device_clips.make(kind, clips))
    assert state is RecordingState.READY, rec.reason  # kept: it may still be what they meant to send
    assert rec.loudness_lufs is not None and rec.loudness_lufs <= SILENT_LUFS and rec.silent
    [take] = journey.progress(env[1], TOKENS[rec.id]).questions[0].takes
    assert take.silent


async def test_a_quiet_voice_is_not_taken_for_silence(env, clips) -> None:
    from tests.support.clips import make

    state, rec = await processed(env, make("quiet.webm", clips))
    assert state is RecordingState.READY
    assert rec.loudness_lufs is not None and rec.loudness_lufs > SILENT_LUFS and not rec.silent


async def test_a_take_of_a_third_of_a_second_is_too_short_not_empty(env, clips) -> None:
    state, rec = await processed(env, device_clips.make("blip.webm", clips))
    assert state is RecordingState.REJECTED
    assert "too short" in rec.reason and "0.3 seconds" in rec.reason and "again" in rec.reason
    assert "empty" not in rec.reason


# 5. The poster is a frame with something on it.


async def test_the_poster_is_not_the_black_of_a_camera_starting(env, clips) -> None:
    state, rec = await processed(env, device_clips.make("dark_start.webm", clips))
    assert state is RecordingState.READY
    assert mean_brightness(Path(rec.poster_path)) > 40
    frame_at_one_second = Path(rec.playback_path).with_name("dark.jpg")
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            "1",
            "-i",
            rec.playback_path,
            "-frames:v",
            "1",
            str(frame_at_one_second),
        ],
        check=True,
    )
    assert mean_brightness(frame_at_one_second) < 20  # what the poster used to be


# 6. Phones: HDR and rotation.


async def test_iphone_hdr_is_tone_mapped_to_bt709_and_tagged_so(env, clips) -> None:
    state, rec = await processed(
        env, device_clips.make("iphone_hlg.mov", clips, 2), file_type="video/quicktime"
    )
    assert state is RecordingState.READY, rec.reason
    v = video_stream(Path(rec.playback_path))
    assert (v["codec_name"], v["pix_fmt"]) == ("h264", "yuv420p")
    assert (v.get("color_transfer"), v.get("color_primaries"), v.get("color_space")) == (
        "bt709",
        "bt709",
        "bt709",
    )
    assert 40 < mean_brightness(Path(rec.poster_path)) < 200  # a picture, neither crushed nor blown out


async def test_a_phone_held_upright_plays_upright_at_720p(env, clips) -> None:
    state, rec = await processed(
        env, device_clips.make("phone_portrait.mp4", clips, 2), file_type="video/mp4"
    )
    assert state is RecordingState.READY, rec.reason
    played = await probe(Path(rec.playback_path))
    assert played.video is not None and played.video.display_sizes == ((720, 1280),)


# 7. A file shorter than its own header says.


async def test_a_recording_cut_short_is_reported_to_the_candidate_as_incomplete(env, clips) -> None:
    state, rec = await processed(
        env, device_clips.make("cut_at_60_percent.mp4", clips, 10), file_type="video/mp4"
    )
    assert state is RecordingState.REJECTED
    assert "incomplete" in rec.reason and "6 of its 10 seconds" in rec.reason and "again" in rec.reason


async def test_a_streamed_recording_without_a_length_keeps_what_arrived(env, clips) -> None:
    state, rec = await processed(env, device_clips.make("streamed_cut.webm", clips, 4))
    assert state is RecordingState.READY, rec.reason
    assert 1500 < rec.duration_ms < 2500


# 8. What the candidate reads, and what they can do about it.


async def test_a_take_refused_by_processing_does_not_use_up_one_of_the_candidates_takes(env, clips) -> None:
    settings, db, interview = env
    state, rec = await processed(
        env, device_clips.make("blip.webm", clips), question=1, file_type="audio/webm"
    )
    assert state is RecordingState.REJECTED
    token = TOKENS[rec.id]
    q = journey.progress(db, token).questions[1]
    assert (q.question.takes, q.takes_allowed, q.takes_left) == (2, 3, 2)
    question_id = interview.questions[1].id
    for number in (2, 3):
        record_take(db, settings, token, question_id, number, b"another take", "audio/webm")
    with pytest.raises(Forbidden, match="all 3 takes"):
        record_take(db, settings, token, question_id, 4, b"one too many", "audio/webm")

"""From an uploaded take to a playback file: validation, transcoding, loudness, poster (real ffmpeg)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from boxinterview.domain import answers, invitations, recordings
from boxinterview.domain.models import RecordingState
from boxinterview.media import MediaError, PlaybackOptions, needs_video_encode, probe
from boxinterview.pipeline import processing
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import prepare


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture
def env(tmp_path: Path):
    _, settings, db, interview = prepare(tmp_path)
    yield settings, db, interview
    db.close()


def uploaded(env, clip: Path, question: int = 0, file_type: str = "video/webm") -> int:
    """Send `clip` through the real upload path as a new candidate's take; returns the recording id. For a later
    question, the earlier ones are answered first (questions are answered in order)."""
    settings, db, interview = env
    inv, token = invitations.invite(
        db, interview.id, "C", f"c{clip.stat().st_ino}-{question}-{time.monotonic_ns()}@example.com", "t"
    )
    invitations.record_consent(db, inv.id, "1")
    for earlier in interview.questions[:question]:
        record_take(db, settings, token, earlier.id, 1, b"earlier answer")
        answers.submit_take(db, inv.id, earlier.id, 1)
    return record_take(db, settings, token, interview.questions[question].id, 1, clip.read_bytes(), file_type)


def ffprobe_json(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


def top_level_atoms(path: Path) -> list[str]:
    data, atoms, i = path.read_bytes(), [], 0
    while i + 8 <= len(data):
        size = int.from_bytes(data[i : i + 4], "big")
        atoms.append(data[i + 4 : i + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[i + 8 : i + 16], "big")
        if size < 8:
            break
        i += size
    return atoms


def integrated_loudness(path: Path) -> float:
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
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", out.stderr)[-1])


async def run(env, recording_id: int) -> RecordingState:
    settings, db, _ = env
    return await processing.process(db, settings, recording_id)


async def test_vp8_webm_becomes_faststart_h264_aac_mp4_with_poster(env, clips) -> None:
    rid = uploaded(env, make("vp8_opus.webm", clips))
    progress: list[float] = []
    settings, db, _ = env
    assert await processing.process(db, settings, rid, progress.append) is RecordingState.READY
    rec = recordings.get(db, rid)
    playback = Path(rec.playback_path)
    info = ffprobe_json(playback)
    codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    atoms = top_level_atoms(playback)
    assert atoms.index("moov") < atoms.index("mdat")  # +faststart
    assert 2900 <= rec.duration_ms <= 3200
    poster = Path(rec.poster_path)
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert Path(rec.original_path).exists()  # kept until retention removes it
    assert progress and progress[-1] > 0.5


async def test_h264_within_720p_is_copied_and_larger_video_is_scaled(env, clips) -> None:
    opts = PlaybackOptions()
    small = make("h264_aac.mp4", clips)
    assert not needs_video_encode(await probe(small), opts)
    rid = uploaded(env, small, file_type="video/mp4")
    assert await run(env, rid) is RecordingState.READY
    src = ffprobe_json(small)["streams"][0]
    out = next(
        s
        for s in ffprobe_json(Path(recordings.get(env[1], rid).playback_path))["streams"]
        if s["codec_type"] == "video"
    )
    assert (out["width"], out["height"], out["nb_frames"]) == (1280, 720, src["nb_frames"])
    assert (
        out["bit_rate"] == src["bit_rate"]
        or abs(int(out["bit_rate"]) - int(src["bit_rate"])) < int(src["bit_rate"]) * 0.02
    )

    big = make("h264_1080.mp4", clips, seconds=2)
    assert needs_video_encode(await probe(big), opts)
    rid = uploaded(env, big, file_type="video/mp4")
    assert await run(env, rid) is RecordingState.READY
    out = next(
        s
        for s in ffprobe_json(Path(recordings.get(env[1], rid).playback_path))["streams"]
        if s["codec_type"] == "video"
    )
    assert (out["width"], out["height"]) == (1280, 720)


@pytest.mark.parametrize("kind", ["vp9_opus.webm", "h264_opus.mkv", "no_duration.webm"])
async def test_other_browser_formats_play(env, clips, kind: str) -> None:
    clip = make(kind, clips)
    if kind == "no_duration.webm":
        assert "duration" not in ffprobe_json(clip)["format"]  # as MediaRecorder writes it
    rid = uploaded(env, clip)
    assert await run(env, rid) is RecordingState.READY
    assert 2800 <= recordings.get(env[1], rid).duration_ms <= 3300


async def test_audio_answer_becomes_m4a_with_waveform_poster(env, clips) -> None:
    rid = uploaded(env, make("audio_only.webm", clips), question=1, file_type="audio/webm")
    assert await run(env, rid) is RecordingState.READY
    rec = recordings.get(env[1], rid)
    assert rec.playback_path.endswith(".m4a")
    streams = ffprobe_json(Path(rec.playback_path))["streams"]
    assert [s["codec_name"] for s in streams] == ["aac"]
    assert Path(rec.poster_path).read_bytes()[:3] == b"\xff\xd8\xff"


async def test_every_answer_is_normalised_to_the_same_loudness(env, clips) -> None:
    levels = []
    for kind in ("quiet.webm", "loud.webm"):
        rid = uploaded(env, make(kind, clips))
        assert await run(env, rid) is RecordingState.READY
        levels.append(integrated_loudness(Path(recordings.get(env[1], rid).playback_path)))
    assert all(abs(level - -16.0) <= 1.5 for level in levels), levels


@pytest.mark.parametrize(
    ("kind", "question", "reason"),
    [
        ("empty.webm", 0, "nothing was recorded (the recording is empty)"),  # not "damaged"
        ("header_only.webm", 0, "record this answer again"),
        ("random.webm", 0, "not a recording we can read"),
        ("picture.webm", 0, "a picture, not a recording"),
        ("video_no_audio.webm", 0, "no sound was recorded"),
        ("audio_only.webm", 0, "no picture was recorded"),
    ],
)
async def test_unusable_recordings_are_rejected_with_a_reason_for_the_candidate(
    env, clips, kind: str, question: int, reason: str
) -> None:
    rid = uploaded(env, make(kind, clips), question=question)
    assert await run(env, rid) is RecordingState.REJECTED
    rec = recordings.get(env[1], rid)
    assert reason in rec.reason
    assert "again" in rec.reason  # says what to do
    assert rec.playback_path is None


async def test_overlong_answer_is_rejected(env, clips) -> None:
    rid = uploaded(env, make("vp8_opus.webm", clips, seconds=16))  # 10 s allowed + 5 s tolerance
    assert await run(env, rid) is RecordingState.REJECTED
    assert "16 seconds long, longer than this question allows (15 s)" in recordings.get(env[1], rid).reason


async def test_extra_time_accommodation_extends_the_limit(env, clips) -> None:
    settings, db, interview = env
    rid = uploaded(env, make("vp8_opus.webm", clips, seconds=16))
    invitation_id = recordings.listing(db)[-1].invitation_id
    invitations.grant_accommodation(db, invitation_id, 1.5, "extra time", "test")
    assert await run(env, rid) is RecordingState.READY


async def test_truncated_recording_is_refused_as_incomplete(env, clips) -> None:
    # Its header promises 4 s; half of it arrived. Keeping the half would send reviewers half an answer.
    rid = uploaded(env, make("truncated.webm", clips, seconds=4))
    assert await run(env, rid) is RecordingState.REJECTED
    rec = recordings.get(env[1], rid)
    assert "incomplete" in rec.reason and "of its 4 seconds" in rec.reason and "again" in rec.reason


async def test_processing_twice_is_harmless(env, clips) -> None:
    rid = uploaded(env, make("vp8_opus.webm", clips))
    assert await run(env, rid) is RecordingState.READY
    first = recordings.get(env[1], rid)
    assert await run(env, rid) is RecordingState.READY
    assert recordings.get(env[1], rid) == first


def test_recordings_json_for_scripts(env, clips, tmp_path: Path, cli) -> None:
    rid = uploaded(env, make("vp8_opus.webm", clips))
    shutil.copy(tmp_path / "boxinterview.yaml", tmp_path / "copy.yaml")
    result = cli("--config", str(tmp_path / "copy.yaml"), "recordings", "--json")
    assert result.code == 0, result.err
    [row] = json.loads(result.out)
    assert row["id"] == rid and row["state"] == "uploaded" and row["take"] == 1
    assert {"invitation_id", "question_id", "reason", "duration_ms", "playback_path"} <= set(row)


# ffprobe failing for this machine's reasons, as a shell script stands in for it: none of these says anything
# about the recording, so the job is tried again and the candidate is not asked to record anything.
MACHINE_FAILURES = {
    "killed by the kernel when memory ran out": "kill -KILL $$",
    "stopped by the service manager": "kill -TERM $$",
    "short of memory": 'echo "$7: Cannot allocate memory" >&2; exit 1',
    "out of file handles": 'echo "$7: Too many open files" >&2; exit 1',
}


def stand_in_ffprobe(folder: Path, body: str) -> str:
    script = folder / "ffprobe"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def with_ffprobe(settings, ffprobe: str):
    return dataclasses.replace(settings, media=dataclasses.replace(settings.media, ffprobe=ffprobe))


@pytest.mark.parametrize("how", list(MACHINE_FAILURES))
async def test_an_ffprobe_failing_for_the_machine_s_reasons_is_tried_again_not_blamed_on_the_recording(
    env, clips, tmp_path: Path, how: str
) -> None:
    settings, db, _ = env
    rid = uploaded(env, make("vp8_opus.webm", clips))
    broken = with_ffprobe(settings, stand_in_ffprobe(tmp_path, MACHINE_FAILURES[how]))
    with pytest.raises(MediaError) as failed:
        await processing.process(db, broken, rid)
    assert failed.value.ours
    rec = recordings.get(db, rid)
    assert rec.state is RecordingState.PROCESSING and rec.reason in (None, "")
    # With ffprobe working again, the next attempt makes it ready.
    assert await processing.process(db, settings, rid) is RecordingState.READY


@pytest.mark.parametrize(
    ("how", "body"),
    [
        ("says the data is invalid", 'echo "$7: Invalid data found when processing input" >&2; exit 1'),
        ("crashes on the file", "kill -SEGV $$"),
    ],
)
async def test_an_ffprobe_that_cannot_read_the_recording_has_it_recorded_again(
    env, clips, tmp_path: Path, how: str, body: str
) -> None:
    settings, db, _ = env
    rid = uploaded(env, make("vp8_opus.webm", clips))
    state = await processing.process(db, with_ffprobe(settings, stand_in_ffprobe(tmp_path, body)), rid)
    assert state is RecordingState.REJECTED, how
    assert "again" in recordings.get(db, rid).reason

"""A recording whose MP4 takes real work (VP8 or VP9 in WebM, as Firefox and many Chromium setups record) gets a
preview at once: its own picture and sound copied into a WebM file that starts at 0 and says how long it is and
where its key frames are. Reviewers whose browsers play WebM watch it while the MP4 is made; everything else
(H.264, sound only, an answer that will be refused) gets none (real ffmpeg, real store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview import clock
from boxinterview.domain import recordings
from boxinterview.domain.models import QuestionKind, RecordingState
from boxinterview.media import probe
from boxinterview.pipeline import playable, processing
from boxinterview.pipeline.playable import Expectation
from boxinterview.pipeline.worker import Worker
from boxinterview.store import jobs as jobs_sql
from tests.media.test_device_recordings import ends
from tests.media.test_processing import ffprobe_json, uploaded
from tests.media.test_worker import run_until
from tests.support import clips, device_clips
from tests.support.live import prepare

CUES = b"\x1c\x53\xbb\x6b"  # the Matroska element that says where the key frames are
VIDEO = Expectation(QuestionKind.VIDEO, 60.0)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("preview-clips")


def clip(name: str, folder: Path, seconds: float = 4.0) -> Path:
    """A named clip from either maker: a browser's or phone's shape (device_clips), or a plain one (clips)."""
    if name in ("vp8_opus.webm", "vp9_opus.webm", "h264_opus.mkv", "audio_only.webm", "video_no_audio.webm"):
        return clips.make(name, folder, seconds)
    return device_clips.make(name, folder, seconds)


@pytest.mark.parametrize(
    "name",
    [
        "vp8_opus.webm",  # Firefox
        "vp9_opus.webm",  # Chromium asked for VP9
        "webm_at_3s.webm",  # streamed as MediaRecorder does, its clock starting at 3 s, no duration or index
        "rotated_vp8.webm",  # a phone turned mid-answer: the picture changes size
        "audio_gap.webm",  # a pause with no packets at all
    ],
)
async def test_a_webm_recording_is_copied_into_a_preview_that_starts_at_0_and_can_be_seeked(
    name: str, folder: Path, tmp_path: Path
) -> None:
    original = clip(name, folder)
    made = await playable.preview(original, tmp_path, VIDEO, processing.PlaybackOptions(), "ffprobe")
    assert made == tmp_path / "preview.webm"
    source, copy = await probe(original), await probe(made)
    assert copy.format_name == "matroska,webm"
    # copied, not encoded: the same codecs, and every size the picture had
    assert (copy.video.codec, copy.audio.codec) == (source.video.codec, source.audio.codec)
    assert copy.video.sizes == source.video.sizes
    # every second of picture and sound, from 0
    first = min(start for start, _ in ends(made).values())
    assert first == pytest.approx(0.0, abs=0.05)
    assert copy.duration_s == pytest.approx(source.duration_s, abs=0.1)
    want, got = ends(original), ends(made)
    zero = min(start for start, _ in want.values())
    for stream, (start, end) in want.items():
        assert got[stream][0] == pytest.approx(start - zero, abs=0.05)
        assert got[stream][1] == pytest.approx(end - zero, abs=0.05)
    # a length in its header and an index of its key frames, so a browser can seek before reading it all
    assert float(ffprobe_json(made)["format"]["duration"]) == pytest.approx(source.duration_s, abs=0.1)
    assert CUES in made.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["preview.webm"]  # no partial file left


@pytest.mark.parametrize(
    ("name", "expected", "why"),
    [
        ("h264_opus.mkv", VIDEO, "Chromium's H.264: its MP4 is a copy, ready at once"),
        ("audio_only.webm", VIDEO, "sound only: quick to make"),
        ("vp8_opus.webm", Expectation(QuestionKind.AUDIO, 60.0), "a question asked for sound only"),
        ("video_no_audio.webm", VIDEO, "no sound: it will be refused"),
        ("vp8_opus.webm", Expectation(QuestionKind.VIDEO, 2.0), "too long: it will be refused"),
        ("truncated.webm", VIDEO, "damaged"),
        ("random.webm", VIDEO, "not a recording"),
    ],
)
async def test_no_preview_where_the_mp4_is_quick_or_the_answer_will_be_refused(
    name: str, expected: Expectation, why: str, folder: Path, tmp_path: Path
) -> None:
    original = clips.make(name, folder, 4.0)
    made = await playable.preview(original, tmp_path, expected, processing.PlaybackOptions(), "ffprobe")
    assert made is None, why
    assert list(tmp_path.iterdir()) == []


def uploaded_env(tmp_path: Path, **media):
    _, settings, db, interview = prepare(tmp_path, media=media, uploads={"max_bytes": 100_000_000})
    return settings, db, interview


async def test_the_preview_is_named_until_the_recording_is_ready_then_removed(
    tmp_path: Path, folder: Path
) -> None:
    env = uploaded_env(tmp_path)
    settings, db, _ = env
    rid = uploaded(env, clip("webm_at_3s.webm", folder))
    made = await processing.preview(db, settings, rid)
    assert made is not None and made.exists()
    rec = recordings.get(db, rid)
    assert (rec.state, rec.preview_path, rec.previewing) == (RecordingState.UPLOADED, str(made), True)
    assert await processing.preview(db, settings, rid) is None  # once is enough
    assert await processing.process(db, settings, rid) is RecordingState.READY
    rec = recordings.get(db, rid)
    assert (rec.preview_path, rec.previewing) == (None, False)
    assert not made.exists()
    assert Path(rec.playback_path).name == "playback.mp4"


async def test_a_preview_made_after_the_recording_is_ready_is_not_kept(tmp_path: Path, folder: Path) -> None:
    env = uploaded_env(tmp_path)
    settings, db, _ = env
    rid = uploaded(env, clip("vp8_opus.webm", folder))
    original = Path(recordings.get(db, rid).original_path)
    assert await processing.process(db, settings, rid) is RecordingState.READY
    # as if a preview had been on its way while the job finished: the store refuses it, the file goes
    assert not db.write(recordings.mark_previewable, rid, str(original.parent / "preview.webm"), clock.now())
    assert await processing.preview(db, settings, rid) is None
    assert not (original.parent / "preview.webm").exists()


async def test_a_rejected_recording_loses_its_preview(tmp_path: Path, folder: Path) -> None:
    env = uploaded_env(tmp_path, duration_tolerance_seconds=0)
    settings, db, interview = env
    long_clip = clips.make("vp8_opus.webm", folder, interview.questions[0].answer_seconds + 5)
    rid = uploaded(env, long_clip)
    # a preview named for it (as if made before the question's limit was shortened): the job refuses the answer
    preview = Path(recordings.get(db, rid).original_path).parent / "preview.webm"
    preview.write_bytes(b"a preview")
    assert db.write(recordings.mark_previewable, rid, str(preview), clock.now())
    assert await processing.process(db, settings, rid) is RecordingState.REJECTED
    assert recordings.get(db, rid).preview_path is None
    assert not preview.exists()


async def test_the_worker_makes_previews_without_waiting_for_a_job_slot(tmp_path: Path, folder: Path) -> None:
    # No processing here at all (runners do it): the jobs stay queued, and the previews are made all the same.
    env = uploaded_env(tmp_path, local_processing=False)
    settings, db, _ = env
    ids = [uploaded(env, clip("vp8_opus.webm", folder, 3 + i)) for i in range(3)]
    ids.append(
        uploaded(env, clip("vp9_opus.webm", folder), file_type="")
    )  # the browser said nothing of its type
    h264 = uploaded(env, clip("h264_opus.mkv", folder), file_type="video/x-matroska;codecs=avc1,opus")
    worker = Worker(db, settings, name="w1")
    await run_until(worker, lambda: all(recordings.get(db, i).preview_path for i in ids))
    for i in ids:
        rec = recordings.get(db, i)
        assert rec.state is RecordingState.UPLOADED
        assert Path(rec.preview_path).is_file()
    assert recordings.get(db, h264).preview_path is None
    assert {j.state for j in db.read(jobs_sql.recent, 100)} == {"queued"}


async def test_a_failed_recording_s_preview_is_removed_by_the_worker(tmp_path: Path, folder: Path) -> None:
    env = uploaded_env(tmp_path, local_processing=False)
    settings, db, _ = env
    rid = uploaded(env, clip("vp8_opus.webm", folder))
    made = await processing.preview(db, settings, rid)
    assert made is not None
    # its last attempt failed (here, on a runner, or when a lease ran out): the store forgets the preview at once
    db.write(recordings.fail, rid, "ffmpeg exited with status 1", clock.now())
    assert recordings.get(db, rid).preview_path is None and made.exists()
    await run_until(Worker(db, settings, name="w1"), lambda: not made.exists())
    assert Path(recordings.get(db, rid).original_path).exists()  # the original stays, to be tried again
    assert processing.drop_failed_previews(db, clock.now()) == 0

"""Test recordings made with ffmpeg's synthetic sources, the way browsers would send them."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

VIDEO = ["-f", "lavfi", "-i"]


def _run(args: list[str], out: Path, pipe: bool = False) -> Path:
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args]
    if pipe:
        # Written to a pipe, as MediaRecorder streams it: no duration and no cues in the file.
        with out.open("wb") as f:
            subprocess.run([*command, "pipe:1"], check=True, stdout=f)
    else:
        subprocess.run([*command, str(out)], check=True)
    return out


def video_src(seconds: float, size: str = "320x240", rate: int = 15) -> list[str]:
    return [*VIDEO, f"testsrc2=size={size}:rate={rate}:duration={seconds}"]


def audio_src(seconds: float, volume: float = 0.5) -> list[str]:
    return [*VIDEO, f"sine=frequency=440:duration={seconds},volume={volume}"]


VP8 = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k"]


def make(kind: str, folder: Path, seconds: float = 3.0) -> Path:
    """Make one clip of a named kind (see the cases below) in `folder`, once."""
    name = f"{kind}-{seconds:g}"
    folder.mkdir(parents=True, exist_ok=True)
    cases = {
        "vp8_opus.webm": lambda out: _run(
            [*video_src(seconds), *audio_src(seconds), *VP8, "-c:a", "libopus", "-f", "webm"], out
        ),
        "vp9_opus.webm": lambda out: _run(
            [
                *video_src(seconds),
                *audio_src(seconds),
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "300k",
                "-c:a",
                "libopus",
                "-f",
                "webm",
            ],
            out,
        ),
        "h264_aac.mp4": lambda out: _run(
            [
                *video_src(seconds, "1280x720", 30),
                *audio_src(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-f",
                "mp4",
            ],
            out,
        ),
        "h264_1080.mp4": lambda out: _run(
            [
                *video_src(seconds, "1920x1080", 15),
                *audio_src(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-f",
                "mp4",
            ],
            out,
        ),
        "h264_opus.mkv": lambda out: _run(
            [
                *video_src(seconds, "640x480", 30),
                *audio_src(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "libopus",
                "-f",
                "matroska",
            ],
            out,
            pipe=True,
        ),
        "audio_only.webm": lambda out: _run([*audio_src(seconds), "-c:a", "libopus", "-f", "webm"], out),
        "video_no_audio.webm": lambda out: _run([*video_src(seconds), *VP8, "-an", "-f", "webm"], out),
        "no_duration.webm": lambda out: _run(
            [*video_src(seconds), *audio_src(seconds), *VP8, "-c:a", "libopus", "-f", "webm"], out, pipe=True
        ),
        "quiet.webm": lambda out: _run(
            [*video_src(seconds), *audio_src(seconds, 0.02), *VP8, "-c:a", "libopus", "-f", "webm"], out
        ),
        "loud.webm": lambda out: _run(
            [*video_src(seconds), *audio_src(seconds, 1.0), *VP8, "-c:a", "libopus", "-f", "webm"], out
        ),
        "picture.webm": lambda out: _run(
            [*video_src(1), "-frames:v", "1", "-f", "image2", "-c:v", "png"], out
        ),
        "empty.webm": lambda out: (out.write_bytes(b""), out)[1],
        "random.webm": lambda out: (out.write_bytes(random.Random(7).randbytes(50_000)), out)[1],
    }
    if (
        kind == "header_only.webm"
    ):  # the browser stopped before the first frame: a container and nothing in it
        whole = make("vp8_opus.webm", folder, seconds)
        out = folder / f"{name}.webm"
        out.write_bytes(whole.read_bytes()[:300])
        return out
    if kind == "truncated.webm":
        whole = make("vp8_opus.webm", folder, seconds)
        out = folder / f"{name}.webm"
        data = whole.read_bytes()
        out.write_bytes(data[: len(data) // 2])
        return out
    out = folder / (name + Path(kind).suffix)
    if not out.exists():
        cases[kind](out)
    return out

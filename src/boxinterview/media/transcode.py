"""Playback files every browser plays: MP4 with H.264 video (at most 720p) and AAC audio normalised to one
loudness, moov atom first (`+faststart`) so playback and seeking start at once. Audio-only answers become M4A.

Video the browser already recorded as H.264 within the size limit is copied, not re-encoded; the audio is always
re-encoded, because loudness normalisation needs it anyway.

Real recordings are not tidy, and each of these choices keeps one of them whole:
- video and audio are filtered in separate graphs (`-vf`, `-af`), so when the frame size changes mid-recording
  (a phone rotated, a camera switched) only the picture's graph starts again and no second of sound is lost;
- every frame is scaled into one output size that holds all the recording's sizes, keeping its aspect (padded);
  an H.264 stream whose size changes is re-encoded, never copied;
- audio follows its timestamps (`aresample` with `async`) before loudness normalisation, so after a gap (pause,
  dropped packets) speech stays in sync with the picture instead of moving earlier by the gap;
- HDR video (iPhone HLG, PQ) is tone-mapped to BT.709, and every encoded file is tagged BT.709.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from boxinterview.media.probe import MediaInfo
from boxinterview.media.run import NICENESS, run_ffmpeg

COPYABLE_PIX_FMTS = {"yuv420p", "yuvj420p"}
_QUIET = ["-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", "-loglevel", "error", "-y"]
_BT709 = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]


@dataclass(frozen=True)
class PlaybackOptions:
    ffmpeg: str = "ffmpeg"
    threads: int = 2
    max_height: int = 720  # of a landscape picture: the short side, whatever the orientation
    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate_kbps: int = 96
    loudness_lufs: float = -16.0
    niceness: int = NICENESS  # how readily ffmpeg leaves the CPU to other processes

    @property
    def max_long_side(self) -> int:
        return self.max_height * 16 // 9


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def playback_size(info: MediaInfo, opts: PlaybackOptions) -> tuple[int, int] | None:
    """The picture size of the playback file: one box that holds every size the recording has (as seen,
    after rotation), scaled down to the size limit. None for a recording without a picture."""
    if info.video is None:
        return None
    sizes = info.video.display_sizes
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    if width <= 0 or height <= 0:
        return None
    factor = min(1.0, opts.max_height / min(width, height), opts.max_long_side / max(width, height))
    return _even(width * factor), _even(height * factor)


def needs_video_encode(info: MediaInfo, opts: PlaybackOptions) -> bool:
    v = info.video
    if v is None:
        return False
    size = playback_size(info, opts)
    return not (
        v.codec == "h264"
        and not v.changes_size
        and not v.hdr
        and v.pix_fmt in COPYABLE_PIX_FMTS
        and size == v.display_sizes[0]
    )


def video_filter(info: MediaInfo, size: tuple[int, int]) -> str:
    width, height = size
    steps = [
        # Scaled to fit and padded, so frames of any later size land in the same picture, undistorted.
        f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2",
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2",
        "setsar=1",
    ]
    v = info.video
    if v is not None and v.hdr:
        steps += [
            f"zscale=tin={v.color_transfer}:pin=bt2020:min=2020_ncl:t=linear:npl=100",
            "format=gbrpf32le",
            "zscale=p=bt709",
            "tonemap=tonemap=hable:desat=0",
            "zscale=t=bt709:m=bt709:r=tv",
        ]
    else:
        steps[0] += ":out_color_matrix=bt709:out_range=tv"
    steps.append("format=yuv420p")
    return ",".join(steps)


def audio_filter(opts: PlaybackOptions) -> str:
    # Gaps are filled with silence and the start padded to the picture's, then single-pass (dynamic) EBU R128
    # normalisation, so it also works while the recording is still arriving.
    return f"aresample=async=1:first_pts=0,loudnorm=I={opts.loudness_lufs}:TP=-1.5:LRA=11,aresample=48000"


def playback_command(
    source: str,
    target: Path,
    info: MediaInfo | None,
    opts: PlaybackOptions,
    *,
    video: bool,
    encode_video: bool,
    input_format: str | None = None,
) -> list[str]:
    """The ffmpeg command for a playback file. `source` may be a path or `pipe:0`."""
    command = [opts.ffmpeg, *_QUIET]
    if input_format:
        command += ["-f", input_format]
    command += ["-i", source]
    size = playback_size(info, opts) if info is not None and video else None
    if video:
        command += ["-map", "0:v:0"]
        if encode_video and info is not None and size is not None:
            command += [
                "-vf",
                video_filter(info, size),
                "-c:v",
                "libx264",
                "-preset",
                opts.preset,
                "-crf",
                str(opts.crf),
                "-profile:v",
                "high",
                *_BT709,
            ]
        else:
            command += ["-c:v", "copy"]
    channels = 2 if info is None or (info.audio and info.audio.channels >= 2) else 1
    if (
        info is None or info.audio is not None or not video
    ):  # a silent video (only the team's) has no sound to map
        command += [
            "-map",
            "0:a:0",
            "-af",
            audio_filter(opts),
            "-c:a",
            "aac",
            "-b:a",
            f"{opts.audio_bitrate_kbps}k",
            "-ac",
            str(channels),
        ]
    command += [
        "-threads",
        str(opts.threads),
        "-movflags",
        "+faststart",
        "-f",
        "mp4" if video else "ipod",
        str(target),
    ]
    return command


async def transcode_playback(
    source: Path,
    target: Path,
    info: MediaInfo,
    opts: PlaybackOptions,
    progress: Callable[[float], None] | None = None,
) -> None:
    command = playback_command(
        str(source),
        target,
        info,
        opts,
        video=info.video is not None,
        encode_video=needs_video_encode(info, opts),
    )
    await run_ffmpeg(command, info.duration_s, progress, niceness=opts.niceness)


async def transcode_playback_streaming(
    feed: Callable[[asyncio.StreamWriter], Awaitable[None]],
    target: Path,
    info: MediaInfo,
    opts: PlaybackOptions,
    *,
    video: bool,
) -> None:
    """The same playback file, made from bytes fed through a pipe as they arrive (`info` comes from the
    beginning of the file), so it is finished moments after the last byte."""
    command = playback_command(
        "pipe:0", target, info, opts, video=video, encode_video=video and needs_video_encode(info, opts)
    )
    await run_ffmpeg(command, feed=feed, niceness=opts.niceness)


# A frame whose average brightness is at most this (on the 16–235 scale) is taken for the black of a camera
# that is still starting.
BLACK_LEVEL = 24
POSTER_SEARCH_SECONDS = 30


async def poster(source: Path, target: Path, info: MediaInfo, opts: PlaybackOptions) -> None:
    """A still for the player: the first frame from a second in that is not black (a camera often starts
    dark), else the frame a second in; the waveform for audio."""
    if info.video is None:
        picture = ffmpeg.input(str(source)).audio.filter(
            "showwavespic", s="1280x360", colors="#1f6feb", split_channels=0
        )
        await _still(picture, target, opts)
        return
    start = min(1.0, info.duration_s / 2)
    lit = (
        ffmpeg.input(str(source), ss=start, t=POSTER_SEARCH_SECONDS)
        .video.filter("signalstats")
        .filter(
            "metadata", mode="select", key="lavfi.signalstats.YAVG", value=BLACK_LEVEL, function="greater"
        )
    )
    target.unlink(missing_ok=True)
    await _still(lit, target, opts)
    if not target.exists() or target.stat().st_size == 0:  # every frame is dark: a dark room, not a camera
        await _still(ffmpeg.input(str(source), ss=start).video, target, opts)


async def _still(picture: Any, target: Path, opts: PlaybackOptions) -> None:
    """`picture`: an ffmpeg-python stream (which has no types)."""
    out = ffmpeg.output(picture, str(target), vframes=1, **{"q:v": 3}).global_args(*_QUIET[:-1])
    await run_ffmpeg(ffmpeg.compile(out.overwrite_output(), cmd=opts.ffmpeg))


# What browsers that play WebM (Chromium, Firefox, Edge) decode in it.
WEBM_VIDEO = {"vp8", "vp9", "av1"}
WEBM_AUDIO = {"opus", "vorbis"}


def plays_as_webm(info: MediaInfo) -> bool:
    """The recording's picture and sound can go into a WebM file as they are."""
    return (
        "webm" in info.format_name.split(",")
        and info.video is not None
        and info.video.codec in WEBM_VIDEO
        and info.audio is not None
        and info.audio.codec in WEBM_AUDIO
    )


async def remux_webm(source: Path, target: Path, info: MediaInfo, opts: PlaybackOptions) -> None:
    """The recording's picture and sound, copied (not re-encoded) into a WebM file whose clock starts at 0 and
    which says how long it is and where its key frames are; a browser's recorder writes neither, so its own
    file cannot be seeked in until it has been read to the end."""
    command = [
        opts.ffmpeg,
        *_QUIET,
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0",
        "-c",
        "copy",
        "-avoid_negative_ts",
        "make_zero",
        "-f",
        "webm",
        str(target),
    ]
    await run_ffmpeg(command, info.duration_s, niceness=opts.niceness)

"""Playback files every browser plays: MP4 with H.264 video (at most 720p) and AAC audio normalised to one
loudness, moov atom first (`+faststart`) so playback and seeking start at once. Audio-only answers become M4A.

Video the browser already recorded as H.264 within the size limit is copied, not re-encoded; the audio is always
re-encoded, because loudness normalisation needs it anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from boxinterview.media.probe import MediaInfo
from boxinterview.media.run import run_ffmpeg

COPYABLE_PIX_FMTS = {"yuv420p", "yuvj420p"}


@dataclass(frozen=True)
class PlaybackOptions:
    ffmpeg: str = "ffmpeg"
    threads: int = 2
    max_height: int = 720
    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate_kbps: int = 96
    loudness_lufs: float = -16.0


def needs_video_encode(info: MediaInfo, opts: PlaybackOptions) -> bool:
    v = info.video
    if v is None:
        return False
    max_width = opts.max_height * 16 // 9
    return not (
        v.codec == "h264"
        and v.height <= opts.max_height
        and v.width <= max_width
        and v.pix_fmt in COPYABLE_PIX_FMTS
    )


def _loudnorm(stream, opts: PlaybackOptions):  # type: ignore[no-untyped-def]
    # Single-pass (dynamic) EBU R128 normalisation, so it also works while the recording is still arriving.
    return stream.filter("loudnorm", I=opts.loudness_lufs, TP=-1.5, LRA=11).filter("aresample", 48000)


def playback_command(source: str, target: Path, info: MediaInfo | None, opts: PlaybackOptions, *, video: bool,
                     encode_video: bool, input_format: str | None = None) -> list[str]:  # fmt: skip
    """The ffmpeg command for a playback file. `source` may be a path or `pipe:0`."""
    inp = ffmpeg.input(source, **({"f": input_format} if input_format else {}))
    streams = []
    args: dict[str, object] = {
        "c:a": "aac",
        "b:a": f"{opts.audio_bitrate_kbps}k",
        "ac": 2 if info is None or (info.audio and info.audio.channels >= 2) else 1,
        "threads": opts.threads,
        "movflags": "+faststart",
        "f": "mp4" if video else "ipod",
    }
    if video:
        v = inp.video
        if encode_video:
            v = v.filter("scale", w=-2, h=f"trunc(min(ih,{opts.max_height})/2)*2").filter("format", "yuv420p")
            args.update({"c:v": "libx264", "preset": opts.preset, "crf": opts.crf, "profile:v": "high"})
        else:
            args["c:v"] = "copy"
        streams.append(v)
    streams.append(_loudnorm(inp.audio, opts))
    out = ffmpeg.output(*streams, str(target), **args).global_args(
        "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", "-loglevel", "error"
    )
    return ffmpeg.compile(out.overwrite_output(), cmd=opts.ffmpeg)


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
    await run_ffmpeg(command, info.duration_s, progress)


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
    await run_ffmpeg(command, feed=feed)


async def poster(source: Path, target: Path, info: MediaInfo, opts: PlaybackOptions) -> None:
    """A still for the player: a frame a second in for video, the waveform for audio."""
    inp = (
        ffmpeg.input(str(source), ss=min(1.0, info.duration_s / 2))
        if info.video
        else ffmpeg.input(str(source))
    )
    if info.video:
        picture = inp.video.filter("scale", w=-2, h=f"trunc(min(ih,{opts.max_height})/2)*2")
    else:
        picture = inp.audio.filter("showwavespic", s="1280x360", colors="#1f6feb", split_channels=0)
    out = ffmpeg.output(picture, str(target), vframes=1, **{"q:v": 3}).global_args(
        "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", "-loglevel", "error"
    )
    await run_ffmpeg(ffmpeg.compile(out.overwrite_output(), cmd=opts.ffmpeg))

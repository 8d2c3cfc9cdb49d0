"""What is in a media file, according to ffprobe."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from boxinterview.media.run import MediaError, run_capture


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int
    height: int
    pix_fmt: str


@dataclass(frozen=True)
class AudioStream:
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class MediaInfo:
    format_name: str
    duration_s: float
    video: VideoStream | None
    audio: AudioStream | None
    size_bytes: int


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


async def _duration_from_packets(path: Path, ffprobe: str, stream: str) -> float:
    """Browsers' MediaRecorder writes WebM without a duration; the last packet's end time tells it."""
    out = await run_capture(
        [ffprobe, "-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time,duration_time",
         "-of", "csv=p=0", str(path)],
    )  # fmt: skip
    end = 0.0
    for line in out.decode().splitlines():
        parts = [_float(p) for p in line.split(",")]
        if parts and parts[0] is not None:
            end = max(end, parts[0] + (parts[1] if len(parts) > 1 and parts[1] is not None else 0.0))
    return end


async def content_duration(path: Path, ffprobe: str = "ffprobe", video: bool = True) -> float:
    """How long the file's packets really last (a damaged or cut file may claim more in its header)."""
    return await _duration_from_packets(path, ffprobe, "v:0" if video else "a:0")


async def probe(path: Path, ffprobe: str = "ffprobe") -> MediaInfo:
    """Raise MediaError if ffprobe cannot read the file as media."""
    out = await run_capture(
        [ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)], timeout=60
    )
    data = json.loads(out or b"{}")
    fmt = data.get("format") or {}
    if not fmt:
        raise MediaError("ffprobe found no media container in the file")
    video = audio = None
    for s in data.get("streams", []):
        if (
            s.get("codec_type") == "video"
            and video is None
            and s.get("disposition", {}).get("attached_pic") != 1
        ):
            video = VideoStream(
                codec=s.get("codec_name", ""),
                width=int(s.get("width") or 0),
                height=int(s.get("height") or 0),
                pix_fmt=s.get("pix_fmt", ""),
            )
        elif s.get("codec_type") == "audio" and audio is None:
            audio = AudioStream(
                codec=s.get("codec_name", ""),
                channels=int(s.get("channels") or 0),
                sample_rate=int(s.get("sample_rate") or 0),
            )
    duration = _float(fmt.get("duration"))
    if duration is None and (video or audio):
        duration = await _duration_from_packets(path, ffprobe, "v:0" if video else "a:0")
    return MediaInfo(
        format_name=fmt.get("format_name", ""),
        duration_s=duration or 0.0,
        video=video,
        audio=audio,
        size_bytes=int(fmt.get("size") or path.stat().st_size),
    )

"""What is in a media file, according to ffprobe — measured from its packets, not taken from its header.

Recordings from real devices do not start at 0 (a Safari fragment or a resumed WebM may start at 3 s), have
gaps, change frame size when a phone is rotated, and may be cut short while the header still promises the whole
length. So every duration here is the last packet's end minus the first packet's start, and the header's claim
is kept beside it to compare.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boxinterview.media.run import NICENESS, MediaError, run_capture

HDR_TRANSFERS = {"arib-std-b67", "smpte2084"}  # HLG (iPhone), PQ


@dataclass(frozen=True)
class Span:
    """When a stream's packets start and end, in seconds of the file's own clock."""

    start_s: float
    end_s: float

    @property
    def seconds(self) -> float:
        return max(0.0, self.end_s - self.start_s)


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int
    height: int
    pix_fmt: str
    rotation: int = 0  # degrees the player turns the picture (phones record sideways and say so)
    sizes: tuple[tuple[int, int], ...] = ()  # every coded frame size, in the order they appear
    color_transfer: str = ""
    color_primaries: str = ""
    span: Span | None = None

    @property
    def turned(self) -> bool:
        return abs(self.rotation) % 180 == 90

    @property
    def display_sizes(self) -> tuple[tuple[int, int], ...]:
        """The sizes as seen, after rotation."""
        sizes = self.sizes or ((self.width, self.height),)
        return tuple((h, w) if self.turned else (w, h) for w, h in sizes)

    @property
    def changes_size(self) -> bool:
        return len(set(self.sizes)) > 1

    @property
    def hdr(self) -> bool:
        return self.color_transfer in HDR_TRANSFERS


@dataclass(frozen=True)
class AudioStream:
    codec: str
    channels: int
    sample_rate: int
    span: Span | None = None


@dataclass(frozen=True)
class MediaInfo:
    format_name: str
    duration_s: float  # from the first packet's start to the last packet's end, over all streams
    video: VideoStream | None
    audio: AudioStream | None
    size_bytes: int
    header_duration_s: float | None = None  # what the container says, which may be more than it holds
    header_start_s: float = 0.0

    @property
    def claims_more_than_it_holds(self) -> bool:
        """True when the header promises clearly more than the packets hold: a file cut short."""
        if self.header_duration_s is None:
            return False
        spans = [s.span for s in (self.video, self.audio) if s is not None and s.span is not None]
        end = max((s.end_s for s in spans), default=0.0)
        slack = max(1.0, self.header_duration_s * 0.05)
        # Demuxers differ in whether "duration" is a length or an end time; it must exceed both to count.
        return self.header_duration_s > self.duration_s + slack and self.header_duration_s > end + slack


# ffprobe's fields arrive as text, numbers or not at all; anything that is not a number reads as none.
def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and abs(result) != float("inf") else None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def _packet_spans(path: Path, ffprobe: str, niceness: int = NICENESS) -> dict[int, Span]:
    """Each stream's first start and last end, from every packet (the header may say otherwise)."""
    out = await run_capture(
        [
            ffprobe,
            "-v",
            "error",
            "-show_entries",
            "packet=stream_index,pts_time,dts_time,duration_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        timeout=120,
        niceness=niceness,
    )
    starts: dict[int, float] = {}
    ends: dict[int, float] = {}
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split(",")
        if len(parts) < 4 or not parts[0].isdigit():
            continue
        index = int(parts[0])
        at = _float(parts[1])
        if at is None:
            at = _float(parts[2])  # no presentation time: the decoding time is the best we know
        if at is None:
            continue
        length = _float(parts[3]) or 0.0
        starts[index] = min(starts.get(index, at), at)
        ends[index] = max(ends.get(index, at + length), at + length)
    # An encoder's priming packet sits just before 0 and is never played: the stream starts at 0.
    return {i: Span(0.0 if -0.5 < starts[i] < 0 else starts[i], ends[i]) for i in starts}


async def _keyframe_sizes(path: Path, ffprobe: str) -> tuple[tuple[int, int], ...]:
    """The frame sizes in the video, in order; decoding only key frames, where a size can change."""
    try:
        out = await run_capture(
            [
                ffprobe,
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-skip_frame",
                "nokey",
                "-show_entries",
                "frame=width,height",
                "-of",
                "csv=p=0",
                str(path),
            ],
            timeout=120,
        )
    except MediaError:
        return ()
    sizes: list[tuple[int, int]] = []
    for line in out.decode("ascii", "replace").splitlines():
        w, _, h = line.partition(",")
        size = (_int(w), _int(h.split(",")[0]))
        if size[0] > 0 and size[1] > 0 and (not sizes or sizes[-1] != size):
            sizes.append(size)
    return tuple(sizes)


async def probe(
    path: Path, ffprobe: str = "ffprobe", *, frame_sizes: bool = True, niceness: int = NICENESS
) -> MediaInfo:
    """Raise MediaError if ffprobe cannot read the file as media. Without `frame_sizes`, the video's size is
    the one its header gives, and its key frames are not decoded to find every size it has."""
    # The packets are read while the header is: two processes at once rather than one after the other.
    packets = asyncio.ensure_future(_packet_spans(path, ffprobe, niceness))
    try:
        out = await run_capture(
            [ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
            timeout=60,
            niceness=niceness,
        )
        try:
            data = json.loads(out or b"{}")
        except ValueError as exc:
            raise MediaError("ffprobe's description of the file could not be read") from exc
        fmt = data.get("format") or {}
        if not fmt:
            raise MediaError("ffprobe found no media container in the file")
    except BaseException:
        packets.cancel()
        with contextlib.suppress(BaseException):
            await packets
        raise
    video_raw = audio_raw = None
    for s in data.get("streams", []):
        if (
            s.get("codec_type") == "video"
            and video_raw is None
            and s.get("disposition", {}).get("attached_pic") != 1
        ):
            video_raw = s
        elif s.get("codec_type") == "audio" and audio_raw is None:
            audio_raw = s
    spans, sizes = await asyncio.gather(
        packets, _keyframe_sizes(path, ffprobe) if video_raw is not None and frame_sizes else _nothing()
    )
    video = audio = None
    if video_raw is not None:
        rotation = 0
        for side in video_raw.get("side_data_list") or []:
            rotation = _int(side.get("rotation")) or rotation
        video = VideoStream(
            codec=video_raw.get("codec_name", ""),
            width=_int(video_raw.get("width")),
            height=_int(video_raw.get("height")),
            pix_fmt=video_raw.get("pix_fmt", ""),
            rotation=rotation,
            sizes=sizes,
            color_transfer=video_raw.get("color_transfer", ""),
            color_primaries=video_raw.get("color_primaries", ""),
            span=spans.get(_int(video_raw.get("index"))),
        )
    if audio_raw is not None:
        audio = AudioStream(
            codec=audio_raw.get("codec_name", ""),
            channels=_int(audio_raw.get("channels")),
            sample_rate=_int(audio_raw.get("sample_rate")),
            span=spans.get(_int(audio_raw.get("index"))),
        )
    used = [s.span for s in (video, audio) if s is not None and s.span is not None]
    duration = (max(s.end_s for s in used) - min(s.start_s for s in used)) if used else 0.0
    return MediaInfo(
        format_name=fmt.get("format_name", ""),
        duration_s=max(0.0, duration),
        video=video,
        audio=audio,
        size_bytes=_int(fmt.get("size")) or path.stat().st_size,
        header_duration_s=_float(fmt.get("duration")),
        header_start_s=_float(fmt.get("start_time")) or 0.0,
    )


async def _nothing() -> tuple[tuple[int, int], ...]:
    return ()


async def loudness(path: Path, ffmpeg: str = "ffmpeg") -> float | None:
    """The recording's integrated loudness in LUFS (EBU R128); -70 is silence. None if there is no sound."""
    out = await run_capture(
        [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-nostats",
            "-loglevel",
            "info",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128=framelog=verbose",
            "-f",
            "null",
            "-",
        ],
        timeout=300,
        stderr=True,
    )
    text = out.decode("utf-8", "replace")
    summary = text.rpartition("Summary:")[2]
    for line in summary.splitlines():
        key, _, rest = line.strip().partition(":")
        if key == "I":
            return _float(rest.replace("LUFS", "").strip())
    return None

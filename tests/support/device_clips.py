"""Recordings shaped like the ones real browsers and phones send, made with ffmpeg's synthetic sources.

Each is one known way a real recording differs from a tidy file: timestamps that do not start at 0 (Safari's
fragmented MP4, a resumed WebM), a frame size that changes (a phone rotated, a camera switched), a gap in the
sound (pause, dropped packets), silence (a muted microphone), a camera that starts dark, iPhone HDR, a file cut
short while its header promises the whole length.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from tests.support.clips import VP8, audio_src, video_src

FFMPEG = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


def ffmpeg(*args: str | Path) -> None:
    subprocess.run([*FFMPEG, *map(str, args)], check=True)


def _shift_fragments(data: bytearray, seconds: float) -> None:
    """Move every fragment of a fragmented MP4 `seconds` later, as Safari's recorder writes them when its
    first fragment does not start at 0 (the `tfdt` base time of each track, in that track's timescale)."""
    containers = {b"moov", b"trak", b"mdia", b"moof", b"traf", b"mvex"}
    timescales: dict[int, int] = {}

    def walk(start: int, end: int, track: list[int]) -> None:
        i = start
        while i + 8 <= end:
            size, kind = struct.unpack(">I4s", data[i : i + 8])
            body = i + 8
            if size == 1:
                size = struct.unpack(">Q", data[i + 8 : i + 16])[0]
                body = i + 16
            size = size or end - i
            version = data[body] if body < end else 0
            if kind in containers:
                walk(body, i + size, [0] if kind in (b"trak", b"traf") else track)
            elif kind == b"tkhd":
                at = body + (12 if version == 0 else 20)
                track[0] = struct.unpack(">I", data[at : at + 4])[0]
            elif kind == b"mdhd":
                at = body + (12 if version == 0 else 20)
                timescales[track[0]] = struct.unpack(">I", data[at : at + 4])[0]
            elif kind == b"tfhd":
                track[0] = struct.unpack(">I", data[body + 4 : body + 8])[0]
            elif kind == b"tfdt":
                add = round(seconds * timescales[track[0]])
                fmt = ">Q" if version == 1 else ">I"
                (base,) = struct.unpack_from(fmt, data, body + 4)
                struct.pack_into(fmt, data, body + 4, base + add)
            i += size

    walk(0, len(data), [0])


def make(kind: str, folder: Path, seconds: float = 4.0) -> Path:
    """Make one clip of a named kind in `folder`, once."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{Path(kind).stem}-{seconds:g}{Path(kind).suffix}"
    if out.exists():
        return out
    s = seconds
    if kind == "safari_fragmented_at_3s.mp4":
        plain = folder / f"fragments-{s:g}.mp4"
        ffmpeg(
            *video_src(s),
            *audio_src(s),
            *H264,
            "-c:a",
            "aac",
            "-movflags",
            "frag_keyframe+empty_moov+default_base_moof",
            "-frag_duration",
            "1000000",
            "-f",
            "mp4",
            plain,
        )
        data = bytearray(plain.read_bytes())
        _shift_fragments(data, 3.0)
        out.write_bytes(data)
    elif kind == "webm_at_3s.webm":  # streamed as MediaRecorder does: no duration, no cues
        with out.open("wb") as f:
            subprocess.run(
                [
                    *FFMPEG,
                    *video_src(s),
                    *audio_src(s),
                    *VP8,
                    "-c:a",
                    "libopus",
                    "-output_ts_offset",
                    "3",
                    "-f",
                    "webm",
                    "pipe:1",
                ],
                check=True,
                stdout=f,
            )
    elif kind == "chrome_h264_at_2s.mkv":
        with out.open("wb") as f:
            subprocess.run(
                [
                    *FFMPEG,
                    *video_src(s, "640x480", 30),
                    *audio_src(s),
                    *H264,
                    "-c:a",
                    "libopus",
                    "-output_ts_offset",
                    "2.5",
                    "-f",
                    "matroska",
                    "pipe:1",
                ],
                check=True,
                stdout=f,
            )
    elif kind == "audio_at_3s.webm":
        ffmpeg(*audio_src(s), "-c:a", "libopus", "-output_ts_offset", "3", "-f", "webm", out)
    elif kind == "rotated_vp8.webm":  # portrait, then the phone turned to landscape; sound throughout
        listing = folder / f"turns-{s:g}.txt"
        names = []
        for i, size in enumerate(("240x320", "320x240")):
            part = folder / f"turn-{i}-{s:g}.webm"
            ffmpeg(*video_src(s / 2, size), *VP8, "-f", "webm", part)
            names.append(f"file '{part.name}'")
        listing.write_text("\n".join(names) + "\n")
        ffmpeg(
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            listing,
            *audio_src(s),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "copy",
            "-c:a",
            "libopus",
            "-f",
            "webm",
            out,
        )
    elif kind == "camera_switch_h264.mkv":  # 640x480, then a 1280x720 camera: new SPS mid-stream
        parts = []
        for i, size in enumerate(("640x480", "1280x720")):
            part = folder / f"switch-{i}-{s:g}.h264"
            ffmpeg(*video_src(s / 2, size, 30), *H264, "-x264-params", "repeat-headers=1", "-f", "h264", part)
            parts.append(part.read_bytes())
        joined = folder / f"switch-{s:g}.h264"
        joined.write_bytes(b"".join(parts))
        ffmpeg(
            "-r",
            "30",
            "-f",
            "h264",
            "-i",
            joined,
            *audio_src(s),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "copy",
            "-c:a",
            "libopus",
            "-f",
            "matroska",
            out,
        )
    elif kind == "audio_gap.webm":  # sound 0–5 s, no packets 5–9 s (a pause), silence 9–11 s, sound again
        ffmpeg(
            *video_src(14),
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=14,volume='if(between(t,5,11),0,0.5)':eval=frame,"
            "aselect='not(between(t,5,9))'",
            *VP8,
            "-c:a",
            "libopus",
            "-f",
            "webm",
            out,
        )
    elif kind == "muted.webm":  # a muted microphone records digital silence
        ffmpeg(
            *video_src(s),
            "-f",
            "lavfi",
            "-i",
            f"anullsrc=r=48000:cl=mono:d={s}",
            *VP8,
            "-c:a",
            "libopus",
            "-f",
            "webm",
            out,
        )
    elif kind == "wrong_microphone.webm":  # an unplugged input: a faint hiss and nothing else
        ffmpeg(
            *video_src(s),
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=d={s}:c=white:a=0.00005:r=48000",
            *VP8,
            "-c:a",
            "libopus",
            "-f",
            "webm",
            out,
        )
    elif kind == "blip.webm":  # the candidate pressed Stop at once
        ffmpeg(*video_src(0.3), *audio_src(0.3), *VP8, "-c:a", "libopus", "-f", "webm", out)
    elif kind == "dark_start.webm":  # the camera shows black for its first 2 seconds
        ffmpeg(
            *video_src(s),
            *audio_src(s),
            "-vf",
            "fade=t=in:st=2:d=0.1",
            *VP8,
            "-c:a",
            "libopus",
            "-f",
            "webm",
            out,
        )
    elif kind == "iphone_hlg.mov":  # HEVC 10-bit, BT.2020 primaries, HLG transfer, as an iPhone records HDR
        ffmpeg(
            *video_src(s, "640x360", 30),
            *audio_src(s),
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p10le",
            "-x265-params",
            "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc",
            "-color_primaries",
            "bt2020",
            "-color_trc",
            "arib-std-b67",
            "-colorspace",
            "bt2020nc",
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
            "-f",
            "mov",
            out,
        )
    elif kind == "phone_portrait.mp4":  # 1920x1080 sensor, held upright: the player turns it
        plain = folder / f"sideways-{s:g}.mp4"
        ffmpeg(*video_src(s, "1920x1080", 15), *audio_src(s), *H264, "-c:a", "aac", plain)
        ffmpeg("-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", out)
    elif kind == "cut_at_60_percent.mp4":  # moov first, promising the whole length; the rest never arrived
        whole = folder / f"whole-{s:g}.mp4"
        ffmpeg(*video_src(s), *audio_src(s), *H264, "-c:a", "aac", "-movflags", "+faststart", whole)
        data = whole.read_bytes()
        out.write_bytes(data[: len(data) * 6 // 10])
    elif kind == "streamed_cut.webm":  # a streamed WebM (no duration in it) whose end never arrived
        with (folder / "streamed.webm").open("wb") as f:
            subprocess.run(
                [*FFMPEG, *video_src(s), *audio_src(s), *VP8, "-c:a", "libopus", "-f", "webm", "pipe:1"],
                check=True,
                stdout=f,
            )
        data = (folder / "streamed.webm").read_bytes()
        out.write_bytes(data[: len(data) // 2])
    else:
        raise ValueError(f"no clip of kind {kind!r}")
    return out

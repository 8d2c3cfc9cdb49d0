"""Everything that runs ffmpeg or ffprobe. It takes paths and options and knows nothing of the database.

On failure it raises MediaError carrying the whole command and the tail of ffmpeg's messages, which are logged.
"""

from boxinterview.media.probe import AudioStream, MediaInfo, Span, VideoStream, loudness, probe
from boxinterview.media.run import MediaError, run_ffmpeg
from boxinterview.media.transcode import (
    PlaybackOptions,
    needs_video_encode,
    playback_size,
    plays_as_webm,
    poster,
    remux_webm,
    transcode_playback,
    transcode_playback_streaming,
)

__all__ = [
    "AudioStream",
    "MediaError",
    "MediaInfo",
    "PlaybackOptions",
    "VideoStream",
    "loudness",
    "needs_video_encode",
    "playback_size",
    "plays_as_webm",
    "poster",
    "remux_webm",
    "probe",
    "run_ffmpeg",
    "Span",
    "transcode_playback",
    "transcode_playback_streaming",
]

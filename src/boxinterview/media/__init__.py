"""Everything that runs ffmpeg or ffprobe. It takes paths and options and knows nothing of the database.

On failure it raises MediaError carrying the whole command and the tail of ffmpeg's messages, which are logged.
"""

from boxinterview.media.probe import AudioStream, MediaInfo, VideoStream, content_duration, probe
from boxinterview.media.run import MediaError, run_ffmpeg
from boxinterview.media.transcode import (
    PlaybackOptions,
    needs_video_encode,
    poster,
    transcode_playback,
    transcode_playback_streaming,
)

__all__ = [
    "AudioStream",
    "MediaError",
    "MediaInfo",
    "PlaybackOptions",
    "VideoStream",
    "content_duration",
    "needs_video_encode",
    "poster",
    "probe",
    "run_ffmpeg",
    "transcode_playback",
    "transcode_playback_streaming",
]

"""Everything that runs ffmpeg or ffprobe. It takes paths and options and knows nothing of the database.

On failure it raises MediaError carrying the whole command and the tail of ffmpeg's messages, which are logged.
"""

from boxinterview.media.probe import AudioStream, MediaInfo, VideoStream, probe
from boxinterview.media.run import MediaError, run_ffmpeg
from boxinterview.media.transcode import PlaybackOptions, needs_video_encode, poster, transcode_playback

__all__ = [
    "AudioStream",
    "MediaError",
    "MediaInfo",
    "PlaybackOptions",
    "VideoStream",
    "needs_video_encode",
    "poster",
    "probe",
    "run_ffmpeg",
    "transcode_playback",
]

"""Step 34: files are named by their place in the data directory (`recordings/24/original.webm`), not by a full
path, so a data directory restored, copied or moved elsewhere names its own files, never those of the place it
came from.

A full path is cut to its part from the last `recordings`, `files` or `uploads` folder in it. The step cannot
go by the directory the database is in now: a backup restored into another data directory is migrated there,
while its paths still name the directory it was made in. The data directory's own layout is the same wherever
it is, so the cut finds the right part either way. A value in none of those folders (never written by
boxinterview) is left as it is. Keys of objects in the bucket are not paths and do not change.
"""

from __future__ import annotations

from pathlib import PurePosixPath

DESCRIPTION = "files named by their place in the data directory, not by a full path"

_FOLDERS = ("recordings", "files", "uploads")


def _relative(path: str | None) -> str | None:
    if not path or not path.startswith("/"):
        return path
    parts = PurePosixPath(path).parts
    tops = [i for i, part in enumerate(parts[:-1]) if part in _FOLDERS]
    if not tops or ".." in parts:
        return path
    return "/".join(parts[tops[-1] :])


FUNCTIONS = {"boxinterview_relative": _relative}

SQL = """
        UPDATE recordings SET
            original_path = boxinterview_relative(original_path),
            playback_path = boxinterview_relative(playback_path),
            poster_path = boxinterview_relative(poster_path),
            preview_path = boxinterview_relative(preview_path)
        WHERE substr(original_path, 1, 1) = '/' OR substr(playback_path, 1, 1) = '/'
            OR substr(poster_path, 1, 1) = '/' OR substr(preview_path, 1, 1) = '/';
        UPDATE interview_media SET
            original_path = boxinterview_relative(original_path),
            playback_path = boxinterview_relative(playback_path)
        WHERE substr(original_path, 1, 1) = '/' OR substr(playback_path, 1, 1) = '/';
        UPDATE answers SET file_path = boxinterview_relative(file_path) WHERE substr(file_path, 1, 1) = '/';
        UPDATE bucket_files SET path = boxinterview_relative(path) WHERE substr(path, 1, 1) = '/';
"""

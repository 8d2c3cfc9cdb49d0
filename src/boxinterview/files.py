"""Where recordings and documents live on disk, written so that what we acknowledge survives a crash."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from boxinterview.errors import DatabaseError

EXTENSIONS = {
    "video/webm": ".webm",
    "audio/webm": ".webm",
    "video/mp4": ".mp4",
    "audio/mp4": ".m4a",
    "video/x-matroska": ".mkv",
    "audio/ogg": ".ogg",
    "video/quicktime": ".mov",
}


def extension_for(file_type: str) -> str:
    """A file extension for the container the browser says it recorded (`video/webm;codecs=vp8,opus`)."""
    return EXTENSIONS.get(file_type.split(";")[0].strip().lower(), ".bin")


# The folders of the data directory that hold the files the database names.
FOLDERS = ("recordings", "files", "uploads")


class OutsideDataDir(DatabaseError):
    """A file the database was asked to name, or names, is not inside its data directory."""


def stored_name(data_dir: Path, path: Path | str) -> str:
    """How the database names a file: its place under the data directory (`recordings/24/original.webm`), so the
    directory can be restored, copied or moved elsewhere and its database still names its own files."""
    given = Path(path)
    if not given.is_absolute():
        return relative_name(str(given))
    for base, found in ((data_dir, given), (data_dir.resolve(), given.resolve())):
        if found.is_relative_to(base):
            return relative_name(found.relative_to(base).as_posix())
    raise OutsideDataDir(f"{path} is not inside the data directory {data_dir}; files are kept only there")


def relative_name(name: str) -> str:
    """A stored name as it must be: relative, without `..`. An absolute path (from before names were kept
    relative, or from another machine) is cut to its part from the last of `FOLDERS` in it: the data directory
    it was written in may be anywhere, but its own layout is known."""
    parts = Path(name).parts
    if Path(name).is_absolute():
        tops = [i for i, part in enumerate(parts[:-1]) if part in FOLDERS]
        if not tops:
            raise OutsideDataDir(
                f"the database names {name}, which is in none of the data directory's folders "
                f"({', '.join(FOLDERS)}): it is neither read nor served from outside the data directory"
            )
        parts = parts[tops[-1] :]
    if not parts or ".." in parts:
        raise OutsideDataDir(f"{name!r} does not name a file inside the data directory")
    return "/".join(parts)


def in_data_dir(data_dir: Path, name: str) -> Path:
    """The file a stored name stands for, in this data directory (never outside it)."""
    return data_dir / relative_name(name)


def upload_part(data_dir: Path, upload_id: str) -> Path:
    return data_dir / "uploads" / f"{upload_id}.part"


def recording_dir(data_dir: Path, recording_id: int) -> Path:
    return data_dir / "recordings" / str(recording_id)


def documents_dir(data_dir: Path, invitation_id: int) -> Path:
    """Everything in it is this invitation's: erasing the invitation removes the folder."""
    return data_dir / "files" / str(invitation_id)


def document_path(data_dir: Path, invitation_id: int, question_id: int, kind: str) -> Path:
    return documents_dir(data_dir, invitation_id) / f"question-{question_id}.{kind}"


def staging_dir(data_dir: Path) -> Path:
    """Where documents wait while the answer rules are checked: beside the invitations' folders, so that moving
    one into place is a rename, and in none of them, so a refused one never makes a folder for an invitation."""
    return data_dir / "files"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_empty(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def write_at(path: Path, offset: int, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o640)
    try:
        view = memoryview(data)
        while view:
            written = os.pwrite(fd, view, offset)
            view = view[written:]
            offset += written
    finally:
        os.close(fd)


def sync_and_trim(path: Path, length: int) -> None:
    """Make the first `length` bytes durable and drop anything after them (an unacknowledged tail). A file that
    is not there is never made (a file of `length` zeros would take the place of bytes that moved on)."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        if length == 0:
            return
        raise
    try:
        if os.fstat(fd).st_size != length:
            os.ftruncate(fd, length)
        os.fsync(fd)
    finally:
        os.close(fd)


def finish_move(part: Path, final: Path) -> None:
    """Move a completed upload to its place; safe to repeat after a crash part-way. The move is one rename, so
    once `final` is there it is the upload: a `part` found beside it came later, from no upload of its bytes,
    and is dropped rather than put in its place."""
    if not part.exists():
        return
    if final.exists():
        remove(part)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, final)
    fsync_dir(final.parent)


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

"""Files named in the database: kept as their place under the data directory, handed out as full paths.

The database lives at the top of its data directory (`data_dir/boxinterview.db`), so the folder holding the
database file is the directory its names are relative to. A data directory restored, copied or moved elsewhere
therefore names its own files, never those of the place it came from.
"""

from __future__ import annotations

from pathlib import Path

import apsw

from boxinterview import files
from boxinterview.store import db


def home(con: apsw.Connection) -> Path:
    """The data directory of the database `con` is open on."""
    found = db.home(con)
    if found is None:
        raise files.OutsideDataDir("a database kept in memory has no data directory to name files in")
    return found


def stored(con: apsw.Connection, path: str | None) -> str | None:
    """A full path as the database keeps it (relative to its data directory)."""
    if not path:
        return path
    return files.stored_name(home(con), path)


def full(con: apsw.Connection, name: str | None) -> str | None:
    """A name the database keeps as the full path of the file in this data directory."""
    if not name:
        return name
    return str(files.in_data_dir(home(con), name))

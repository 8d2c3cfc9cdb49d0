"""Schema migrations, in order, on `PRAGMA user_version`.

Step N takes a database at version N-1 to version N inside one transaction: either all of it lands, with the
new version number, or nothing does. Never edit a step that has shipped; add a new one.
"""

from __future__ import annotations

from pathlib import Path

import apsw

from boxinterview.errors import DatabaseError
from boxinterview.store.schema import STEPS

HEAD = len(STEPS)


def current_version(con: apsw.Connection) -> int:
    version: int = con.pragma("user_version")
    return version


def check_version(version: int, path: Path | str) -> None:
    """Raise with what to do if a database at `version` cannot be used as it is."""
    if version > HEAD:
        raise DatabaseError(
            f"{path} is at schema version {version}, newer than this boxinterview knows ({HEAD}): "
            "install the newer boxinterview that wrote it, or restore a backup made by this version"
        )
    if version < HEAD:
        raise DatabaseError(
            f"{path} is at schema version {version}, this boxinterview needs {HEAD}: "
            "run `boxinterview migrate` (take a backup first)"
        )


def migrate(con: apsw.Connection, target: int = HEAD) -> list[int]:
    """Apply every step above the current version up to `target`; return the versions applied."""
    if target > HEAD or target < 0:
        raise ValueError(f"no schema version {target}; versions run from 0 to {HEAD}")
    applied: list[int] = []
    while True:
        con.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(con)
            if version > HEAD:
                raise DatabaseError(
                    f"the database is at schema version {version}, newer than this boxinterview knows ({HEAD}): "
                    "install the newer boxinterview that wrote it, or restore a backup made by this version"
                )
            if version >= target:
                con.execute("COMMIT")
                return applied
            _, sql = STEPS[version]
            con.execute(sql)
            con.pragma("user_version", version + 1)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(version + 1)

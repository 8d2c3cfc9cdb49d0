"""Schema migrations, in order, on `PRAGMA user_version`.

Each step is a file of this package, `NNNN_what.py`, holding its `DESCRIPTION` and its `SQL` (and, when the SQL
needs a function SQLite lacks, `FUNCTIONS`: name to Python function, made for that step only); step N takes a
database at version N-1 to version N inside one transaction: either all of it lands, with the new version
number, or nothing does. Never edit or renumber a step that has shipped; add the next file. `schema.sql` beside
this package is the schema all the steps make, checked by the tests: after adding a step, run
`boxinterview migrate --dump-schema src/boxinterview/store/schema.sql` (or `make schema`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import apsw

from boxinterview.errors import DatabaseError

STEP_FILE = re.compile(r"^(\d{4})_\w+\.py$")


Functions = dict[str, Callable[..., Any]]


def _load() -> list[tuple[str, str, Functions]]:
    """(description, SQL, functions) of every step, in order; a gap or a repeated number is a mistake in the
    package."""
    found = sorted(
        (m.group(1), f.name) for f in resources.files(__name__).iterdir() if (m := STEP_FILE.match(f.name))
    )
    files = [name for _, name in found]
    numbers = [int(number) for number, _ in found]
    if numbers != list(range(1, len(files) + 1)):
        raise RuntimeError(f"migration steps must be numbered 1, 2, 3 … without gaps: {files}")
    steps = []
    for name in files:
        step = importlib.import_module(f"{__name__}.{name[:-3]}")
        steps.append((step.DESCRIPTION, step.SQL, getattr(step, "FUNCTIONS", {})))
    return steps


STEPS = _load()
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
            _, sql, functions = STEPS[version]
            for name, function in functions.items():
                con.create_scalar_function(name, function, deterministic=True)
            try:
                con.execute(sql)
            finally:
                for name in functions:
                    con.create_scalar_function(name, None)
            con.pragma("user_version", version + 1)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(version + 1)


_KINDS = {"table": 0, "index": 1, "trigger": 2, "view": 3}


def dump(con: apsw.Connection) -> str:
    """The schema of `con` as `schema.sql` holds it: every table with its indexes and triggers, then the views,
    each as SQLite stores it (columns added later appear at the end of their table)."""
    rows = sorted(
        con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ),
        key=lambda r: (r[0] == "view", r[2], _KINDS[r[0]], r[1]),
    )
    out = [
        f"-- The schema at version {current_version(con)}, as the migration steps make it. Generated: do not edit;",
        "-- after adding a step run `boxinterview migrate --dump-schema src/boxinterview/store/schema.sql`.",
    ]
    for _kind, _name, _table, sql in rows:
        # Lines after the first were indented to sit inside a Python string: shift them back to the margin,
        # keeping a closing `)` or `END` there and what they enclose four spaces in.
        lines = [line.rstrip() for line in sql.strip().splitlines()]
        rest = [line for line in lines[1:] if line.strip()]
        margin = min((len(line) - len(line.lstrip()) for line in rest), default=0)
        closed = bool(rest) and rest[-1].lstrip().startswith((")", "END"))
        lead = "" if closed else "    "
        out += [
            "",
            "\n".join([lines[0], *(lead + line[margin:] if line else "" for line in lines[1:])]) + ";",
        ]
    return "\n".join(out) + "\n"


def fresh_dump() -> str:
    """The schema every step together makes, from an empty database in memory."""
    con = apsw.Connection(":memory:")
    try:
        migrate(con)
        return dump(con)
    finally:
        con.close()

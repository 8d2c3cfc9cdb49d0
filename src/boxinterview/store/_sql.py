"""Small helpers so the store modules read as SQL and little else."""

from __future__ import annotations

from typing import Any

import apsw

Params = tuple[Any, ...] | dict[str, Any]


def rows(con: apsw.Connection, sql: str, params: Params = ()) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names: list[str] | None = None
    out = []
    for row in cur:
        if names is None:
            names = [d[0] for d in cur.get_description()]
        out.append(dict(zip(names, row, strict=True)))
    return out


def row(con: apsw.Connection, sql: str, params: Params = ()) -> dict[str, Any] | None:
    found = rows(con, sql, params)
    return found[0] if found else None


def value(con: apsw.Connection, sql: str, params: Params = ()) -> Any:
    for found in con.execute(sql, params):
        return found[0]
    return None


def changes(con: apsw.Connection) -> int:
    return con.changes()

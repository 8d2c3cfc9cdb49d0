"""Updating a live table in place: changed cells are rewritten, gone rows removed, new rows added at the end.
Rows keep their place between refreshes (nothing jumps under the operator's eyes or cursor), and a refresh costs
only what changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.widgets import DataTable


def sync_rows(table: DataTable[Any], rows: Sequence[tuple[str, Sequence[str]]]) -> None:
    wanted = dict(rows)
    for key in [k.value for k in list(table.rows)]:
        if key is not None and key not in wanted:
            table.remove_row(key)
    columns = list(table.columns)
    for key, cells in rows:
        if key in table.rows:
            current = table.get_row(key)
            for column, old, new in zip(columns, current, cells, strict=True):
                if str(old) != new:  # the table holds text objects (see PlainTable)
                    table.update_cell(key, column, new, update_width=True)  # a longer text widens it
        else:
            table.add_row(*cells, key=key)

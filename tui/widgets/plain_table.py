"""A data table whose cells show text exactly as written. Textual reads a string cell as console markup, so a
candidate called `Mallory [/]` would crash the screen and `[link=…]` would put a link in it; every cell and label
of this table is plain text instead, whoever fills it.

It also draws a row again once its columns have widened for it: DataTable keeps each cell as first drawn until
the table next changes, and a row drawn before the table measured it (a busy moment) stayed cut to the columns'
old widths ("htt" for a whole address)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


def plain(value: Any) -> Any:
    """A string as text that is never markup (as DataTable shows a one-line cell); Textual's Content as the same
    (the table measures only text, so a Content cell would not widen its column and be cut to the heading's
    width); anything else as it is."""
    if isinstance(value, Content):
        value = value.plain
    return Text(value, end="", no_wrap=True) if isinstance(value, str) else value


class PlainTable(DataTable[Any]):
    _drawn_widths: tuple[int, ...] = ()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        widths = tuple(column.get_render_width(self) for column in self.ordered_columns)
        if widths != self._drawn_widths:  # what was drawn at other widths is drawn again
            self._drawn_widths = widths
            self._update_count += 1  # the key of every drawing DataTable keeps
            self.refresh()

    def add_column(
        self, label: Any, *, width: int | None = None, key: str | None = None, default: Any = None
    ) -> ColumnKey:
        return super().add_column(plain(label), width=width, key=key, default=plain(default))

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        return super().add_row(*map(plain, cells), height=height, key=key, label=plain(label))

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, *, update_width: bool = False
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)

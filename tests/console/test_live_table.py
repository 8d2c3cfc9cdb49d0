"""The console's live tables, alone in an app: rows kept in place as they change, text shown as written, and
every row drawn at its columns' widths however early it was first drawn."""

from __future__ import annotations

import html
import re

from textual.app import App, ComposeResult

from boxinterview.tui.widgets.live_table import sync_rows
from boxinterview.tui.widgets.plain_table import PlainTable

ADDRESS = "https://hooks.example.com/zürich/a-path-far-wider-than-its-heading"
REFUSAL = "mallory@example.com: 550 [b]mailbox[/b] unavailable"


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PlainTable(id="table")


def painted(app: App[None]) -> str:
    cells = re.findall(r"<text [^>]*>(.*?)</text>", app.export_screenshot(), re.S)
    return html.unescape("".join(re.sub(r"<[^>]+>", "", c) for c in cells)).replace("\xa0", " ")


async def table_with_columns(pilot) -> PlainTable:
    table = pilot.app.query_one(PlainTable)
    table.add_column("URL", key="url")
    table.add_column("Last", key="last")
    await pilot.pause()
    return table


def drawn_now(table: PlainTable) -> None:
    """Draw the table's lines at once, as a busy screen may before the table has measured what changed."""
    for y in range(4):
        table.render_line(y)


async def test_a_new_row_drawn_before_it_was_measured_is_drawn_again_at_full_width() -> None:
    async with OneTable().run_test(size=(140, 8)) as pilot:
        table = await table_with_columns(pilot)
        sync_rows(table, [("1", [ADDRESS, "200"])])
        drawn_now(table)
        await pilot.pause()
        assert ADDRESS in painted(pilot.app)


async def test_a_cell_grown_and_drawn_before_it_was_measured_is_drawn_again_at_full_width() -> None:
    async with OneTable().run_test(size=(140, 8)) as pilot:
        table = await table_with_columns(pilot)
        sync_rows(table, [("1", ["—", "—"])])
        await pilot.pause()
        sync_rows(table, [("1", [ADDRESS, REFUSAL])])
        drawn_now(table)
        await pilot.pause()
        screen = painted(pilot.app)
        assert ADDRESS in screen and REFUSAL in screen  # the brackets as written, not markup


async def test_rows_keep_their_place_and_gone_rows_leave() -> None:
    async with OneTable().run_test(size=(140, 8)) as pilot:
        table = await table_with_columns(pilot)
        sync_rows(table, [("1", ["one", "a"]), ("2", ["two", "b"]), ("3", ["three", "c"])])
        sync_rows(table, [("3", ["three", "c!"]), ("1", ["one", "a"]), ("4", ["four", "d"])])
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["one", "three", "four"]
        assert str(table.get_row("3")[1]) == "c!"

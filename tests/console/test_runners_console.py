"""Remote runners from the console: a registration token made (shown once, with the command that spends it) and
revoked; each runner with where it calls from and what it is doing; a runner removed, its job back in the
queue and its token refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from boxinterview.domain import runners
from boxinterview.errors import Forbidden
from boxinterview.pipeline import remote
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.widgets.dialogs import Confirm, Form, Message
from tests.console.test_console import type_into, until
from tests.console.test_console_markup import shows
from tests.media.test_processing import uploaded
from tests.media.test_worker import job_of
from tests.support.clips import make
from tests.support.site import Site


def cells(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


async def test_runners_and_their_registration_tokens(site: Site, tmp_path: Path) -> None:
    db, settings = site.db, site.settings
    rid = uploaded((settings, db, site.interview), make("vp8_opus.webm", tmp_path, seconds=1))
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.press("j")
        found = app.screen.query_one("#runners", DataTable)
        tokens = app.screen.query_one("#registration-tokens", DataTable)
        await pilot.press("r")  # nothing to remove yet: said, nothing done
        await shows(pilot, "No runner yet: make a registration token with n")

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Form))
        await type_into(pilot, "#field-note", "Keller: Größe [L]")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
        token = app.screen.copy
        assert token.startswith(runners.REGISTRATION_PREFIX)
        assert f"boxinterview runner --server {settings.base_url} --token {token}" in app.screen.text
        await pilot.press("escape")
        await until(pilot, lambda: tokens.row_count == 1)
        assert cells(tokens, 0)[1:3] == ["Keller: Größe [L]", "unused"]

        runner, runner_token = runners.register(db, token, "encoder-Ø [b]7[/b]", "10.0.0.7")
        remote.accept(db, settings, runner, job_of(db, rid).id)
        await until(pilot, lambda: found.row_count == 1 and "recording" in cells(found, 0)[5])
        row = cells(found, 0)
        assert row[1:3] == ["encoder-Ø [b]7[/b]", "10.0.0.7"] and row[5] == f"recording {rid} (0%)"
        assert "quiet" not in row[4]
        await shows(pilot, "encoder-Ø [b]7[/b]", f"recording {rid} (0%)")
        assert cells(tokens, 0)[2].startswith("used ") and cells(tokens, 0)[2].endswith(
            f"by runner {runner.id}"
        )

        await pilot.press("x")  # a used token cannot be revoked
        await shows(pilot, "Choose an unused registration token first")
        spare = runners.create_registration_token(db, "spare", "test")
        await until(pilot, lambda: tokens.row_count == 2)
        tokens.move_cursor(row=1)
        await pilot.press("x")
        await until(pilot, lambda: cells(tokens, 1)[2].startswith("revoked "))

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "encoder-Ø [b]7[/b]" in app.screen.question and "1 job(s)" in app.screen.question
        await pilot.click("#yes")
        await until(pilot, lambda: found.row_count == 0)
    assert runners.check(db, runner_token, "10.0.0.7") is None
    assert job_of(db, rid).state == "queued" and job_of(db, rid).lease_owner is None
    with pytest.raises(Forbidden, match="used already, revoked"):
        runners.register(db, spare, "encoder-8", "10.0.0.8")

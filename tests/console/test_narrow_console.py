"""At 80×24, the smallest terminal the console is made for, what the operator acts on is in sight: which CSV rows
have problems and what they are, each candidate's status and deadline, however long their address, and on every
screen the keys to help and to quit."""

from __future__ import annotations

import dataclasses

from boxinterview.domain import interviews, invitations, journey
from boxinterview.domain.models import InterviewStatus
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.widgets.dialogs import Form
from tests.console.test_console import DEADLINE, screen_lines, type_into, until
from tests.console.test_console_import import open_import


def shown(app) -> str:
    return " ".join(" ".join(screen_lines(app)).split())


async def test_the_csv_preview_shows_each_rows_problem_at_80_columns(
    db, settings, open_interview, tmp_path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "name,email,extra_time\n"
        "Ann Example,ann@example.com,\n"
        "Bartholomew Longname-Example,bartholomew.longname-example@example.com,9\n"
        "Cy Example,cy-at-example.com,\n"
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await open_import(app, pilot, open_interview.id, path)
        await until(pilot, lambda: rows.row_count == 3)
        await pilot.pause(0.2)
        lines = screen_lines(app)
        by_line = {line.split()[0]: line for line in lines if line.split() and line.split()[0] in "234"}
        assert (
            "extra_time is a multiplier" in by_line["3"]
        )  # the rows to fix come first, their problem beside
        assert "is not an e-mail" in by_line["4"] and "ok" in by_line["2"]
        # the highlighted row in full under the table
        assert "Line 3: Bartholomew Longname-Example <bartholomew.longname-example@example.com>" in shown(app)
        assert "extra_time is a multiplier from 1.0 to 4.0" in shown(app)
        rows.focus()
        await pilot.press("down")
        await until(pilot, lambda: "Line 4: Cy Example" in shown(app))
        assert "'cy-at-example.com' is not an e-mail address" in shown(app)


async def test_the_candidates_status_and_deadline_show_at_80_columns(db, settings, template) -> None:
    interview_id = interviews.create(db, dataclasses.replace(template, time_zone="Europe/Berlin"), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    address = "maximilian.alexander.longname-example@recruiting.example.com"
    invitations.invite(db, interview_id, "Maximilian Alexander Longname", address, "t", deadline=DEADLINE)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_candidates(interview_id)
        await until(pilot, lambda: "1 candidate(s)" in shown(app))
        await pilot.pause(0.2)
        [row] = [line for line in screen_lines(app) if line.startswith("1  Maximilian")]
        # In the interview's time zone, as the candidate reads it (17:00 UTC is 18:00 in Berlin in winter)
        assert "invited" in row and "31 Jan 18:00" in row, screen_lines(app)
        assert f"<{address}> · invited · deadline 2031-01-31 18:00 Europe/Berlin" in shown(app)


async def test_a_request_for_an_adjustment_is_marked_until_it_is_answered(
    db, settings, open_interview
) -> None:
    _, token = invitations.invite(
        db, open_interview.id, "Ann Example", "ann@example.com", "t", deadline=DEADLINE
    )
    journey.consent(db, token, "1", "Extra time: I use a screen reader")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.show_candidates(open_interview.id)

        def row() -> str:  # Ann's row as drawn (the table may draw it a moment after the line under it)
            return next((line for line in screen_lines(app) if line.startswith("1  Ann Example")), "")

        await until(
            pilot,
            lambda: (
                "1 ask(s) for an adjustment: a answers" in shown(app)
                and "asks" in row()
                and 'asks: "Extra time: I use a screen reader"' in shown(app)
            ),  # the line under the table
        )
        await pilot.press("a")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, Form)
                and '"Extra time: I use a screen reader". Grant, even as it is, to answer it.' in shown(app)
            ),
        )
        await type_into(pilot, "#field-multiplier", "1.5")
        await pilot.click("#save")
        await until(pilot, lambda: "ask(s)" not in shown(app) and "×1.5" in row() and "asks" not in row())
    answered = invitations.listing(db, open_interview.id)[0][0]
    assert answered.time_multiplier == 1.5 and not answered.accommodation_waiting


def footer_keys(app) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The keys a screen's footer shows, and those of them cut at the terminal's right edge."""
    footer = app.screen.query_one("Footer")
    keys = [(k, k.key, k.description) for k in footer.query("FooterKey")]
    width = app.screen.size.width
    return [(key, what) for _, key, what in keys], [
        (key, what) for k, key, what in keys if k.region.right > width
    ]


async def test_every_screen_at_80_columns_shows_all_its_keys_help_and_quit_first(
    db, settings, open_interview
) -> None:
    from boxinterview.tui.app import SCREENS
    from boxinterview.tui.screens.csv_import import ImportScreen
    from boxinterview.tui.screens.editor import EditorScreen

    app = ConsoleApp(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        for name, (key, label, _) in SCREENS.items():
            await pilot.press(key)
            await until(pilot, lambda name=name: app.current_mode == name)
            await pilot.pause()
            keys, cut = footer_keys(app)
            assert keys[:2] == [("question_mark", "Help"), ("q", "Quit")], (label, keys)
            assert not cut, (label, cut)
        for keys_to_open, screen in ((("2", "n"), EditorScreen), (("3", "m"), ImportScreen)):
            await pilot.press(*keys_to_open)
            await until(pilot, lambda screen=screen: isinstance(app.screen, screen))
            await pilot.pause()
            keys, cut = footer_keys(app)
            assert not cut, (screen.__name__, cut)
            await pilot.press("escape")
            await until(pilot, lambda screen=screen: not isinstance(app.screen, screen))
        await pilot.press("question_mark")  # every key is in the help, also those the footers leave out
        await until(pilot, lambda: app.screen.query("#keys"))
        listed = str(app.screen.query_one("#keys").render())
        for what in ("Preview", "Duplicate", "Import CSV", "Link", "Resend", "More time", "Accommodation"):
            assert what in listed, what
        await pilot.press("escape")
        await pilot.press("1")
        await until(pilot, lambda: app.current_mode == "dashboard")
        await pilot.press("q")
    assert app.return_code == 0  # q, from the last screen, quits


async def test_the_dashboards_recent_errors_say_which_recording_and_use_the_width(
    db, settings, open_interview
) -> None:
    from boxinterview.pipeline import processing
    from tests.support.flows import record_take

    inv, token = invitations.invite(db, open_interview.id, "Ann Example", "ann@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    rid = record_take(db, settings, token, open_interview.questions[0].id, 1, b"not a recording")
    why = (
        "the file is not a recording we can read (it may be damaged or incomplete): record this answer again"
    )
    processing.reject(db, rid, why)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: f"recording {rid}: the file is not a recording" in shown(app))
        assert "incomplete): record this answer again" in shown(app)  # not cut at 70 characters
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: f"recording {rid}: the file is not" in shown(app))

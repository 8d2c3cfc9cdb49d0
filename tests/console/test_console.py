"""The operator console, driven as an operator would with Textual's pilot: every flow on the same core services
and the same database as the web, with live data arriving from other processes."""

from __future__ import annotations

import dataclasses
import html
import re
import time
from datetime import UTC, datetime

import requests
from textual import events
from textual.widgets import DataTable, Input, SelectionList, Static, TextArea

from boxinterview.domain import accounts, interviews, invitations
from boxinterview.domain.models import InterviewStatus, QuestionKind, Role
from boxinterview.ops import backup
from boxinterview.tui import drafts
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.editor import EditorScreen
from boxinterview.tui.widgets.dialogs import Message
from tests.support.live import live_server
from tests.support.signin import sign_in

DEADLINE = datetime(2031, 1, 31, 17, 0, tzinfo=UTC)


async def until(pilot, check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the console did not get there in time"
        await pilot.pause(0.05)


async def type_into(pilot, selector: str, text: str) -> None:
    """Focus a field, clear it and type `text` key by key, as an operator would; a path, which an operator would
    paste, arrives as the terminal sends a paste."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    if "/" in text:
        widget.post_message(events.Paste(text))
        await pilot.pause()
    else:
        await pilot.press(*text)


async def test_console_lists_interviews_and_refreshes(db, settings, open_interview, template) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#interviews", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[-1]) == open_interview.title
        interviews.create(db, template, "test")  # as if another process added one
        await until(pilot, lambda: table.row_count == 2)  # the list refreshes on its own


async def test_create_an_interview_with_a_competency_and_questions(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await type_into(pilot, "#title", "Warehouse lead pre-screen")
        await type_into(pilot, "#role", "Warehouse lead")
        app.screen.query_one("#competencies").focus()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.screen.query("#field-name"))
        await type_into(pilot, "#field-name", "Safety")
        for score in range(1, 6):
            await type_into(pilot, f"#field-a{score}", f"level {score}")
        await pilot.click("#save")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        app.screen.query_one("#questions").focus()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.screen.query("#prompt"))
        app.screen.query_one("#prompt", TextArea).text = "Tell us about a near miss you reported."
        app.screen.query_one("#assesses", SelectionList).select("Safety")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        editor = app.screen
        assert "question 1" not in str(editor.query_one("#advice", Static).render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
    [summary] = interviews.summaries(db)
    saved = interviews.get(db, summary.id)
    assert saved.title == "Warehouse lead pre-screen" and saved.role == "Warehouse lead"
    assert saved.competencies[0].name == "Safety" and saved.competencies[0].anchors[5] == "level 5"
    [q] = saved.questions
    assert q.kind is QuestionKind.VIDEO and q.competencies == ("Safety",) and q.takes == 2
    assert drafts.load(settings, "interview-new") is None  # saved: no draft left behind


async def test_what_was_typed_survives_leaving_the_console(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await type_into(pilot, "#title", "Half-written")
        await until(pilot, lambda: drafts.load(settings, "interview-new") is not None, timeout=5)
    # The terminal closed without saving; the next editor brings the text back
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await until(pilot, lambda: app.screen.query_one("#title", Input).value == "Half-written")


async def test_a_bad_interview_is_refused_with_the_reasons_and_nothing_is_lost(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await type_into(pilot, "#title", "No role yet")
        await pilot.press("ctrl+s")
        problems = app.screen.query_one("#problems", Static)
        await until(pilot, lambda: "role: must not be empty" in str(problems.render()))
        assert (
            isinstance(app.screen, EditorScreen)
            and app.screen.query_one("#title", Input).value == "No role yet"
        )
    assert interviews.summaries(db) == []


async def test_invite_one_and_see_the_link(db, settings, open_interview) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_candidates(open_interview.id)
        await pilot.pause(0.2)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query("#field-name"))
        await type_into(pilot, "#field-name", "Fay Example")
        await type_into(pilot, "#field-email", "fay@example.com")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
        shown = app.screen.copy
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)
        await pilot.press("l")  # another link for her, to pass on by hand
        await until(pilot, lambda: isinstance(app.screen, Message))
        another = app.screen.copy
        await pilot.pause()
        lines = screen_lines(app)
    assert shown.startswith(f"{settings.base_url}/i/") and another.startswith(f"{settings.base_url}/i/")
    assert another != shown
    assert any(line.strip() == another for line in lines), lines  # whole on its line, at 80 columns too
    assert "Links made for them before keep working." in " ".join(" ".join(lines).split())
    for link in (shown, another):  # and they do
        inv = invitations.by_token(db, link.rsplit("/", 1)[1])
        assert [c.email for i, c in invitations.listing(db, inv.interview_id) if i.id == inv.id] == [
            "fay@example.com"
        ]


def screen_lines(app: ConsoleApp) -> list[str]:
    """The terminal's lines as text, dialog borders taken off."""
    cells = re.findall(r"<text [^>]*>(.*?)</text>", app.export_screenshot(), re.S)
    text = html.unescape("".join(re.sub(r"<[^>]+>", "", c) for c in cells)).replace("\xa0", " ")
    return [line.strip(" █▀▄") for line in text.splitlines()]


async def test_run_a_backup_from_the_console(db, settings, open_interview) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        await pilot.pause(0.2)
        await pilot.press("b")
        activity = app.screen.query_one("#activity", Static)
        await until(pilot, lambda: str(activity.render()).startswith("Backup "))
        table = app.screen.query_one("#backups", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        await pilot.press("v")
        await until(pilot, lambda: "every file matches" in str(activity.render()))
    [made] = backup.listing(settings)
    assert made.files >= 1


async def test_reviewers_are_added_and_disabled(db, settings, open_interview) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await pilot.pause(0.2)
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query("#field-email"))
        await type_into(pilot, "#field-email", "lee@example.com")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
        password = app.screen.copy
        await pilot.press("escape")
        assert accounts.authenticate(db, "lee@example.com", password) is not None
        table = app.screen.query_one("#accounts", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        await pilot.press("d")
        await pilot.pause(0.1)
        await pilot.click("#yes")
        await until(pilot, lambda: accounts.authenticate(db, "lee@example.com", password) is None)
    assert [a.role for a in accounts.listing(db)] == [Role.REVIEWER]


async def test_the_audit_log_is_searchable(db, settings, open_interview) -> None:
    invitations.invite(
        db, open_interview.id, "Gil Example", "gil@example.com", "operator:lee", deadline=DEADLINE
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("7")
        table = app.screen.query_one("#audit", DataTable)
        await until(pilot, lambda: table.row_count >= 2)
        await pilot.press("slash")
        await pilot.press(*"operator:lee")
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[2]) == "invitation.create"


async def test_help_lists_every_key(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        text = str(app.screen.query_one("#keys", Static).render())
    for expected in ("Dashboard", "Import CSV", "Back up now", "Restore", "Save", "Erase"):
        assert expected in text, expected


async def test_a_refused_invitation_keeps_what_was_typed_and_says_why(db, settings, open_interview) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_candidates(open_interview.id)
        await pilot.pause(0.2)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query("#field-name"))
        await type_into(pilot, "#field-name", "Hal Example")
        await type_into(pilot, "#field-email", "hal-at-example.com")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                "not an e-mail address" in str(app.screen.query("#problem").first().render())
                if app.screen.query("#problem")
                else False
            ),
        )
        assert app.screen.query_one("#field-name", Input).value == "Hal Example"
        assert app.screen.query_one("#field-email", Input).value == "hal-at-example.com"
    assert invitations.listing(db, open_interview.id) == []


async def test_the_dashboard_shows_an_upload_arriving_from_a_real_tus_client(tmp_path) -> None:
    import asyncio
    import os

    from tusclient import client as tus

    from tests.support.live import live_server

    data = os.urandom(600_000)
    source = tmp_path / "take.webm"
    source.write_bytes(data)
    with live_server(tmp_path) as live:
        token = live.candidate()
        uploader = tus.TusClient(live.uploads_url).uploader(
            str(source), chunk_size=200_000, metadata=live.metadata(token, filetype="video/webm")
        )
        app = ConsoleApp(live.settings, live.db)
        async with app.run_test(size=(120, 40)) as pilot:
            uploads = app.screen.query_one("#uploads", DataTable)
            await asyncio.to_thread(uploader.upload_chunk)  # the first third arrives
            await until(pilot, lambda: uploads.row_count == 1)
            assert "33%" in str(uploads.get_row_at(0)[3]) and str(uploads.get_row_at(0)[2]) == "Q1 take 1"
            await asyncio.to_thread(uploader.upload_chunk)
            await until(pilot, lambda: "67%" in str(uploads.get_row_at(0)[3]))
            await asyncio.to_thread(uploader.upload_chunk)  # the last byte: processing takes over
            jobs = app.screen.query_one("#jobs", DataTable)
            await until(pilot, lambda: uploads.row_count == 0 and jobs.row_count == 1)
            assert str(jobs.get_row_at(0)[2]) == "queued"  # this server runs no worker
            label = str(app.screen.query_one("#traffic-label", Static).render())
            assert "600.0 KB" in label  # what arrived this hour


async def test_quitting_with_unsaved_changes_keeps_them_as_a_draft(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await type_into(pilot, "#role", "Night shift lead")
        app.screen.query_one("#questions").focus()
        await pilot.press("q")  # it asks first, as Esc does
        await until(pilot, lambda: app.screen.query("#choice-quit"))
        await pilot.click("#choice-quit")  # at once, before the draft timer
    assert drafts.load(settings, "interview-new").role == "Night shift lead"


async def test_queued_messages_can_be_read_in_full_to_send_by_hand(db, settings, open_interview) -> None:
    from boxinterview.mail.letters import Letterhead

    _, token = invitations.invite(
        db,
        open_interview.id,
        "Ivy Example",
        "ivy@example.com",
        "t",
        deadline=DEADLINE,
        letterhead=Letterhead.from_settings(settings),
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("8")
        table = app.screen.query_one("#outbox", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert "no SMTP server is configured" in str(app.screen.query_one("#counts", Static).render())
        table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
        assert f"/i/{token}" in app.screen.copy and "ivy@example.com" in app.screen.text


async def test_the_insight_screen_reads_the_same_measures(db, settings, open_interview) -> None:
    from boxinterview.cli import demo_history as synthetic

    synthetic.add(db, open_interview, 200)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("9")
        figures = app.screen.query_one("#figures", Static)
        await until(pilot, lambda: "Funnel" in str(figures.render()))
        text = str(figures.render())
    assert "invited" in text and " 200 " in text  # the made-up candidates
    assert "Krippendorff's alpha (interval)" in text and "leniency" in text


async def test_a_new_password_from_the_console_signs_the_reviewer_out_of_the_web(tmp_path) -> None:
    with live_server(tmp_path) as live:
        _, password = accounts.create(live.db, "kai@example.com", Role.REVIEWER, "t")
        browser = requests.Session()
        assert sign_in(browser, live.base, "kai@example.com", password).status_code == 200
        app = ConsoleApp(live.settings, live.db)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("4")
            table = app.screen.query_one("#accounts", DataTable)
            await until(pilot, lambda: table.row_count == 1)
            await pilot.press("p")
            await pilot.pause(0.1)
            await pilot.click("#yes")
            await until(pilot, lambda: isinstance(app.screen, Message))
            new_password = app.screen.copy
        assert browser.get(f"{live.base}/review", allow_redirects=False).status_code == 303
        assert sign_in(browser, live.base, "kai@example.com", new_password).status_code == 200


async def test_names_in_every_script_and_bracketed_names_show_as_written(db, settings, template) -> None:
    """Titles and names in any script, and names with brackets the console's markup would otherwise eat."""
    title, names = "Kundenberater:in — Zürich · 客服", ["Zoë Ångström-Øster", "Jörg Müller", "محمد", "李雷"]
    names += ["[b]Bold[/b] Person", "Ann [/]", "[link=http://x]Eve[/link]"]
    interview_id = interviews.create(db, dataclasses.replace(template, title=title), "test")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "test")
    for n, name in enumerate(names):
        invitations.invite(db, interview_id, name, f"p{n}@example.com", "t")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#interviews", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[-1]) == title
        app.show_candidates(interview_id)
        await pilot.pause(0.2)
        rows = app.screen.query_one("#candidates", DataTable)
        await until(pilot, lambda: rows.row_count == len(names))
        shown = {_plain(rows.get_row_at(i)[1]) for i in range(rows.row_count)}
        assert shown == set(names)


def _plain(cell: object) -> str:
    """What a table cell shows: markup-free text as written."""
    from rich.text import Text

    return cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain


async def test_the_preview_shows_a_german_interviews_messages_in_german(db, settings, template) -> None:
    import dataclasses

    from boxinterview.tui.screens.preview import PreviewScreen

    interview_id = interviews.create(
        db, dataclasses.replace(template, language="de", time_zone="Europe/Berlin"), "test"
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(160, 60)) as pilot:
        app.push_screen(PreviewScreen(interviews.get(db, interview_id)))
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen))
        await pilot.pause(0.2)
        shown = "\n".join(str(s.render()) for s in app.screen.query(".message"))
        heads = "\n".join(str(s.render()) for s in app.screen.query(".message-head"))
        assert shown.count("Guten Tag Alex Example,") == 8 and "Dear" not in shown
        assert "bis Freitag, 11. Dezember 2026, 18:00 MEZ." in shown
        assert f"Subject: Vielen Dank: Ihr Interview für {template.role} ist abgeschlossen" in heads

"""The interview editor offers only what a question's kind has, names a refused question as its table numbers it,
and asks before q leaves unsaved changes behind."""

from __future__ import annotations

import dataclasses

from textual.widgets import Input, Select, Static, TextArea

from boxinterview.domain import interviews
from boxinterview.domain.models import QuestionKind
from boxinterview.tui import drafts
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.editor import EditorScreen
from boxinterview.tui.screens.question_dialog import QuestionDialog
from boxinterview.tui.widgets.dialogs import Choose
from tests.console.test_console import type_into, until


async def new_editor(app: ConsoleApp, pilot) -> EditorScreen:
    await pilot.press("2", "n")
    await until(pilot, lambda: isinstance(app.screen, EditorScreen))
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, EditorScreen)
    return editor


async def test_a_text_question_has_one_take_and_no_think_time_and_saves(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await new_editor(app, pilot)
        await type_into(pilot, "#title", "Written pre-screen")
        await type_into(pilot, "#role", "Writer")
        for kind in ("text", "choice", "file"):
            editor.query_one("#questions").focus()
            await pilot.press("ctrl+n")
            await until(pilot, lambda: isinstance(app.screen, QuestionDialog))
            dialog = app.screen
            assert dialog.query_one("#takes", Input).value == "2"  # a video question, to begin with
            dialog.query_one("#kind", Select).value = kind
            takes, think = dialog.query_one("#takes", Input), dialog.query_one("#think", Input)
            await until(pilot, lambda t=takes, h=think: t.disabled and h.disabled)
            assert (takes.value, think.value) == ("1", "0")
            assert dialog.query_one("#choices", Input).disabled is (kind != "choice")
            assert dialog.query_one("#chars", Input).disabled is (kind != "text")
            if kind == "choice":
                dialog.query_one("#choices", Input).value = "Yes; !No"
            dialog.query_one("#prompt", TextArea).text = f"A {kind} question"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is editor)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
    [summary] = interviews.summaries(db)
    saved = interviews.get(db, summary.id)
    assert [(q.kind.value, q.takes, q.think_seconds) for q in saved.questions] == [
        ("text", 1, 0),
        ("choice", 1, 0),
        ("file", 1, 0),
    ]


async def test_a_video_question_made_text_and_back_gets_its_takes_again(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await new_editor(app, pilot)
        editor.query_one("#questions").focus()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        dialog = app.screen
        await type_into(pilot, "#takes", "3")
        dialog.query_one("#kind", Select).value = "text"
        takes = dialog.query_one("#takes", Input)
        await until(pilot, lambda: takes.disabled and takes.value == "1")
        dialog.query_one("#kind", Select).value = "audio"
        await until(pilot, lambda: not takes.disabled and takes.value == "3")


async def test_a_refused_question_is_named_as_the_table_numbers_it(db, settings, template) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await new_editor(app, pilot)
        await type_into(pilot, "#title", "Numbered")
        await type_into(pilot, "#role", "Counter")
        first = dataclasses.replace(template.questions[0], competencies=())
        wrong = dataclasses.replace(
            first, kind=QuestionKind.TEXT, takes=2, think_seconds=0
        )  # as a draft held it
        editor.questions = [first, wrong]
        editor.show_lists()
        await pilot.press("ctrl+s")
        problems = editor.query_one("#problems", Static)
        await until(pilot, lambda: "question 2: takes: only video and audio" in str(problems.render()))
        assert "questions[" not in str(problems.render())


async def test_q_in_the_editor_asks_about_unsaved_changes(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await new_editor(app, pilot)
        await type_into(pilot, "#title", "Unsaved")
        await until(pilot, lambda: editor.dirty)
        editor.query_one("#questions").focus()  # a table: q is not a letter here
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, Choose))
        assert app.is_running
        await pilot.click("#choice-stay")
        await until(pilot, lambda: app.screen is editor)
        assert app.is_running
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, Choose))
        await pilot.click("#choice-quit")
        await until(pilot, lambda: not app.is_running)
    draft = drafts.load(settings, "interview-new")
    assert draft is not None and draft.title == "Unsaved"


async def test_q_in_an_unchanged_editor_quits_at_once(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await new_editor(app, pilot)
        editor.query_one("#questions").focus()
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)

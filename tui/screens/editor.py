"""Create or change an interview: its settings, competencies with their rubric anchors, and questions, with the
good-practice advice as you type. What you type is kept as a draft on disk until you save."""

from __future__ import annotations

import dataclasses
import functools
import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select, Static, TextArea

from boxinterview import i18n
from boxinterview.domain import deadlines, interviews
from boxinterview.domain.models import SCORES, Competency, Interview, Question
from boxinterview.errors import Invalid
from boxinterview.tui import drafts
from boxinterview.tui.format import marked
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.screens.question_dialog import QuestionDialog
from boxinterview.tui.widgets.compact import CompactInput, CompactTextArea
from boxinterview.tui.widgets.dialogs import Choose, Field, Form
from boxinterview.tui.widgets.plain_table import PlainTable

DRAFT_SECONDS = 1.0

# A refusal names a place in the interview as the editor shows it: `questions[1].takes` is "question 2: takes",
# the question numbered 2 in the table.
_LISTED = re.compile(r"(questions|competencies|choices)\[(\d+)\]")
_ONE = {"questions": "question", "competencies": "competency", "choices": "choice"}
_FIELDS = {
    "think_seconds": "think time",
    "answer_seconds": "answer time",
    "max_chars": "max characters",
    "retention_days": "retention",
    "review_target_days": "review within",
    "time_zone": "time zone",
}


def where(path: str) -> str:
    """`questions[1].choices[0].label` as "question 2, choice 1: label"."""
    parts = [_LISTED.sub(lambda m: f"{_ONE[m[1]]} {int(m[2]) + 1}", part) for part in path.split(".")]
    listed = [p for p in parts if p.split(" ")[0] in _ONE.values()]
    rest = [_FIELDS.get(p, p) for p in parts if p not in listed]
    return ": ".join(filter(None, (", ".join(listed), ".".join(rest))))


class EditorScreen(ConsoleScreen[int | None]):
    """Dismisses with the saved interview's id, or None when left without saving."""

    CSS_PATH = "editor.tcss"
    TITLE = "Interview editor"
    # Typing goes to the title at once; the scrolling form itself, focused, would pass a typed q to Quit.
    AUTO_FOCUS = "#title"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "preview", "Preview"),
        Binding("ctrl+n", "add", "Add to list"),
        Binding("ctrl+d", "remove", "Remove from list"),
        Binding("ctrl+up", "move(-1)", "Move up", show=False),
        Binding("ctrl+down", "move(1)", "Move down", show=False),
        Binding("escape", "leave", "Back"),
        # q, where it is not a letter typed, asks as Esc does before closing the console on unsaved changes
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, interview: Interview | None = None) -> None:
        super().__init__()
        self.original = interview
        self.draft_key = f"interview-{interview.id}" if interview and interview.id else "interview-new"
        self.competencies: list[Competency] = list(interview.competencies) if interview else []
        self.questions: list[Question] = list(interview.questions) if interview else []
        self.dirty = False
        self._draft_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        iv = self.original
        yield Header()
        with VerticalScroll(id="editor"):
            title = (
                f"Interview {iv.id}, version {iv.version} ({iv.status.value})"
                if iv and iv.id
                else "New interview"
            )
            yield Static(title, classes="title", id="editor-title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Title")
                    yield CompactInput(
                        iv.title if iv else "", id="title", placeholder="Customer Support Engineer pre-screen"
                    )
                with Vertical():
                    yield Label("Role")
                    yield CompactInput(
                        iv.role if iv else "", id="role", placeholder="Customer Support Engineer"
                    )
            yield Label("Objectives (what this interview must find out)")
            yield CompactTextArea(iv.objectives if iv else "", id="objectives", classes="short")
            yield Label("Instructions for candidates")
            yield CompactTextArea(iv.instructions if iv else "", id="instructions", classes="short")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Deadline (optional)")
                    yield CompactInput(
                        iv.deadline.isoformat(timespec="minutes") if iv and iv.deadline else "",
                        placeholder="none, e.g. 31.12.2026 17:00",
                        id="deadline",
                    )
                with Vertical():
                    yield Label("Retention (days)")
                    yield CompactInput(str(iv.retention_days) if iv else "180", id="retention")
                with Vertical():
                    yield Label("Review within (days)")
                    yield CompactInput(str(iv.review_target_days) if iv else "5", id="review-target")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Language candidates read")
                    yield Select(
                        [(f"{i18n.display_name(code)} ({code})", code) for code in i18n.available()],
                        value=iv.language if iv and iv.language in i18n.available() else i18n.DEFAULT,
                        allow_blank=False,
                        id="language",
                    )
                with Vertical():
                    yield Label("Candidates' time zone")
                    yield CompactInput(
                        iv.time_zone if iv else "UTC", id="time-zone", placeholder="Europe/Berlin"
                    )
            yield Label("Support contact for candidates")
            yield CompactInput(iv.support_contact if iv else "", id="support", placeholder="jobs@example.com")
            with Horizontal(classes="row checks"):
                yield Checkbox("Blind review", iv.blind_review if iv else False, id="blind")
                yield Checkbox("Accommodations", iv.allow_accommodations if iv else True, id="accommodations")
                yield Checkbox("Sound-only answers", iv.allow_audio_only if iv else False, id="audio-only")
            yield Static("Competencies · Enter edits, ctrl+n adds, ctrl+d removes", classes="section")
            comps = PlainTable(id="competencies", cursor_type="row")
            comps.add_columns("Competency", "Anchors", "Description")
            yield comps
            yield Static(
                "Questions · Enter edits, ctrl+n adds, ctrl+d removes, ctrl+↑/↓ moves", classes="section"
            )
            qs = PlainTable(id="questions", cursor_type="row")
            qs.add_columns("#", "Kind", "Think", "Answer", "Takes", "Assesses", "Prompt")
            yield qs
            yield Static("", id="advice")
            yield Static("", id="problems", classes="problem", markup=False)  # problems quote what was typed
        yield Footer()

    def on_mount(self) -> None:
        self.app.open_editors.add(self)
        self.baseline = self.current()  # what "unchanged" means: the saved interview, or an empty form
        self.show_lists()
        self.restore_draft()

    def on_unmount(self) -> None:
        self.app.open_editors.discard(self)

    # -- the form as an Interview -------------------------------------------------------------------------------

    def current(self) -> Interview:
        def text(id_: str) -> str:
            return self.query_one(f"#{id_}", Input).value

        def number(id_: str, default: int) -> int:
            try:
                return int(text(id_).strip())
            except ValueError:
                return default

        try:
            deadline = deadlines.read(text("deadline"), text("time-zone").strip())
        except Invalid:
            deadline = None  # form_problems says why on saving
        base = self.original or Interview(title="", role="")
        return dataclasses.replace(
            base,
            title=text("title"),
            role=text("role"),
            objectives=self.query_one("#objectives", TextArea).text,
            instructions=self.query_one("#instructions", TextArea).text,
            deadline=deadline,
            retention_days=number("retention", 180),
            review_target_days=number("review-target", 5),
            language=str(self.query_one("#language", Select).value),
            time_zone=text("time-zone").strip(),
            support_contact=text("support"),
            blind_review=self.query_one("#blind", Checkbox).value,
            allow_accommodations=self.query_one("#accommodations", Checkbox).value,
            allow_audio_only=self.query_one("#audio-only", Checkbox).value,
            competencies=tuple(self.competencies),
            questions=tuple(self.questions),
        )

    def form_problems(self) -> list[str]:
        problems = []
        deadline = self.query_one("#deadline", Input).value.strip()
        if deadline:
            try:
                deadlines.read(deadline, self.query_one("#time-zone", Input).value.strip())
            except Invalid as why:
                problems.append(f"deadline: {why}")
        for id_, what in (("retention", "retention"), ("review-target", "review within")):
            value = self.query_one(f"#{id_}", Input).value.strip()
            if not (value.isascii() and value.isdigit()):
                problems.append(f"{what}: a whole number of days")
        return problems

    # -- lists ----------------------------------------------------------------------------------------------------

    def show_lists(self) -> None:
        comps = self.query_one("#competencies", DataTable)
        comps.clear()
        for c in self.competencies:
            comps.add_row(c.name, f"{len(c.anchors)}/{len(SCORES)}", c.description[:50])
        qs = self.query_one("#questions", DataTable)
        qs.clear()
        for i, q in enumerate(self.questions, start=1):
            qs.add_row(
                str(i),
                q.kind.value,
                f"{q.think_seconds}s",
                f"{q.answer_seconds}s",
                str(q.takes),
                ", ".join(q.competencies)[:20],
                q.prompt.replace("\n", " ")[:60],
            )
        self.changed()

    def changed(self) -> None:
        iv = self.current()
        advice = interviews.advice(iv)
        self.query_one("#advice", Static).update(
            marked(
                "[b]Advice[/b]\n$advice", advice="\n".join(f"• {a}" for a in advice)
            )  # advice quotes names
            if advice
            else marked("[green]No advice: looks good[/]")
        )
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.dirty = iv != self.baseline
        self._draft_timer = self.set_timer(DRAFT_SECONDS, self.keep_draft if self.dirty else self.drop_draft)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def field_changed(self) -> None:
        if self.is_mounted:
            self.changed()

    def keep_draft(self) -> None:
        iv = self.current()
        self.act(lambda: drafts.save(self.settings, self.draft_key, iv))

    def drop_draft(self) -> None:
        self.act(lambda: drafts.discard(self.settings, self.draft_key))

    def restore_draft(self) -> None:
        draft = drafts.load(self.settings, self.draft_key)
        if draft is None:
            self.dirty = False
            return
        for id_, value in (
            ("title", draft.title),
            ("role", draft.role),
            ("support", draft.support_contact),
            ("retention", str(draft.retention_days)),
            ("review-target", str(draft.review_target_days)),
            ("time-zone", draft.time_zone),
            ("deadline", draft.deadline.isoformat(timespec="minutes") if draft.deadline else ""),
        ):
            self.query_one(f"#{id_}", Input).value = value
        self.query_one("#objectives", TextArea).text = draft.objectives
        self.query_one("#instructions", TextArea).text = draft.instructions
        if draft.language in i18n.available():
            self.query_one("#language", Select).value = draft.language
        self.query_one("#blind", Checkbox).value = draft.blind_review
        self.query_one("#accommodations", Checkbox).value = draft.allow_accommodations
        self.query_one("#audio-only", Checkbox).value = draft.allow_audio_only
        self.competencies, self.questions = list(draft.competencies), list(draft.questions)
        self.show_lists()
        self.notify("Your unsaved changes from last time are back (Esc, then discard, to drop them)")

    def _focused_list(self) -> str | None:
        focused = self.focused
        return focused.id if isinstance(focused, DataTable) else None

    def action_add(self) -> None:
        which = self._focused_list()
        if which == "competencies":
            self.edit_competency(None)
        elif which == "questions" or which is None:
            self.edit_question(None)

    @on(DataTable.RowSelected, "#competencies")
    def competency_chosen(self, event: DataTable.RowSelected) -> None:
        self.edit_competency(event.cursor_row)

    @on(DataTable.RowSelected, "#questions")
    def question_chosen(self, event: DataTable.RowSelected) -> None:
        self.edit_question(event.cursor_row)

    def edit_competency(self, index: int | None) -> None:
        c = self.competencies[index] if index is not None else None
        fields = [
            Field("name", "Name", c.name if c else "", "Communication"),
            Field("description", "What it means here", c.description if c else ""),
        ]
        fields += [Field(f"a{s}", f"Score {s} looks like", c.anchors.get(s, "") if c else "") for s in SCORES]

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            name = values["name"].strip()
            if not name:
                self.notify("A competency needs a name", severity="error")
                return
            anchors = {s: values[f"a{s}"].strip() for s in SCORES if values[f"a{s}"].strip()}
            new = Competency(name, values["description"].strip(), anchors)
            if index is None:
                self.competencies.append(new)
            else:
                old = self.competencies[index].name
                self.competencies[index] = new
                if old != name:  # questions follow a renamed competency
                    self.questions = [
                        dataclasses.replace(
                            q, competencies=tuple(name if n == old else n for n in q.competencies)
                        )
                        for q in self.questions
                    ]
            self.show_lists()

        self.app.push_screen(Form("Competency and its rubric anchors", fields, save="Keep"), done)

    def edit_question(self, index: int | None) -> None:
        q = self.questions[index] if index is not None else None

        def done(new: Question | None) -> None:
            if new is None:
                return
            if index is None:
                self.questions.append(new)
            else:
                self.questions[index] = new
            self.show_lists()

        self.app.push_screen(QuestionDialog(q, [c.name for c in self.competencies]), done)

    def action_remove(self) -> None:
        which = self._focused_list()
        if which is None:
            return
        row = self.query_one(f"#{which}", DataTable).cursor_row
        if which == "questions":
            if self.questions:
                self.questions.pop(row)
                self.show_lists()
            return
        if not self.competencies:
            return
        removed = self.competencies.pop(row)
        self.questions = [
            dataclasses.replace(q, competencies=tuple(n for n in q.competencies if n != removed.name))
            for q in self.questions
        ]
        self.show_lists()

    def action_move(self, step: int) -> None:
        if self._focused_list() != "questions" or len(self.questions) < 2:
            return
        table = self.query_one("#questions", DataTable)
        i, j = table.cursor_row, table.cursor_row + step
        if 0 <= j < len(self.questions):
            self.questions[i], self.questions[j] = self.questions[j], self.questions[i]
            self.show_lists()
            table.move_cursor(row=j)

    # -- save, preview, leave -------------------------------------------------------------------------------------

    def action_save(self) -> None:
        problems = self.form_problems()
        if problems:
            self.show_problems(problems)
            return
        self.act(functools.partial(self.save, self.current()), self.saved, self.refused)

    def save(self, iv: Interview) -> int:
        """In a worker thread: the interview saved, and its draft gone."""
        if self.original and self.original.id:
            interviews.update(self.db, self.original.id, iv, "console")
            saved = self.original.id
        else:
            saved = interviews.create(self.db, iv, "console")
        drafts.discard(self.settings, self.draft_key)
        return saved

    def refused(self, exc: Exception) -> None:
        if isinstance(exc, Invalid):
            self.show_problems([f"{where(p)}: {m}" for p, m in exc.problems] or [str(exc)])
        else:
            self.show_problems([str(exc)])

    def show_problems(self, lines: list[str]) -> None:
        """Below the lists, where the form is scrolled to, and in a notification: on a small terminal the end
        of the form is out of sight, and a refusal nobody sees looks like a save that did nothing."""
        problems = self.query_one("#problems", Static)
        problems.update("\n".join(lines))
        self.call_after_refresh(problems.scroll_visible, animate=False)
        shown = lines[:4] + ([f"… and {len(lines) - 4} more, below the form"] if len(lines) > 4 else [])
        self.notify("\n".join(shown), title="Not saved", severity="error", timeout=15)

    def saved(self, interview_id: int) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.dirty = False
        self.notify(f"Saved interview {interview_id}")
        self.dismiss(interview_id)

    def keep_if_changed(self) -> None:
        """Before the console closes: what was typed stays as a draft."""
        if self.dirty:
            drafts.save(self.settings, self.draft_key, self.current())

    def action_preview(self) -> None:
        from boxinterview.tui.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.current()))

    async def action_quit(self) -> None:
        if not self.dirty:
            await self.app.action_quit()
            return

        async def answer(choice: str | None) -> None:
            if choice == "quit":
                await self.app.action_quit()  # which keeps the changes as a draft

        self.app.push_screen(
            Choose(
                "This interview has changes that are not saved. They are kept as a draft if you quit.",
                [("stay", "Stay"), ("quit", "Quit the console")],
            ),
            answer,
        )

    def action_leave(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answer(choice: str | None) -> None:
            if choice in ("keep", "discard") and self._draft_timer is not None:
                self._draft_timer.stop()
            if choice == "keep":
                drafts.save(self.settings, self.draft_key, self.current())
                self.dismiss(None)
            elif choice == "discard":
                drafts.discard(self.settings, self.draft_key)
                self.dismiss(None)

        self.app.push_screen(
            Choose(
                "This interview has changes that are not saved.",
                [("keep", "Keep as a draft"), ("discard", "Discard them"), ("stay", "Stay")],
            ),
            answer,
        )

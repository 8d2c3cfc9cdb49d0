"""Small modal dialogs: a question, a typed confirmation for what cannot be undone, a form of a few fields, and
a message to read (a password shown once, a link). What a dialog is given to show is plain text, never markup:
it names candidates and accounts and quotes what they wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from boxinterview.tui.widgets.compact import CompactInput


class Confirm(ModalScreen[bool]):
    """Yes or no."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="primary", id="yes")
                yield Button("Cancel", id="no")

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class TypedConfirm(ModalScreen[bool]):
    """For what cannot be undone: the operator types `word` to go ahead (in any case, spaces around it aside)."""

    AUTO_FOCUS = "#typed"
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, warning: str, word: str, action: str) -> None:
        super().__init__()
        self.warning, self.word, self.action = warning, word, action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger"):
            yield Static(self.warning, classes="question", markup=False)
            yield Label(f"Type {self.word} to {self.action}:", markup=False)
            yield CompactInput(placeholder=self.word, id="typed")
            yield Static("", id="problem", classes="problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.action.capitalize(), variant="error", id="yes", disabled=True)
                yield Button("Cancel", id="no")

    def typed_right(self, typed: str) -> bool:
        return typed.strip().casefold() == self.word.casefold()

    @on(Input.Changed, "#typed")
    def check(self, event: Input.Changed) -> None:
        self.query_one("#yes", Button).disabled = not self.typed_right(event.value)
        self.query_one("#problem", Static).update("")

    @on(Input.Submitted, "#typed")
    def submitted(self, event: Input.Submitted) -> None:
        if self.typed_right(event.value):
            self.dismiss(True)
        else:  # Enter that does nothing, silently, looks like a console that hangs
            self.query_one("#problem", Static).update(
                f"Type {self.word} to {self.action}, or press Escape to cancel"
            )

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    password: bool = False


class FormValues(dict[str, str]):
    """What a form's fields held, and which of them was edited last (to go back to it if the form comes again)."""

    last_edited: str = ""


def _words(f: Field) -> list[str]:
    """How a refusal may name a field: `scopes` as scope(s), `time_multiplier` as time multiplier, its label."""
    label = f.label.split("(")[0].strip().lower()
    words = {f.name.lower(), f.name.lower().rstrip("s"), f.name.replace("_", " ").lower()}
    if len(label) >= 4:
        words.add(label)
    return sorted(words, key=len, reverse=True)


def field_of_problem(fields: list[Field], problem: str | BaseException) -> str:
    """The name of the field a refusal is about, or "": the field an `Invalid` names in its problems
    (`time_multiplier` is the field `multiplier`), else the field whose name the text mentions first."""
    names = [f.name for f in fields]
    for path, _ in getattr(problem, "problems", None) or []:
        last = str(path).split(".")[-1]
        for name in names:
            if name in (path, last) or last.endswith(f"_{name}") or name.endswith(f"_{last}"):
                return name
    text = str(problem).lower()
    found = []
    for f in fields:
        for word in _words(f):
            at = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
            if at:
                found.append((at.start(), f.name))
                break
    return min(found)[1] if found else ""


class Form(ModalScreen[dict[str, str] | None]):
    """A few labelled inputs; Enter (or Save) returns their values, Escape returns None. Shown again after a
    refusal, it opens on the field the refusal is about (or else the one edited last), so what the operator
    types next goes where the problem is."""

    AUTO_FOCUS = "Input"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        save: str = "Save",
        note: str = "",
        problem: str | BaseException = "",
        values: dict[str, str] | None = None,
    ) -> None:
        """`values` (what was typed before) take the place of the fields' own; `problem` says what was wrong: a
        text, or the refusal itself (an `Invalid` names its fields)."""
        super().__init__()
        self.heading, self.save, self.note, self.problem = title, save, note, str(problem)
        self.fields = [
            Field(f.name, f.label, values[f.name], f.placeholder, f.password) if values else f for f in fields
        ]
        self.last_edited = getattr(values, "last_edited", "")
        self.first = (field_of_problem(self.fields, problem) or self.last_edited) if problem else ""

    def on_mount(self) -> None:
        if self.first:  # focused before the screen's auto focus, which then leaves it there
            self.query_one(f"#field-{self.first}", Input).focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.heading, classes="title", markup=False)
            if self.note:
                yield Static(self.note, classes="note", markup=False)
            for f in self.fields:
                yield Label(f.label, markup=False)
                yield CompactInput(
                    f.value, placeholder=f.placeholder, password=f.password, id=f"field-{f.name}"
                )
            yield Static(self.problem, id="problem", classes="problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.save, variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def values(self) -> FormValues:
        found = FormValues({f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields})
        found.last_edited = self.last_edited
        return found

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        if event.input.has_focus and event.input.id:  # typed, not filled in
            self.last_edited = event.input.id.removeprefix("field-")

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.dismiss(self.values())

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.values() if event.button.id == "save" else None)


class Message(ModalScreen[None]):
    """Something to read (and perhaps copy) before going on."""

    BINDINGS = [Binding("escape,enter", "dismiss(None)", "Close"), Binding("c", "copy", "Copy")]

    def __init__(self, title: str, text: str, copy: str = "", link: str = "") -> None:
        """`link` (an address) is shown on a line of its own in a dialog as wide as the terminal allows, so it
        is not broken inside, and is what `c` copies."""
        super().__init__()
        self.heading, self.text, self.link = title, text, link
        self.copy = copy or link

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.link else "dialog"):
            yield Static(self.heading, classes="title", markup=False)
            if self.link:
                yield Static(self.link, classes="link", markup=False)
            yield Static(self.text, classes="message", markup=False)
            if self.copy:
                yield Static(
                    "c copies it to the clipboard (over SSH too, in terminals that allow it)", classes="note"
                )
            with Horizontal(classes="buttons"):
                yield Button("Close", variant="primary", id="close")

    def action_copy(self) -> None:
        if self.copy:
            self.app.copy_to_clipboard(self.copy)
            self.notify("Copied")

    @on(Button.Pressed)
    def close(self) -> None:
        self.dismiss(None)


class Choose(ModalScreen[str | None]):
    """One of a few named choices (Escape: none)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question", markup=False)
            with Horizontal(classes="buttons"):
                for i, (key, label) in enumerate(self.choices):
                    yield Button(label, id=f"choice-{key}", variant="primary" if i == 0 else "default")

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

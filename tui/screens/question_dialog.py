"""One question of the interview editor: kind, category, prompt, timing, takes, choices and knockouts, and the
competencies it assesses."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea

from boxinterview.domain.models import Choice, Question, QuestionCategory, QuestionKind
from boxinterview.tui.widgets.compact import CompactInput, CompactSelect, CompactTextArea


def choices_text(choices: tuple[Choice, ...]) -> str:
    return "; ".join(("!" if c.knockout else "") + c.label for c in choices)


def parse_choices(text: str) -> tuple[Choice, ...]:
    """`Yes; No; !Not allowed to work here` (a leading ! marks a knockout answer)."""
    out = []
    for part in text.split(";"):
        label = part.strip()
        if label:
            out.append(Choice(label.lstrip("!").strip(), knockout=label.startswith("!")))
    return tuple(out)


def _number(text: str, what: str, problems: list[str], allow_empty: bool = False) -> int | None:
    if not text.strip() and allow_empty:
        return None
    try:
        return int(text.strip())
    except ValueError:
        problems.append(f"{what} must be a whole number")
        return None


# What a new question starts with: think time and takes suit a recorded answer.
NEW = {"think": "30", "answer": "120", "takes": "2"}


class QuestionDialog(ModalScreen[Question | None]):
    AUTO_FOCUS = "#prompt"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding("ctrl+s", "save", "Keep")]

    def __init__(self, question: Question | None, competencies: list[str]) -> None:
        super().__init__()
        self.question = question
        self.competencies = competencies
        self.kept: dict[str, str] = {}  # what was typed in a field the chosen kind has not, to bring back

    def compose(self) -> ComposeResult:
        q = self.question
        with VerticalScroll(classes="dialog wide"):
            yield Static("Question" if q else "New question", classes="title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Kind")
                    yield CompactSelect(
                        [(k.value, k.value) for k in QuestionKind],
                        value=(q.kind.value if q else "video"),
                        allow_blank=False,
                        id="kind",
                    )
                with Vertical():
                    yield Label("Category")
                    yield CompactSelect(
                        [(c.value, c.value) for c in QuestionCategory],
                        allow_blank=False,
                        id="category",
                        value=(q.category.value if q else "behavioural"),
                    )
            yield Label("Prompt (what the candidate reads)")
            yield CompactTextArea(q.prompt if q else "", id="prompt", classes="short")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Think time (s)")
                    yield CompactInput(str(q.think_seconds) if q else NEW["think"], id="think")
                with Vertical():
                    yield Label("Answer time (s)")
                    yield CompactInput(str(q.answer_seconds) if q else NEW["answer"], id="answer")
                with Vertical():
                    yield Label("Takes")
                    yield CompactInput(str(q.takes) if q else NEW["takes"], id="takes")
                with Vertical():
                    yield Label("Max characters")
                    yield CompactInput(
                        str(q.max_chars) if q and q.max_chars else "", placeholder="text only", id="chars"
                    )
            yield Label("Choices, separated by ; (a leading ! marks a knockout answer)")
            yield CompactInput(
                choices_text(q.choices) if q else "", placeholder="Yes; No; !Not able to", id="choices"
            )
            yield Label("Competencies it assesses")
            chosen = set(q.competencies) if q else set()
            yield SelectionList[str](  # a competency's name as written, never markup
                *[(Text(name), name, name in chosen) for name in self.competencies], id="assesses"
            )
            yield Static("", id="problem", classes="problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Keep", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.fit_kind()

    @on(Select.Changed, "#kind")
    def fit_kind(self) -> None:
        """Only what applies to the kind can be typed: think time and takes are for recorded answers, a
        character limit for text, choices for a choice question. What does not apply shows as it will be saved."""
        kind = QuestionKind(str(self.query_one("#kind", Select).value))
        for id_, applies, fixed in (
            ("think", kind.is_recorded, "0"),
            ("takes", kind.is_recorded, "1"),
            ("chars", kind is QuestionKind.TEXT, ""),
            ("choices", kind is QuestionKind.CHOICE, ""),
        ):
            field = self.query_one(f"#{id_}", Input)
            if not applies and not field.disabled:
                self.kept[id_] = field.value if field.value != fixed else NEW.get(id_, "")
                field.value = fixed
            elif applies and field.disabled:
                field.value = self.kept.pop(id_, field.value)
            field.disabled = not applies

    def action_save(self) -> None:
        problems: list[str] = []
        kind = QuestionKind(str(self.query_one("#kind", Select).value))
        think = _number(self.query_one("#think", Input).value, "think time", problems)
        answer = _number(self.query_one("#answer", Input).value, "answer time", problems)
        takes = _number(self.query_one("#takes", Input).value, "takes", problems)
        chars = _number(self.query_one("#chars", Input).value, "max characters", problems, allow_empty=True)
        if not kind.is_recorded:  # what the disabled fields show, whatever a draft held
            think, takes = 0, 1
        if kind is not QuestionKind.TEXT:
            chars = None
        prompt = self.query_one("#prompt", TextArea).text.strip()
        if not prompt:
            problems.append("write the prompt")
        if problems:
            self.query_one("#problem", Static).update("; ".join(problems))
            return
        self.dismiss(
            Question(
                prompt=prompt,
                kind=kind,
                category=QuestionCategory(str(self.query_one("#category", Select).value)),
                answer_seconds=answer or 0,
                think_seconds=think or 0,
                takes=takes or 1,
                max_chars=chars,
                choices=(
                    parse_choices(self.query_one("#choices", Input).value)
                    if kind is QuestionKind.CHOICE
                    else ()
                ),
                competencies=tuple(self.query_one("#assesses", SelectionList).selected),
            )
        )

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

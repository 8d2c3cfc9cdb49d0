"""An interview as the candidate will read it, the good-practice advice, and every message its candidates get.
What the team wrote (title, prompts, choices, messages) is shown as written, never read as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from boxinterview.domain import interviews, wording
from boxinterview.domain.models import Interview
from boxinterview.tui.format import marked
from boxinterview.tui.screens.base import ConsoleScreen


def _duration(seconds: int) -> str:
    return (
        f"{seconds // 60} min {seconds % 60} s"
        if seconds % 60 and seconds > 60
        else (f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s")
    )


def candidate_view(iv: Interview) -> Content:
    lines: list[str | Content] = [marked("[b]$title[/b] — $role", title=iv.title, role=iv.role), ""]
    lines.append(
        f"{len(iv.questions)} questions ({iv.kinds_summary}), about {iv.estimated_minutes()} minutes in all."
    )
    if iv.deadline:
        lines.append(f"Deadline: {iv.deadline:%A %d %B %Y, %H:%M} UTC")
    if iv.instructions.strip():
        lines += ["", iv.instructions.strip()]
    lines += ["", "First: a device check and a practice question (not seen by anyone).", ""]
    for i, q in enumerate(iv.questions, start=1):
        timing = []
        if q.think_seconds:
            timing.append(f"{_duration(q.think_seconds)} to think")
        timing.append(f"{_duration(q.answer_seconds)} to answer")
        if q.kind.is_recorded:
            timing.append(f"{q.takes} take{'s' if q.takes != 1 else ''}")
        if q.max_chars:
            timing.append(f"up to {q.max_chars} characters")
        lines.append(
            marked("[b]Question $i[/b] ($kind; $timing)", i=i, kind=q.kind.value, timing=", ".join(timing))
        )
        lines.append(q.prompt.strip())
        for c in q.choices:
            lines.append(
                marked("  ( ) $label" + ("   [red]knockout[/]" if c.knockout else ""), label=c.label)
            )
        lines.append("")
    return Content("\n").join(lines)


class PreviewScreen(ConsoleScreen[None]):
    CSS_PATH = "preview.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, interview: Interview) -> None:
        super().__init__()
        self.interview = interview

    def compose(self) -> ComposeResult:
        iv = self.interview
        yield Header()
        with VerticalScroll(id="preview"):
            yield Static("[b]As the candidate reads it[/b]", classes="section")
            yield Static(candidate_view(iv), classes="candidate-view")
            advice = interviews.advice(iv)
            yield Static(
                marked("[b]Advice[/b]\n$advice", advice="\n".join(f"• {a}" for a in advice) or "none"),
                classes="advice",
            )
            yield Static("[b]Messages to candidates[/b] (with sample values)", classes="section")
            for p in wording.previews(iv, self.settings.organisation.name):
                source = "own wording" if p.own else "standard wording"
                yield Static(
                    marked(
                        "[b]$what[/b] ($source)\nSubject: $subject",
                        what=p.description.capitalize(),
                        source=source,
                        subject=p.letter.subject,
                    ),
                    classes="message-head",
                )
                yield Static(p.letter.text, classes="message", markup=False)
        yield Footer()

"""Every key of the console, screen by screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

_NAMES = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter", "up": "↑", "down": "↓"}


def key_name(key: str) -> str:
    """`ctrl+s` → `^s`, `question_mark` → `?`, as the footer writes them."""
    key = key.strip()
    if key.startswith("ctrl+"):
        return "^" + key_name(key[5:])
    return _NAMES.get(key, key.upper() if key.startswith("f") and key[1:].isdigit() else key)


def key_table(sections: list[tuple[str, list[Binding]]]) -> str:
    lines = []
    for title, bindings in sections:
        lines.append(f"[b]{title}[/b]")
        for b in bindings:
            keys = ", ".join(key_name(k) for k in b.key.split(","))
            lines.append(f"  {keys:<10} {b.tooltip or b.description}")  # the footer's word, in full
        lines.append("")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss(None)", "Close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(
                "[b]Keys[/b] (the mouse works too; ctrl+p finds any command by name)", classes="title"
            )
            yield Static(key_table(self.sections), id="keys")

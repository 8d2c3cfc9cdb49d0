"""The operator console: a keyboard-first face over the same core services as the web. Every screen loads and
acts in worker threads, so the interface never waits on the disk, and live views refresh on their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from boxinterview.config.settings import Settings
from boxinterview.store import Database
from boxinterview.tui import console_log
from boxinterview.tui.screens.audit import AuditScreen
from boxinterview.tui.screens.backups import BackupsScreen
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.screens.candidates import CandidatesScreen
from boxinterview.tui.screens.dashboard import DashboardScreen
from boxinterview.tui.screens.help import HelpScreen
from boxinterview.tui.screens.insight import InsightScreen
from boxinterview.tui.screens.interviews import InterviewsScreen
from boxinterview.tui.screens.outbox import OutboxScreen
from boxinterview.tui.screens.reviewers import ReviewersScreen
from boxinterview.tui.screens.runners import RunnersScreen
from boxinterview.tui.screens.settings import SettingsScreen
from boxinterview.tui.screens.tokens import TokensScreen
from boxinterview.tui.screens.webhooks import WebhooksScreen

if TYPE_CHECKING:
    from boxinterview.tui.screens.editor import EditorScreen

SCREENS: dict[str, tuple[str, str, type[ConsoleScreen[None]]]] = {
    "dashboard": ("1", "Dashboard", DashboardScreen),
    "interviews": ("2", "Interviews", InterviewsScreen),
    "candidates": ("3", "Candidates", CandidatesScreen),
    "reviewers": ("4", "Reviewers", ReviewersScreen),
    "backups": ("5", "Backups", BackupsScreen),
    "settings": ("6", "Settings", SettingsScreen),
    "audit": ("7", "Audit log", AuditScreen),
    "outbox": ("8", "Messages", OutboxScreen),
    "insight": ("9", "Insight", InsightScreen),
    "webhooks": ("0", "Webhooks", WebhooksScreen),
    "tokens": ("k", "API tokens", TokensScreen),
    "runners": ("j", "Runners", RunnersScreen),
}


class ConsoleApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "boxinterview"
    MODES = {name: cls for name, (_, _, cls) in SCREENS.items()}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        *(
            Binding(key, f"switch_mode('{name}')", label, show=False)
            for name, (key, label, _) in SCREENS.items()
        ),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, settings: Settings, db: Database) -> None:
        super().__init__()
        for _, (key, label, cls) in SCREENS.items():
            cls.TITLE = f"{label} ({key})"
        self.settings = settings
        self.db = db
        # Interview editors alive in any mode, so quitting keeps their drafts
        self.open_editors: set[EditorScreen] = set()
        self.sub_title = f"{settings.organisation.name} · {settings.base_url}"
        self.diverted_logs: console_log.Diverted | None = None
        self.farewell = ""  # what to print on the terminal once the console has closed

    def on_load(self) -> None:
        self.diverted_logs = console_log.divert(self.settings.data_dir)

    def on_unmount(self) -> None:
        if self.diverted_logs is not None:
            self.diverted_logs.restore()
            self.diverted_logs = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications are plain text, whatever the caller asks: they name candidates, interviews and accounts
        and quote errors, none of which may be read as markup (`Mallory [/]` would crash the console)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    async def action_quit(self) -> None:
        for editor in list(self.open_editors):  # in any mode, not only the one on screen
            editor.keep_if_changed()
        self.exit()

    def close_for_restore(self, farewell: str) -> None:
        """After a restore the database this console holds open is the one moved aside: the console closes, and
        `farewell` is printed on the terminal once it has (drafts are kept, as when quitting)."""
        for editor in list(self.open_editors):
            editor.keep_if_changed()
        self.farewell = farewell
        self.exit()

    def show_candidates(self, interview_id: int) -> None:
        self.switch_mode("candidates")
        screen = self.screen
        if isinstance(screen, CandidatesScreen):
            screen.choose(interview_id)

    def action_help(self) -> None:
        from boxinterview.tui.screens.editor import EditorScreen

        sections = [("Everywhere", _bindings(self.BINDINGS))]
        own = [(label, _bindings(cls.__dict__.get("BINDINGS", []))) for _, label, cls in SCREENS.values()]
        sections += [(label, keys) for label, keys in own if keys]  # a screen's own keys, not the shared ones
        sections.append(("Interview editor", _bindings(EditorScreen.BINDINGS)))
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (key, label, _) in SCREENS.items():
            yield SystemCommand(
                f"Go to {label}",
                f"The {label.lower()} screen (key {key})",
                lambda n=name: self.switch_mode(n),
            )
        for name, cls in (
            ("New interview", "new"),
            ("Back up now", "run"),
            ("Import candidates from CSV", "import_csv"),
        ):
            yield SystemCommand(name, name, lambda c=cls: self._command(c))
        yield SystemCommand("Keys", "Every key of the console", self.action_help)

    def _command(self, which: str) -> None:
        mode, action = {
            "new": ("interviews", "new"),
            "run": ("backups", "run"),
            "import_csv": ("candidates", "import_csv"),
        }[which]

        def then() -> None:
            getattr(self.screen, f"action_{action}")()

        self.switch_mode(mode)
        self.call_after_refresh(then)


def _bindings(listed: Iterable[BindingType]) -> list[Binding]:
    """The console writes its keys as Binding objects, which is what the help lists."""
    return [b for b in listed if isinstance(b, Binding)]


def run(settings: Settings) -> int:
    db = Database.open(settings.database_path, settings.store.busy_timeout_ms, settings.store.readers)
    app = ConsoleApp(settings, db)
    try:
        app.run()
    finally:
        db.close()
    if app.farewell:
        print(app.farewell)
    return 0

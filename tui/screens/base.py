"""What every console screen shares: the console app, typed, and one way to run work. Reads and changes run in a
worker thread, so the interface never waits on the disk; a refusal is shown (or handed back to the form that
asked, so nothing typed is lost); after a change the screen loads again.

Every screen's footer begins with "? Help" and "q Quit": at 80 columns a screen's own keys fill the line, and
what comes last is cut, so the two keys that lead to every other one come first."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen, ScreenResultType
from textual.worker import Worker

from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError
from boxinterview.store import Database

if TYPE_CHECKING:
    from textual import getters

    from boxinterview.tui.app import ConsoleApp

T = TypeVar("T")
Refusals = tuple[type[Exception], ...]


class ConsoleScreen(Screen[ScreenResultType]):
    # The app's own keys, named here so they come before the screen's (Textual lists a base class's first).
    BINDINGS = [Binding("question_mark,f1", "app.help", "Help"), Binding("q", "app.quit", "Quit")]
    if TYPE_CHECKING:
        app = getters.app(ConsoleApp)

    @property
    def db(self) -> Database:
        return self.app.db

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def load(self) -> None:
        """Show the screen's data afresh; screens that list something read it here. Called after every change."""

    def read(
        self,
        fn: Callable[[], T],
        show: Callable[[T], object],
        failed: Callable[[Exception], object] | None = None,
        *,
        group: str = "read",
        refusals: Refusals = (BoxError,),
    ) -> Worker[None]:
        """Run `fn()` off the event loop and pass its result to `show`; a refusal as for `act`. A newer read of
        the same group takes the place of one still running."""
        return self.run_worker(
            functools.partial(self._run, fn, show, failed, refusals, False),
            group=group,
            exclusive=True,
            thread=True,
        )

    def act(
        self,
        fn: Callable[[], T],
        done: Callable[[T], object] | None = None,
        failed: Callable[[Exception], object] | None = None,
        *,
        refusals: Refusals = (BoxError,),
    ) -> Worker[None]:
        """Make a change with `fn()` off the event loop; pass its result to `done` and load the screen again. One
        of `refusals` goes to `failed`, or else is shown as a notification."""
        return self.run_worker(
            functools.partial(self._run, fn, done, failed, refusals, True), group="act", thread=True
        )

    def _run(
        self,
        fn: Callable[[], T],
        then: Callable[[T], object] | None,
        failed: Callable[[Exception], object] | None,
        refusals: Refusals,
        reload: bool,
    ) -> None:
        app = self.app
        try:
            result = fn()
        except refusals as exc:
            if failed is not None:
                app.call_from_thread(self._if_here, failed, exc)
            else:
                app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        if then is not None:
            app.call_from_thread(self._if_here, then, result)
        if reload:
            app.call_from_thread(self._if_here, self.load)

    def _if_here(self, fn: Callable[..., object], *args: object) -> None:
        """Show what a worker found, unless the screen has gone meanwhile (the console closing while a read was
        under way): its widgets may be gone already."""
        if not self._here():
            return
        try:
            fn(*args)
        except NoMatches:
            if self._here():
                raise

    def _here(self) -> bool:
        # The app stops running first when it shuts down, then takes the screens' widgets away
        return self.is_attached and self.app.is_running

"""What the console's list screens share: a core service run off the event loop, its error shown (or handed back
to the form that asked, so nothing typed is lost), and the list loaded again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.screen import Screen

from boxinterview.errors import BoxError


class ActingScreen(Screen[None]):
    def load(self) -> None:  # each screen loads its own list
        raise NotImplementedError

    @work(thread=True)
    def act(
        self,
        work_fn: Callable[[Any], Any],
        done_fn: Callable[[Any], Any],
        failed_fn: Callable[[str], Any] | None = None,
    ) -> None:
        """Run `work_fn(db)`; pass its result to `done_fn`, or its refusal to `failed_fn` (else a notification)."""
        try:
            result = work_fn(self.app.db)  # type: ignore[attr-defined]
        except BoxError as exc:
            if failed_fn is not None:
                self.app.call_from_thread(failed_fn, str(exc))
            else:
                self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(done_fn, result)
        self.app.call_from_thread(self.load)

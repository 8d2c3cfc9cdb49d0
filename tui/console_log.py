"""While the console runs, log records go to data_dir/console.log, not to the terminal: a line written to the
terminal lands over the console's screen (SQLite's "automatic index" warnings did), where it cannot be read and
spoils what can. When the console closes, logging goes where it went before."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from boxinterview.ops.logs import RedactingFormatter

FILE_NAME = "console.log"
MAX_BYTES = 1_000_000  # and one older file beside it: enough to read back what happened, never a full disk


class Diverted:
    """The root logger's handlers, put aside for one that writes to `path`."""

    def __init__(self, path: Path) -> None:
        self.root = logging.getLogger()
        self.before = list(self.root.handlers)
        self.handler: logging.Handler
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8"
            )
        except OSError:  # an unwritable data directory is reported elsewhere; the screen is kept clean anyway
            self.handler = logging.NullHandler()
        self.handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        for handler in self.before:
            self.root.removeHandler(handler)
        self.root.addHandler(self.handler)
        logging.captureWarnings(True)  # Python's warnings too would be printed over the screen

    def restore(self) -> None:
        logging.captureWarnings(False)
        self.root.removeHandler(self.handler)
        self.handler.close()
        for handler in self.before:
            if handler not in self.root.handlers:
                self.root.addHandler(handler)


def divert(data_dir: Path) -> Diverted:
    return Diverted(data_dir / FILE_NAME)

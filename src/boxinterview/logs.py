"""Logging: under systemd, one logfmt line per record on stdout with the syslog priority prefix journald
understands (so `journalctl -p warning` works); on a terminal, readable lines on stderr, out of the way of
what commands print."""

from __future__ import annotations

import logging
import os
import sys

# logging level -> syslog priority (journald reads "<N>" at the start of a line)
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


def _quote(value: str) -> str:
    if value and not any(c in value for c in ' "=\\\n\t'):
        return value
    return (
        '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


class LogfmtFormatter(logging.Formatter):
    """`<4>level=warning logger=boxinterview.alerts msg="…" error="…"`: one line, every value quoted as needed."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {"level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            fields["error"] = self.formatException(record.exc_info)
        line = " ".join(f"{k}={_quote(v)}" for k, v in fields.items())
        return f"<{_PRIORITY.get(record.levelno, 6)}>{line}"


def setup(level: str) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if os.environ.get("JOURNAL_STREAM"):  # systemd connected our output to the journal
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(LogfmtFormatter())
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)

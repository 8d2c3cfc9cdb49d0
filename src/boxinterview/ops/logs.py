"""Logging: under systemd, one logfmt line per record on stdout with the syslog priority prefix journald
understands (so `journalctl -p warning` works); on a terminal, readable lines on stderr, out of the way of
what commands print.

A candidate's link and a share link are credentials: whoever holds one can answer as the candidate or watch the
shared recordings. Every line is written with them taken out, whoever logged it (the access log, an error with its
traceback, aiohttp itself), because logs are kept, copied and read by more people than the data."""

from __future__ import annotations

import logging
import os
import re
import sys

# logging level -> syslog priority (journald reads "<N>" at the start of a line)
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


# The URLs that carry a token, and a tus Upload-Metadata pair holding one (a token is 43 characters, so its
# base64 is long; the length keeps prose such as "token named ats" as it is).
_TOKEN_URL = re.compile(r"(/i/|/s/|/api/v1/candidate/)[^/\s?#\"'<>]+")
_METADATA_TOKEN = re.compile(r"(?i)(\btoken[ \t]+)[A-Za-z0-9+/]{16,}=*")


def redact(text: str) -> str:
    """`text` with candidates' and share links' tokens replaced by `…`: `/i/<token>/check` → `/i/…/check`."""
    return _METADATA_TOKEN.sub(r"\1…", _TOKEN_URL.sub(r"\1…", text))


class RedactingFormatter(logging.Formatter):
    """Whatever the record holds (message, arguments, traceback), the line it becomes holds no token."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _quote(value: str) -> str:
    if value and not any(c in value for c in ' "=\\\n\t'):
        return value
    return (
        '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


class LogfmtFormatter(logging.Formatter):
    """`<4>level=warning logger=boxinterview.mail.alerts msg="…" error="…"`: one line, every value quoted as needed."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {"level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            fields["error"] = self.formatException(record.exc_info)
        line = " ".join(f"{k}={_quote(redact(v))}" for k, v in fields.items())
        return f"<{_PRIORITY.get(record.levelno, 6)}>{line}"


def _client_error(exc: BaseException | None) -> BaseException | None:
    """The malformed-request error (an HTTP line too long, a body that does not decompress) in an exception's
    chain, if the client's request caused it."""
    from aiohttp.http_exceptions import HttpProcessingError

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, HttpProcessingError):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


class ClientErrorsInOneLine(logging.Filter):
    """aiohttp logs a request it could not read (a line longer than it reads, a compressed body that does not
    decompress) as an ERROR with its traceback, though the client was answered 4xx and nothing went wrong here:
    such a record becomes one WARNING line that says what was refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "aiohttp.server" and record.exc_info:
            found = _client_error(record.exc_info[1])
            if found is not None:
                what = " ".join(str(getattr(found, "message", found)).split())[:200]
                record.msg, record.args = (
                    "refused a request it could not read (%s: %s)",
                    (type(found).__name__, what),
                )
                record.levelno, record.levelname = logging.WARNING, "WARNING"
                record.exc_info = record.exc_text = None
        return True


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
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ClientErrorsInOneLine())
    root.addHandler(handler)

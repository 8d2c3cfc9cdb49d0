"""The audit log as operators read it: who did what, and when.

Viewings (a reviewer opening a candidate's review page, playing a recording, downloading a document) are noted
in memory and written together: within a second, or as soon as `FLUSH_RECORDS` are waiting, and whatever is left
when the database closes. Opening a page then never waits for the writer, and a burst of viewing costs one write
transaction instead of one each. Each row keeps the moment of its viewing. A crash (not a clean stop) can lose the
last second of viewings; changes (scores, decisions, invitations) are never buffered: they are audited in their
own transaction.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import datetime
from typing import Any

from boxinterview import clock
from boxinterview.domain.models import AuditEntry
from boxinterview.store import Database
from boxinterview.store import audit as sql

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
FLUSH_RECORDS = 200


def search(db: Database, text: str = "", limit: int = 200) -> list[AuditEntry]:
    """Newest first; `text` matches the actor, the action or the detail. Viewings noted in this process are
    written first, so they are all there."""
    flush(db)
    return db.read(sql.entries, text.strip(), limit)


def viewed(
    db: Database,
    *,
    actor: str,
    action: str,
    subject_type: str = "",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Note a viewing for the audit log; it is written within `FLUSH_SECONDS` (see the module's note)."""
    _views(db).add(
        dict(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
            now=now or clock.now(),
        )
    )


def flush(db: Database) -> int:
    """Write the viewings noted so far now; how many there were."""
    views = _logs.get(db)
    return views.flush() if views is not None else 0


class ViewLog:
    """Viewings waiting to be written to one database's audit log, and the thread that writes them."""

    def __init__(self, db: Database, seconds: float | None = None, most: int | None = None) -> None:
        self._db = db
        self._seconds = FLUSH_SECONDS if seconds is None else seconds
        self._most = FLUSH_RECORDS if most is None else most
        self._pending: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="audit-views", daemon=True)
        self._thread.start()
        db.on_close(self.close)

    def add(self, entry: dict[str, Any]) -> None:
        with self._cond:
            if not self._closed and not self._db.closed:
                self._pending.append(entry)
                if len(self._pending) in (1, self._most):
                    self._cond.notify()
                return
        self._db.write(sql.record_many, [entry])  # once closing has begun: straight to the log

    def flush(self) -> int:
        with self._cond:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        try:
            self._db.write(sql.record_many, batch)
        except BaseException:
            with self._cond:  # kept, in order, for the next try
                self._pending[:0] = batch
            raise
        return len(batch)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                deadline = time.monotonic() + self._seconds
                while not self._closed and len(self._pending) < self._most:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self._closed:
                    return  # `close` writes what is left
            try:
                self.flush()
            except Exception:
                log.exception("could not write viewings to the audit log; trying again")
                time.sleep(self._seconds)

    def close(self) -> None:
        """Stop the writing thread and write whatever is waiting (the database is closing)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        self.flush()


_logs: weakref.WeakKeyDictionary[Database, ViewLog] = weakref.WeakKeyDictionary()
_logs_lock = threading.Lock()


def _views(db: Database) -> ViewLog:
    with _logs_lock:
        views = _logs.get(db)
        if views is None:
            views = _logs[db] = ViewLog(db)
        return views

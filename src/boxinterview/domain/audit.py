"""The audit log as operators read it: who did what, and when."""

from __future__ import annotations

from boxinterview.domain.models import AuditEntry
from boxinterview.store import Database
from boxinterview.store import audit as sql


def search(db: Database, text: str = "", limit: int = 200) -> list[AuditEntry]:
    """Newest first; `text` matches the actor, the action or the detail."""
    return db.read(sql.entries, text.strip(), limit)

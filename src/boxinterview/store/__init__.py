"""The store: every line of SQL in boxinterview lives in this package.

`db` opens connections and runs transactions, `migrations` builds the schema, and one module per area holds that
area's queries. Functions take an open connection; the caller (a domain service) decides the transaction.
"""

from __future__ import annotations

from boxinterview.store.db import Database, connect, immediate, inspect_version
from boxinterview.store.migrations import HEAD

__all__ = ["HEAD", "Database", "connect", "immediate", "inspect_version"]

"""Where the suite keeps finished recordings: on the local disk (the default), or, with `--storage=seaweedfs`,
in a real S3-compatible bucket (SeaweedFS on loopback, one per test process). Every configuration the tests
build for a server or a worker (`tests.support.live.prepare` and the `settings` fixture) then carries a
`storage:` section for it, each test under its own key prefix, so the same behaviours are proven both ways."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boxinterview.domain import placement
from boxinterview.store import Database

if TYPE_CHECKING:
    from tests.support.objectstore import ObjectStore

CHOICES = ("disk", "seaweedfs")

_store: ObjectStore | None = None


def use(store: ObjectStore | None) -> None:
    global _store
    _store = store


def section() -> dict[str, Any] | None:
    """The `storage:` section of a new test configuration, or None to keep recordings on the local disk."""
    if _store is None:
        return None
    return _store.settings(prefix=f"t-{uuid.uuid4().hex[:12]}/")


def environ() -> dict[str, str]:
    """The same section as `BOXINTERVIEW_STORAGE_*` variables, for settings read from the environment."""
    found = section() or {}
    return {f"BOXINTERVIEW_STORAGE_{key.upper()}": str(value) for key, value in found.items()}


def stored(db: Database, path: str | Path | None, into: Path) -> Path:
    """A file the product stored, to look into: the file itself while it is on this disk, else a copy of its
    object fetched from the bucket with the store's own client (it moved once processed)."""
    assert path, "no file is recorded"
    key = db.read(placement.located, str(path))
    if key is None:
        return Path(path)
    assert _store is not None, f"{path} is recorded as in a bucket, but the tests run without one"
    into.mkdir(parents=True, exist_ok=True)
    copy = into / f"{uuid.uuid4().hex[:8]}-{Path(path).name}"
    copy.write_bytes(_store.read(key))
    return copy

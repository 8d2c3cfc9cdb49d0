"""Short ways to put a candidate's answers in place through the real services (for tests)."""

from __future__ import annotations

import base64
from pathlib import Path

from boxinterview.config.settings import Settings
from boxinterview.domain import uploads
from boxinterview.store import Database


def meta_header(meta: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())


def record_take(
    db: Database,
    settings: Settings,
    token: str,
    question_id: int,
    take: int,
    data: bytes,
    file_type: str = "video/webm",
) -> int:
    """Upload `data` as a take through the upload service; returns the recording id."""
    meta = {"token": token, "question": str(question_id), "take": str(take), "filetype": file_type}
    policy = uploads.Policy.from_settings(settings)
    up = uploads.create(db, settings.data_dir, policy, length=len(data), metadata_header=meta_header(meta))
    if data:
        Path(settings.data_dir / "uploads" / f"{up.id}.part").write_bytes(data)
        uploads.commit(db, settings.data_dir, policy, up, len(data), len(data))
    return up.recording_id

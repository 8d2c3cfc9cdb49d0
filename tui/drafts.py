"""Unsaved work from the console's interview editor, kept on disk as YAML as the operator types, so a dropped
SSH connection or a closed terminal loses nothing. A draft goes when the interview is saved."""

from __future__ import annotations

import os
import re
from pathlib import Path

from boxinterview.config.settings import Settings
from boxinterview.domain import interview_io
from boxinterview.domain.models import Interview

_KEY = re.compile(r"^[a-z0-9-]{1,40}$")


def _path(settings: Settings, key: str) -> Path:
    if not _KEY.match(key):
        raise ValueError(f"bad draft key {key!r}")
    return settings.data_dir / "drafts" / f"{key}.yaml"


def save(settings: Settings, key: str, iv: Interview) -> None:
    path = _path(settings, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(interview_io.to_yaml(iv), encoding="utf-8")
    os.replace(tmp, path)  # a draft is whole or the previous one


def load(settings: Settings, key: str) -> Interview | None:
    path = _path(settings, key)
    if not path.exists():
        return None
    return interview_io.from_yaml_draft(path.read_text(encoding="utf-8"), str(path))


def discard(settings: Settings, key: str) -> None:
    _path(settings, key).unlink(missing_ok=True)

"""A real `boxinterview serve` process on a free port, with a database the test can also use directly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
import yaml

from boxinterview.config.settings import Settings, load_settings
from boxinterview.domain import interview_io, interviews, invitations
from boxinterview.domain.models import Interview, InterviewStatus
from boxinterview.ops import datadir
from boxinterview.store import Database
from tests.conftest import free_port
from tests.support import storage_mode

UPLOAD_INTERVIEW = """\
title: Upload test
role: Tester
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Tell us about you, kind: video, answer_seconds: 10, think_seconds: 5, takes: 3, competencies: [Clarity]}
  - {prompt: Say it out loud, kind: audio, answer_seconds: 10, takes: 2, competencies: [Clarity]}
  - {prompt: Write it down, kind: text, answer_seconds: 60, competencies: [Clarity]}
"""


@dataclass
class Live:
    root: Path
    config: Path
    port: int
    settings: Settings
    db: Database
    interview: Interview
    proc: subprocess.Popen | None = None
    count: int = field(default=0)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def uploads_url(self) -> str:
        return self.base + "/api/v1/uploads/"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "boxinterview", "--config", str(self.config), "serve"],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "server.log").open("ab"),
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.base + "/healthz", timeout=1)
                return
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "server did not start: " + (self.root / "server.log").read_text()
                    ) from None
                time.sleep(0.05)

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(timeout=15)

    def candidate(
        self, *, consent: bool = True, deadline: datetime | None = None, now: datetime | None = None
    ) -> str:
        """A new invited candidate (consented by default); returns their token."""
        self.count += 1
        inv, token = invitations.invite(
            self.db,
            self.interview.id,
            f"Cand {self.count}",
            f"cand{self.count}@example.com",
            "test",
            deadline=deadline,
            now=now,
        )
        if consent:
            invitations.record_consent(self.db, inv.id, "1", now=now)
        return token

    def metadata(self, token: str, question: int = 0, take: int = 1, **extra: str) -> dict[str, str]:
        return {
            "token": token,
            "question": str(self.interview.questions[question].id),
            "take": str(take),
            **extra,
        }


def prepare(root: Path, port: int = 8080, **overrides: Any) -> tuple[Path, Settings, Database, Interview]:
    """A config file, an initialised data directory and an open interview with video, audio and text questions."""
    config: dict[str, Any] = {
        "data_dir": str(root / "var"),
        "server": {"port": port},
        "uploads": {"max_bytes": 5_000_000},
        "media": {"worker_in_server": False},
    }
    bucket = storage_mode.section()
    if bucket is not None and "storage" not in overrides:
        config["storage"] = bucket
    for key, values in overrides.items():
        if isinstance(values, dict):
            config.setdefault(key, {}).update(values)
        else:
            config[key] = values
    path = root / "boxinterview.yaml"
    path.write_text(yaml.safe_dump(config))
    settings = load_settings(path, environ={})
    datadir.init(settings.data_dir)
    db = Database.open(settings.database_path)
    interview_id = interviews.create(db, interview_io.from_yaml(UPLOAD_INTERVIEW), "test")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "test")
    return path, settings, db, interviews.get(db, interview_id)


@contextmanager
def live_server(root: Path, **overrides: Any) -> Iterator[Live]:
    port = free_port()
    path, settings, db, interview = prepare(root, port, **overrides)
    live = Live(root, path, port, settings, db, interview)
    live.start()
    try:
        yield live
    finally:
        live.stop()
        db.close()

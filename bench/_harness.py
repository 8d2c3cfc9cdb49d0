"""Shared by the benchmarks: a real server process on a scratch data directory, and clips like browsers send."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

from boxinterview.config.settings import load_settings
from boxinterview.domain import interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus
from boxinterview.ops import datadir
from boxinterview.store import Database

CACHE = Path(tempfile.gettempdir()) / "boxinterview-bench-clips"

INTERVIEW = """\
title: Bench
role: Bench
competencies: [{name: Clarity, anchors: {1: a, 3: b, 5: c}}]
questions:
  - {prompt: Talk, kind: video, answer_seconds: 150, think_seconds: 10, takes: 3, competencies: [Clarity]}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(session: requests.Session, base: str, email: str, password: str, next: str = "/review") -> None:
    """As a browser does: the sign-in page first (its form's token is bound to the cookie it sets)."""
    page = session.get(base + "/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    data = {"csrf": token, "email": email, "password": password, "next": next}
    session.post(base + "/login", data=data).raise_for_status()


def clip(kind: str, seconds: int) -> Path:
    """1280x720 at 30 fps with sound, at a browser's bitrate, written to a pipe as MediaRecorder streams it."""
    CACHE.mkdir(exist_ok=True)
    out = CACHE / f"{kind}-{seconds}s.{'webm' if kind == 'vp8' else 'mkv'}"
    if out.exists():
        return out
    src = [
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=300:duration={seconds}",
    ]
    if kind == "vp8":
        codec = [
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-b:v",
            "2500k",
            "-g",
            "30",
            "-c:a",
            "libopus",
            "-f",
            "webm",
        ]
    else:
        codec = [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-b:v",
            "2500k",
            "-maxrate",
            "2500k",
            "-bufsize",
            "5000k",
            "-g",
            "30",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "libopus",
            "-f",
            "matroska",
        ]
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as f:
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", *src, *codec, "pipe:1"], check=True, stdout=f
        )
    tmp.rename(out)
    return out


class Server:
    def __init__(self, root: Path, log_level: str = "warning", **overrides: dict) -> None:
        self.root = root
        self.port = free_port()
        config: dict = {"data_dir": str(root / "var"), "server": {"port": self.port}, "log_level": log_level}
        for section, values in overrides.items():
            config.setdefault(section, {}).update(values)
        self.config = root / "boxinterview.yaml"
        self.config.write_text(yaml.safe_dump(config))
        self.settings = load_settings(self.config, environ={})
        datadir.init(self.settings.data_dir)
        self.db = Database.open(self.settings.database_path)
        interview_id = interviews.create(self.db, interview_io.from_yaml(INTERVIEW), "bench")
        interviews.set_status(self.db, interview_id, InterviewStatus.OPEN, "bench")
        self.interview = interviews.get(self.db, interview_id)
        self.count = 0
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "boxinterview", "--config", str(self.config), "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(root / "server.log").open("wb"),
        )
        for _ in range(200):
            try:
                requests.get(self.url("/healthz"), timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def candidate(self) -> str:
        self.count += 1
        inv, token = invitations.invite(
            self.db, self.interview.id, f"B{self.count}", f"b{self.count}@example.com", "b"
        )
        invitations.record_consent(self.db, inv.id, "1")
        return token

    def cpu_seconds(self) -> float:
        """User and system time of the server and the children it has waited for (ffmpeg)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
        return ticks / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)
        self.db.close()

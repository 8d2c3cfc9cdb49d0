"""`pip install .` into a fresh virtual environment gives a working `boxinterview`, faces included."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow


def test_wheel_ships_core_faces_and_their_files(tmp_path: Path) -> None:
    # Build from a copy of the tree, so no leftover build directory can add or hide files.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "node_modules", ".*_cache"
        ),
    )
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    [wheel] = dist.glob("boxinterview-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "boxinterview/cli/main.py",
        "boxinterview/pipeline/worker.py",
        "boxinterview/ops/backup.py",
        "boxinterview/store/migrations/__init__.py",
        "boxinterview/store/migrations/0001_interviews.py",
        "boxinterview/store/schema.sql",
        "boxinterview/defaults/demo-interview.yaml",
        "boxinterview/web/app.py",
        "boxinterview/web/handlers/health.py",
        "boxinterview/web/templates/base.html",
        "boxinterview/web/templates/invitation.html",
        "boxinterview/web/static/app.css",
        "boxinterview/tui/app.py",
        "boxinterview/tui/app.tcss",
        "boxinterview/tui/screens/dashboard.py",
        "boxinterview/tui/screens/dashboard.tcss",
        "boxinterview/tui/widgets/dialogs.py",
    ):
        assert expected in names, expected
    assert not [n for n in names if n.startswith(("tests/", "web/", "tui/", "src/"))]

    venv = tmp_path / "venv"
    # A fresh environment with nothing in it; this pip installs the wheel and what it depends on into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-compile",
        ]
        + [str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    work = tmp_path / "work"
    work.mkdir()
    command = str(venv / "bin" / "boxinterview")
    demo = subprocess.run([command, "demo", "--json"], cwd=work, capture_output=True, text=True, check=True)
    data = json.loads(demo.stdout)
    assert data["candidate_url"].endswith(data["token"])

    port = free_port()
    server = subprocess.Popen(
        [command, "serve", "--port", str(port)],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                    health = json.loads(response.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        else:
            raise AssertionError("the installed server did not answer")
        assert health["status"] == "ok"
        with urllib.request.urlopen(f"{base}/i/{data['token']}", timeout=5) as response:
            page = response.read().decode()
        assert "Customer Support Specialist" in page
        with urllib.request.urlopen(f"{base}/static/app.css", timeout=5) as response:
            assert b"--accent" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)

"""`pip install .` into a fresh virtual environment gives a working `boxinterview`, faces included."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
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
    # A fresh environment, the wheel installed into it on its own. What it depends on comes from the suite's own
    # environment (which `scripts/bootstrap` installed from the same declared dependencies): a path line puts
    # those packages after the new environment's own, and `pip check` says whether they are what the wheel
    # declares. The suite's editable install of the tree is not seen (path lines in that folder are not read).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [own] = venv.glob("lib/python3.*/site-packages")
    (own / "suite-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "-q", "--no-compile", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    checked = subprocess.run([*pip, "check"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    where = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import boxinterview.web, boxinterview.tui; print(boxinterview.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(own)), where.stdout  # the wheel's copy, not the tree's
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

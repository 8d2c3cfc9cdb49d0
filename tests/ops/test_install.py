"""The install and uninstall scripts, as far as this machine allows: shellcheck, a dry run that changes
nothing, an install under --root that is idempotent and keeps the operator's config, and an uninstall that
keeps the data unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

INSTALL = ROOT / "scripts" / "install"
UNINSTALL = ROOT / "scripts" / "uninstall"


def run(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=120)


def test_the_scripts_pass_shellcheck() -> None:
    result = run(
        "shellcheck",
        INSTALL,
        UNINSTALL,
        ROOT / "scripts" / "bootstrap",
        ROOT / "scripts" / "test",
        ROOT / "scripts" / "demo",
    )
    assert result.returncode == 0, result.stdout


def test_a_dry_run_prints_every_step_and_changes_nothing(tmp_path) -> None:
    result = run(INSTALL, "--dry-run", "--root", tmp_path, "--hostname", "box.example.com")
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
    for step in (
        "useradd --system",
        "systemctl enable --now boxinterview.service boxinterview-backup.timer",
        "caddy -o",
        "migrate --init",
    ):
        assert step in result.stdout, step


def test_install_under_a_root_is_idempotent_and_uninstall_keeps_the_data(tmp_path) -> None:
    first = run(INSTALL, "--root", tmp_path, "--hostname", "box.example.com", "--tls", "internal")
    assert first.returncode == 0, first.stderr
    assert "https://box.example.com/" in first.stdout and "boxinterview console" in first.stdout
    config = tmp_path / "etc/boxinterview/config.yaml"
    assert (config.stat().st_mode & 0o777) == 0o640
    assert (config.parent.stat().st_mode & 0o777) == 0o750
    assert ((tmp_path / "var/lib/boxinterview").stat().st_mode & 0o777) == 0o750
    for unit in (ROOT / "systemd").iterdir():
        assert (tmp_path / "etc/systemd/system" / unit.name).read_text() == unit.read_text()
    caddyfile = (tmp_path / "etc/caddy/Caddyfile").read_text()
    assert "box.example.com {" in caddyfile and "tls internal" in caddyfile and str(tmp_path) not in caddyfile
    check = run("caddy", "validate", "--adapter", "caddyfile", "--config", tmp_path / "etc/caddy/Caddyfile")
    assert check.returncode == 0, check.stderr
    settings = subprocess.run(
        [sys.executable, "-m", "boxinterview", "--config", str(config), "config", "show"],
        capture_output=True,
        text=True,
    )
    assert settings.returncode == 0 and "box.example.com" in settings.stdout

    config.write_text(config.read_text() + "# the operator's own change\n")
    again = run(INSTALL, "--root", tmp_path, "--hostname", "other.example.com")
    assert again.returncode == 0 and "kept the existing" in again.stderr
    assert config.read_text().endswith("# the operator's own change\n")

    (tmp_path / "var/lib/boxinterview/boxinterview.db").write_text("data")
    gone = run(UNINSTALL, "--root", tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert not list((tmp_path / "etc/systemd/system").iterdir())
    assert not (tmp_path / "usr/local/bin/boxinterview").exists()
    assert config.exists() and (tmp_path / "var/lib/boxinterview/boxinterview.db").exists()
    assert run(UNINSTALL, "--root", tmp_path, "--delete-data").returncode == 0
    assert not config.exists() and not (tmp_path / "var/lib/boxinterview").exists()


def test_install_refuses_without_root_unless_told_where(tmp_path) -> None:
    if os.geteuid() == 0:
        result = run(
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", INSTALL, "--hostname", "x"
        )
    else:
        result = run(INSTALL, "--hostname", "x")
    assert result.returncode == 1 and "run as root" in result.stderr

"""The systemd units: valid, and every service hardened to an exposure of 2.0 or below."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

UNITS = sorted((ROOT / "systemd").glob("*.service"))
TIMERS = sorted((ROOT / "systemd").glob("*.timer"))


def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    assert len(UNITS) == 5 and len(TIMERS) == 2
    true = shutil.which("true")
    for unit in UNITS + TIMERS:
        # verify checks that ExecStart programs exist on this machine: point them at one that does
        (tmp_path / unit.name).write_text(
            re.sub(r"/opt/boxinterview/venv/bin/boxinterview", true, unit.read_text())
        )
    for unit in UNITS + TIMERS:
        result = subprocess.run(
            ["systemd-analyze", "verify", str(tmp_path / unit.name)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert result.returncode == 0 and not result.stderr.strip(), f"{unit.name}: {result.stderr}"


def test_every_timer_starts_its_service_of_the_same_name() -> None:
    for timer in TIMERS:
        assert (timer.parent / f"{timer.stem}.service").exists()
        assert (
            "Persistent=true" in timer.read_text()
        )  # a run missed while the machine was off happens at boot


def test_every_service_is_hardened_to_2_or_below() -> None:
    for unit in UNITS:
        out = subprocess.run(
            ["systemd-analyze", "security", "--offline=true", str(unit)], capture_output=True, text=True
        ).stdout
        score = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", out).group(1))
        assert score <= 2.0, f"{unit.name} scores {score}"

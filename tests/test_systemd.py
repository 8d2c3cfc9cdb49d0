"""The systemd unit: valid, and hardened to an exposure of 2.0 or below."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

UNITS = sorted((ROOT / "systemd").glob("*.service"))


def test_every_service_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    assert UNITS
    true = shutil.which("true")
    for unit in UNITS:
        # verify checks that ExecStart programs exist on this machine: point them at one that does
        copy = tmp_path / unit.name
        copy.write_text(re.sub(r"/opt/boxinterview/venv/bin/boxinterview", true, unit.read_text()))
        result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stderr.strip(), f"{unit.name}: {result.stderr}"


def test_every_service_is_hardened_to_2_or_below() -> None:
    for unit in UNITS:
        out = subprocess.run(["systemd-analyze", "security", "--offline=true", str(unit)],
                             capture_output=True, text=True).stdout  # fmt: skip
        score = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", out).group(1))
        assert score <= 2.0, f"{unit.name} scores {score}"

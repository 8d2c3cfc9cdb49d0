"""The runner's state file: which server it registered with, and its runner token (a secret: mode 0600)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from boxinterview.errors import Invalid


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "boxinterview" / "runner.json"


@dataclass(frozen=True)
class State:
    server: str
    runner_id: int
    name: str
    runner_token: str


def load(path: Path) -> State | None:
    """The saved state, or None when there is none yet."""
    try:
        data = json.loads(path.read_text())
        return State(
            str(data["server"]), int(data["runner_id"]), str(data["name"]), str(data["runner_token"])
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Invalid(
            f"the runner's state file {path} cannot be read ({exc}); remove it and register again"
        ) from exc


def save(path: Path, state: State) -> None:
    """Write the state so that only its owner can read it, replacing any older one whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(asdict(state), out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(partial, 0o600)  # in case the file was there already with wider rights
    os.replace(partial, path)

"""`boxinterview init` and the clear refusals around it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from boxinterview.store import HEAD, inspect_version


def test_init_creates_data_dir_and_database(tmp_path: Path, cli) -> None:
    result = cli("init")
    assert result.code == 0, result.err
    data = tmp_path / "var"
    assert inspect_version(data / "boxinterview.db") == HEAD
    assert {p.name for p in data.iterdir() if p.is_dir()} >= {"uploads", "recordings", "files", "backups"}
    assert not [p for p in data.iterdir() if p.name.startswith((".boxinterview.db.init", ".write-test"))]


def test_second_init_is_refused_and_changes_nothing(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    assert cli("demo").code == 0
    db_file = tmp_path / "var" / "boxinterview.db"
    before = hashlib.sha256(db_file.read_bytes()).hexdigest()
    result = cli("init")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "already initialised; nothing was changed" in result.err
    assert hashlib.sha256(db_file.read_bytes()).hexdigest() == before


def test_unwritable_data_dir_is_reported(tmp_path: Path, cli) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory's parent should be")
    (tmp_path / "boxinterview.yaml").write_text(f"data_dir: {blocker}/var\n")
    result = cli("init")
    assert result.code == 1
    assert result.err.startswith(f"boxinterview: error: cannot write to the data directory {blocker}/var")
    assert "set data_dir in the config" in result.err
    assert blocker.read_text().startswith("a file")


def test_commands_on_a_missing_database_say_to_init(cli) -> None:
    for args in (["serve"], ["interview", "list"], ["migrate"]):
        result = cli(*args)
        assert result.code == 1
        assert "run `boxinterview init` first" in result.err


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path, cli) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "boxinterview.db").write_text("this is not SQLite " * 100)
    result = cli("interview", "list")
    assert result.code == 1
    assert "is not a boxinterview database" in result.err


def test_help_lists_the_commands(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in (
        "init",
        "migrate",
        "demo",
        "serve",
        "interview",
        "invite",
        "resend",
        "user",
        "config",
        "console",
        "worker",
        "recordings",
        "jobs",
        "mail",
        "token",
    ):
        assert command in result.out
    assert cli("interview", "--help").code == 0

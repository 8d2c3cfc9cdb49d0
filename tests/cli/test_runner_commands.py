"""`boxinterview runner-token` and `boxinterview runners`: one-time registration tokens made, listed and revoked;
runners listed and removed (their token stops, their jobs go back to the queue); `runner` refusing to start
without a way to register."""

from __future__ import annotations

import json
import re
from pathlib import Path

from boxinterview.domain import runners
from boxinterview.store import Database


def test_registration_tokens_are_made_listed_and_revoked(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    made = cli("runner-token", "add", "--note", "gpu box in the basement")
    assert made.code == 0, made.err
    token = made.out.strip().splitlines()[-1]
    assert re.fullmatch(r"bxreg_[A-Za-z0-9_-]{43}", token)
    listed = cli("runner-token", "list")
    assert "unused" in listed.out and "gpu box in the basement" in listed.out and token not in listed.out
    assert cli("runner-token", "revoke", "1").code == 0
    [shown] = json.loads(cli("runner-token", "list", "--json").out)
    assert shown["revoked_at"] is not None
    again = cli("runner-token", "revoke", "1")
    assert again.code == 1 and "no unused registration token with id 1" in again.err
    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        assert [a for (a,) in db.read(lambda con: list(con.execute("SELECT action FROM audit_log")))] == [
            "runner_token.create",
            "runner_token.revoke",
        ]
    finally:
        db.close()


def test_runners_are_listed_and_removed(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    assert "no runners" in cli("runners", "list").out
    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        token = runners.create_registration_token(db, "", "test")
        runner, runner_token = runners.register(db, token, "encoder-1", "10.0.0.7")
    finally:
        db.close()
    listed = cli("runners", "list")
    assert "encoder-1" in listed.out and "10.0.0.7" in listed.out and "idle" in listed.out
    assert json.loads(cli("runners", "list", "--json").out)[0]["name"] == "encoder-1"
    removed = cli("runners", "remove", str(runner.id))
    assert removed.code == 0 and "0 job(s) back in the queue" in removed.out
    assert "no runners" in cli("runners", "list").out
    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        assert runners.check(db, runner_token, "10.0.0.7") is None
    finally:
        db.close()
    assert cli("runners", "remove", str(runner.id)).code == 1


def test_the_runner_says_how_to_register(tmp_path: Path, cli) -> None:
    state = tmp_path / "state.json"
    nothing = cli("runner", "--server", "https://interviews.example.com", "--state", str(state))
    assert nothing.code == 2 and "runner-token add" in nothing.err
    garbled = cli("runner", "--server", "https://x.example.com", "--token", "garbage", "--state", str(state))
    assert garbled.code == 2 and "neither a registration token (bxreg_…) nor a runner token" in garbled.err
    assert "not registered" not in garbled.err
    bad = cli("runner", "--server", "interviews.example.com", "--token", "bxreg_x", "--state", str(state))
    assert bad.code == 2 and "https://" in bad.err
    none = cli("runner", "--server", "https://x.example.com", "--jobs", "0", "--state", str(state))
    assert none.code == 2 and "1 or more" in none.err
    state.write_text("{not json")
    broken = cli("runner", "--server", "https://interviews.example.com", "--state", str(state))
    assert broken.code == 1 and "remove it and register again" in broken.err

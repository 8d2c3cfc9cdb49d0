"""What goes wrong outside the database still gets a sentence, not a traceback: a file named on the command line
that cannot be written, a reader that goes away (`| head`), a server a runner cannot reach."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from boxinterview.domain import invitations
from boxinterview.store import Database
from tests.conftest import boxinterview_cmd, free_port


def test_an_export_to_a_missing_folder_or_to_a_folder_says_so(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    assert cli("demo", "--json").code == 0
    for target in (tmp_path / "no" / "such" / "folder" / "x.yaml", tmp_path):
        result = cli("interview", "export", "1", "-o", str(target))
        assert result.code == 2 and "Traceback" not in result.err
        assert f"boxinterview: error: {target}:" in result.err and "check the path" in result.err


def test_a_reader_that_goes_away_leaves_the_work_done_and_a_sentence(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    assert cli("demo", "--json").code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
    # `| head -c 0`: the reader is gone before a word is printed
    reader, writer = os.pipe()
    os.close(reader)
    done = subprocess.run(
        [*boxinterview_cmd(), "invite", "1", "Zoë Ørsted", "zoe@example.com"],
        cwd=tmp_path,
        env=env,
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(writer)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "the output stopped being read (broken pipe); what the command did is done" in done.stderr
    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        assert "Zoë Ørsted" in [person.name for _, person in invitations.listing(db, 1)]
    finally:
        db.close()


def test_a_runner_that_cannot_reach_its_server_says_what_to_check(tmp_path: Path, cli) -> None:
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = cli("runner", "--server", server, "--token", "bxreg_x", "--state", str(tmp_path / "runner.json"))
    assert result.code == 1 and "Traceback" not in result.err
    assert f"cannot reach {server}" in result.err and "check --server" in result.err
    assert not (tmp_path / "runner.json").exists()

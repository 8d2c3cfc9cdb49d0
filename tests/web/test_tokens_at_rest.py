"""A candidate's link is their only credential. Once it is in their hands the appliance keeps it nowhere: not in a
table, a file or a backup, not in a log line; and nobody who asks about an upload is told it."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import socket
import sys
from pathlib import Path

import pytest
import requests
from tusclient import client as tus

from boxinterview.domain import accounts, invitations, shares, uploads
from boxinterview.domain.models import InvitationStatus, Role
from boxinterview.mail import sender
from boxinterview.mail.letters import Letterhead
from boxinterview.ops import backup, logs
from boxinterview.store import connect
from tests.conftest import free_port
from tests.support.inbox import Inbox
from tests.support.live import live_server

TUS = {"Tus-Resumable": "1.0.0"}


def forms(token: str) -> list[bytes]:
    """The token as it could be written down: as it is, and in base64 (as tus metadata carries it)."""
    raw = token.encode()
    encoded = base64.b64encode(raw)
    return [raw, encoded, encoded.rstrip(b"=")]


@pytest.fixture
def smtp():
    inbox = Inbox(free_port())
    inbox.up()
    yield inbox
    inbox.down()


def tables_holding(live, secrets: list[bytes]) -> list[str]:
    def read(con):
        found = []
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        for name in names:
            for row in con.execute(f'SELECT * FROM "{name}"'):
                text = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
                if any(s in text for s in secrets):
                    found.append(f"{name}: {row}")
        return found

    return live.db.read(read)


def files_holding(root: Path, secrets: list[bytes]) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and any(s in p.read_bytes() for s in secrets)
    )


def test_after_an_upload_no_table_file_or_backup_holds_the_candidates_token(tmp_path: Path, smtp) -> None:
    source = tmp_path / "take.webm"
    source.write_bytes(os.urandom(300_000))
    (tmp_path / "site").mkdir()
    smtp_settings = {"host": "127.0.0.1", "port": smtp.port, "from": "jobs@example.com"}
    with live_server(tmp_path / "site", smtp=smtp_settings) as live:
        inv, token = invitations.invite(
            live.db,
            live.interview.id,
            "Ann Example",
            "ann@example.com",
            "test",
            letterhead=Letterhead.from_settings(live.settings),
        )
        # The invitation goes out through a real SMTP server: the link reaches the candidate, not the store
        assert asyncio.run(sender.deliver_due(live.db, live.settings)) == 1
        assert f"/i/{token}" in smtp.messages[0].get_body(("plain",)).get_content()
        assert requests.get(f"{live.base}/i/{token}", timeout=10).status_code == 200
        invitations.record_consent(live.db, inv.id, "1")

        done = tus.TusClient(live.uploads_url).uploader(
            str(source), chunk_size=100_000, metadata=live.metadata(token, filetype="video/webm")
        )
        done.upload()
        # A second take stops half-way: its upload stays open, its bytes in uploads/
        open_take = tus.TusClient(live.uploads_url).uploader(
            str(source), chunk_size=100_000, metadata=live.metadata(token, take=2, filetype="video/webm")
        )
        open_take.upload_chunk()

        for url, take in ((done.url, "1"), (open_take.url, "2")):
            head = requests.head(url, headers=TUS, timeout=10)
            assert head.status_code == 200
            question = str(live.interview.questions[0].id)
            assert uploads.parse_metadata(head.headers["Upload-Metadata"]) == {
                "question": question,
                "take": take,
                "filetype": "video/webm",
            }
        upload = uploads.get(live.db, open_take.url.rsplit("/", 1)[1])
        assert upload.invitation_id == inv.id

        made = backup.run(live.settings)
        secrets = forms(token)
        assert tables_holding(live, secrets) == []
    # The data directory (its database, uploads and recordings, the backup in it) and the server's log
    assert made.path.is_relative_to(live.settings.data_dir)
    assert files_holding(tmp_path / "site", secrets) == []


def test_no_log_line_holds_a_token_even_when_requests_fail(tmp_path: Path) -> None:
    with live_server(tmp_path, store={"busy_timeout_ms": 200}) as live:
        token = live.candidate()
        waiting = live.candidate(consent=False)
        inv = invitations.by_token(live.db, token)
        for status in (
            InvitationStatus.OPENED,
            InvitationStatus.STARTED,
            InvitationStatus.COMPLETED,
        ):  # shared: done
            invitations.move(live.db, inv.id, status, "candidate")
        admin, _ = accounts.create(live.db, "ops@example.com", Role.ADMIN, "test")
        _, share = shares.create(live.db, admin, [inv.id], [live.interview.questions[0].id], 7)
        unknown = "x" * 43
        base = live.base
        answers = {
            f"/i/{token}": 200,
            f"/i/{token}/no-such-page": 404,
            f"/i/{unknown}": 404,
            f"/api/v1/candidate/{token}/state": 200,
            f"/api/v1/candidate/{unknown}/state": 404,
            f"/api/v1/candidate/{token}/takes/{live.interview.questions[0].id}/9": 404,
            f"/s/{share}": 200,
            f"/s/{unknown}": 404,
            f"/s/{share}/media/999/poster": 404,
        }
        for path, status in answers.items():
            assert requests.get(base + path, timeout=10).status_code == status, path
        refused = requests.post(
            live.uploads_url,
            timeout=10,
            headers={
                **TUS,
                "Upload-Length": "10",
                "Upload-Metadata": f"token {base64.b64encode(unknown.encode()).decode()},question MQ==,take MQ==",
            },
        )
        assert refused.status_code in (400, 403)
        # Requests aiohttp refuses before any handler sees them: it logs the offending line, token and all
        metadata = f"token {base64.b64encode(token.encode()).decode()},question MQ=="
        for raw in (
            f"GET /i/{token}\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
            f"POST /api/v1/uploads/ HTTP/1.1\r\nHost: x\r\nUpload-Metadata: {metadata},bad\x7f\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
                s.sendall(raw.encode())
                assert s.recv(100).startswith(b"HTTP/1.0 400")
        # Another process holds the database: the server fails on our side, and says so in its log
        con = connect(live.settings.database_path)
        con.execute("BEGIN IMMEDIATE")
        try:
            failed = requests.get(f"{base}/i/{waiting}", timeout=10)
        finally:
            con.execute("ROLLBACK")
            con.close()
        assert failed.status_code >= 500
    log = (tmp_path / "server.log").read_text()
    assert "unexpected error serving GET /i/…" in log and "Traceback" in log
    assert '"GET /i/…/no-such-page HTTP/1.1" 404' in log and '"GET /s/… HTTP/1.1" 200' in log
    assert '"GET /api/v1/candidate/…/state HTTP/1.1" 200' in log
    assert "b'GET /i/… HTTP/1.1'" in log and "Upload-Metadata: token …,question MQ==" in log
    for secret in (token, waiting, share, unknown):
        assert not any(s.decode() in log for s in forms(secret)), secret


def test_log_lines_lose_tokens_wherever_they_appear() -> None:
    token = "AbC_d-" * 7 + "x"
    header = f"question MQ==,token {base64.b64encode(token.encode()).decode()},take MQ=="
    line = logs.redact(
        f'"GET /i/{token}/check HTTP/1.1" https://jobs.example.com/s/{token}?x=1 '
        f"/api/v1/candidate/{token}/state Upload-Metadata: {header!r}"
    )
    assert line == (
        '"GET /i/…/check HTTP/1.1" https://jobs.example.com/s/…?x=1 /api/v1/candidate/…/state '
        "Upload-Metadata: 'question MQ==,token …,take MQ=='"
    )
    assert logs.redact("no active token named 'ats'") == "no active token named 'ats'"
    try:
        raise KeyError(f"/i/{token}")
    except KeyError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "serving %s", (f"/s/{token}",), sys.exc_info()
        )
    for formatter in (logs.LogfmtFormatter(), logs.RedactingFormatter()):  # under systemd, and on a terminal
        line = formatter.format(record)
        assert "serving /s/…" in line and "KeyError: '/i/…'" in line and token not in line

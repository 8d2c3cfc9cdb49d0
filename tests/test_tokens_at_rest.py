"""A candidate's link is their only credential. Once it is in their hands the appliance keeps it nowhere: not in a
table, a file or a backup, not in a log line; and nobody who asks about an upload is told it."""

from __future__ import annotations

import base64
import logging
import sys
from pathlib import Path

import requests

from boxinterview import logs
from boxinterview.domain import accounts, invitations, shares
from boxinterview.domain.models import InvitationStatus, Role
from boxinterview.store import connect
from tests.live import live_server

TUS = {"Tus-Resumable": "1.0.0"}


def forms(token: str) -> list[bytes]:
    """The token as it could be written down: as it is, and in base64 (as tus metadata carries it)."""
    raw = token.encode()
    encoded = base64.b64encode(raw)
    return [raw, encoded, encoded.rstrip(b"=")]


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
        refused = requests.post(live.uploads_url, timeout=10, headers={
            **TUS, "Upload-Length": "10",
            "Upload-Metadata": f"token {base64.b64encode(unknown.encode()).decode()},question MQ==,take MQ==",
        })  # fmt: skip
        assert refused.status_code in (400, 403)
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

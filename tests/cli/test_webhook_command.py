"""`boxinterview webhook`: endpoints added, listed, rotated, disabled, enabled and removed, the delivery log and
sending again, each change in the audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

from boxinterview import clock
from boxinterview.domain import webhooks
from boxinterview.store import Database


def audit(tmp_path: Path) -> list[tuple[str, int]]:
    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        return db.read(
            lambda con: list(
                con.execute(
                    "SELECT action, subject_id FROM audit_log WHERE subject_type = 'webhook' ORDER BY id"
                )
            )
        )
    finally:
        db.close()


def test_the_webhook_command_manages_endpoints_and_audits_each_change(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    added = cli(
        "webhook",
        "add",
        "https://ats.example.com/hooks",
        "--events",
        "interview.completed",
        "--description",
        "ATS",
    )
    assert added.code == 0, added.err
    secret = added.out.strip().splitlines()[-1]
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]+", secret)
    listed = cli("webhook", "list", "--json")
    [endpoint] = json.loads(listed.out)
    assert endpoint["url"] == "https://ats.example.com/hooks" and endpoint["event_types"] == [
        "interview.completed"
    ]
    assert secret not in listed.out  # the secret is shown once, when made
    rotated = cli("webhook", "rotate", "1", "--grace-hours", "2")
    assert rotated.code == 0 and "also signs for 2 h" in rotated.out
    assert rotated.out.strip().splitlines()[-1] != secret
    wrong = cli("webhook", "add", "ftp://ats.example.com", "--events", "nope")
    assert wrong.code == 1 and "not a web address" in wrong.err

    db = Database.open(tmp_path / "var" / "boxinterview.db")
    try:
        db.write(webhooks.invitation_event, "interview.completed", 5, clock.now())
    finally:
        db.close()
    shown = cli("webhook", "deliveries")
    assert re.search(
        r"^\s+1\s+interview\.completed\s+msg_\S+\s+endpoint 1\s+queued\s+attempts 0", shown.out, re.M
    )
    disabled = cli("webhook", "disable", "1", "--reason", "ATS moving")
    assert disabled.code == 0
    [d] = json.loads(cli("webhook", "deliveries", "--endpoint", "1", "--json").out)
    assert d["state"] == "cancelled" and "ATS moving" in d["last_error"]
    assert "DISABLED: ATS moving" in cli("webhook", "list").out
    refused = cli("webhook", "resend", "1")
    assert refused.code == 1 and "enable it first" in refused.err
    assert cli("webhook", "enable", "1").code == 0
    again = cli("webhook", "resend", "1")
    assert again.code == 0 and "queued to send again" in again.out
    assert json.loads(cli("webhook", "deliveries", "--json").out)[0]["state"] == "queued"
    assert cli("webhook", "remove", "1").code == 0
    assert "no webhook endpoints" in cli("webhook", "list").out
    assert cli("webhook", "remove", "1").code == 1
    assert [a for a, _ in audit(tmp_path)] == [
        "webhook.add",
        "webhook.rotate",
        "webhook.disable",
        "webhook.enable",
        "webhook.resend",
        "webhook.remove",
    ]

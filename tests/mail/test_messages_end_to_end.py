"""The demo interview run end to end produces every message a fair process owes, delivered to a real SMTP
server once each: to candidates, to reviewers and to the operator."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta

from boxinterview import clock
from boxinterview.domain import answers, decisions, invitations
from boxinterview.domain.models import Outcome
from boxinterview.mail import schedule
from boxinterview.mail.letters import Letterhead
from boxinterview.pipeline.worker import Worker, watch_health
from boxinterview.store import Database, outbox
from boxinterview.store import accounts as accounts_sql
from tests.mail.test_mail import deliver, smtp  # noqa: F401 - the real SMTP server fixture
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import prepare

EVERY_MESSAGE = {
    "invitation",
    "reminder",
    "nudge",
    "extension",
    "confirmation",
    "outcome.advance",
    "outcome.reject",
    "digest",
    "overdue",
    "alert.processing",
    "alert.backup",
    "alert.disk",
    "alert.backup-age",
}


def _kind(kind: str) -> str:
    """outbox kinds carry a date or an offset for uniqueness: reminder.72h, digest.2026-11-28, alert.disk.…"""
    for known in sorted(EVERY_MESSAGE, key=len, reverse=True):
        if kind == known or kind.startswith(known + "."):
            return known
    return kind


def _answer_everything(
    db: Database, settings, invitation_id: int, token: str, questions, now: datetime, clip: bytes
) -> None:
    for q in questions:
        if q.kind.value in ("video", "audio"):
            record_take(db, settings, token, q.id, 1, clip)
            answers.submit_take(db, invitation_id, q.id, 1)
        elif q.kind.value == "text":
            answers.submit_text(db, invitation_id, q.id, "I listen first, then act.")
        elif q.kind.value == "choice":
            answers.submit_choice(db, invitation_id, q.id, 1)
    answers.complete(db, invitation_id, now, letterhead=Letterhead.from_settings(settings))


def test_the_demo_run_end_to_end_produces_every_message_once(tmp_path, cli, smtp) -> None:  # noqa: F811
    path, settings, db, _ = prepare(
        tmp_path,
        smtp={
            "host": "127.0.0.1",
            "port": smtp.port,
            "from": "jobs@example.com",
            "operator": "ops@example.com",
        },
        media={"ffmpeg": "/bin/false", "job_max_attempts": 1, "job_lease_seconds": 5},
        health={"disk_low_gb": 10**9, "backup_max_age_hours": 1},
        backup={"copy_to": str(tmp_path / "no-such-disk")},
    )
    head = Letterhead.from_settings(settings)
    demos = [json.loads(cli("--config", str(path), "demo", "--json").out) for _ in range(3)]
    interview_id = demos[0]["interview_id"]
    from boxinterview.domain import interviews

    interview = interviews.get(db, interview_id)
    ann, bo, cy = (invitations.by_token(db, d["token"]) for d in demos)
    reviewer = db.read(accounts_sql.by_email, demos[0]["reviewer_email"])
    start = clock.now()

    # Ann and Bo answer everything (thank-you each); Cy starts and stops (nudge, reminder), then gets more time.
    clip = make("vp8_opus.webm", tmp_path).read_bytes()  # real, so processing gets as far as ffmpeg
    _answer_everything(db, settings, ann.id, demos[0]["token"], interview.questions, start, clip)
    _answer_everything(db, settings, bo.id, demos[1]["token"], interview.questions, start, clip)
    answers.begin_take(db, cy.id, interview.questions[0].id)
    schedule.queue_due(db, settings, cy.deadline - timedelta(hours=71))  # reminder and nudge
    invitations.extend_deadline(db, cy.id, cy.deadline + timedelta(days=7), "t", letterhead=head)
    # The reviewer hears of the new interviews, then is reminded once they are overdue.
    # The first team hour after the interviews were completed, whatever the hour the test runs at.
    team_day = start.replace(hour=settings.reminders.team_hour_utc, minute=5, second=0, microsecond=0)
    if team_day <= start:
        team_day += timedelta(days=1)
    schedule.queue_due(db, settings, team_day)
    schedule.queue_due(db, settings, team_day + timedelta(days=interview.review_target_days + 1))
    decisions.decide(db, reviewer, ann.id, Outcome.ADVANCE, "Your escalation answer stood out.", head)
    decisions.decide(db, reviewer, bo.id, Outcome.REJECT, "Your written answer was clear.", head)

    # The operator: processing fails (ffmpeg is missing), the backup copy fails, the disk is "low", no backup.
    async def process_until_failed() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(Worker(db, settings).run(stop))
        deadline = time.monotonic() + 30
        while not any(m["kind"] == "alert.processing" for m in db.read(outbox.recent, 500)):
            assert time.monotonic() < deadline, "no processing alert"
            await asyncio.sleep(0.05)
        stop.set()
        await task

    asyncio.run(process_until_failed())
    assert cli("--config", str(path), "backup").code != 0
    watch_health(db, settings)

    later = clock.now() + timedelta(days=60)
    while deliver(settings, db, later):
        pass
    sent = db.read(outbox.recent, 500)
    assert {m["state"] for m in sent} == {"sent"}, [(m["kind"], m["state"], m["last_error"]) for m in sent]
    assert {_kind(m["kind"]) for m in sent} >= EVERY_MESSAGE
    delivered = [m["Message-ID"] for m in smtp.messages]
    assert len(delivered) == len(sent) == len(set(delivered))  # each once
    to = {(_kind(m["kind"]), m["recipient"]) for m in sent}
    assert ("confirmation", "candidate1@example.com") in to and (
        "outcome.reject",
        "candidate2@example.com",
    ) in to
    assert ("nudge", "candidate3@example.com") in to and ("digest", demos[0]["reviewer_email"]) in to
    assert ("alert.disk", "ops@example.com") in to
    db.close()

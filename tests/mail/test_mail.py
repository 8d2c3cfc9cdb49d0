"""E-mail through a real SMTP server (aiosmtpd): content and headers, retries, refusals, no loss, no
surprises after a crash."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from boxinterview import clock
from boxinterview.domain import answers, invitations
from boxinterview.mail import sender
from boxinterview.mail.letters import Letterhead
from boxinterview.pipeline.worker import Worker
from boxinterview.store import outbox
from tests.conftest import free_port
from tests.support.flows import record_take
from tests.support.inbox import Inbox
from tests.support.live import prepare


@pytest.fixture
def smtp():
    inbox = Inbox(free_port())
    inbox.up()
    yield inbox
    inbox.down()


@pytest.fixture
def env(tmp_path, smtp):
    path, settings, db, interview = prepare(
        tmp_path,
        smtp={
            "host": "127.0.0.1",
            "port": smtp.port,
            "from": "jobs@example.com",
            "reply_to": "team@example.com",
        },
        organisation={"name": "Example Ltd"},
    )
    yield path, settings, db, interview
    db.close()


def deliver(settings, db, now=None) -> int:
    return asyncio.run(sender.deliver_due(db, settings, now))


def test_the_invitation_arrives_with_its_link_and_proper_headers(env, smtp) -> None:
    _, settings, db, interview = env
    inv, token = invitations.invite(
        db, interview.id, "Ann Example", "ann@example.com", "t", letterhead=Letterhead.from_settings(settings)
    )
    [queued] = db.read(outbox.for_invitation, inv.id)
    assert queued["state"] == "queued" and queued["kind"] == "invitation"
    assert deliver(settings, db) == 1
    [msg] = smtp.messages
    assert msg["To"] == "Ann Example <ann@example.com>" and msg["Reply-To"] == "team@example.com"
    assert msg["Content-Language"] == "en"
    assert msg["From"] == "Example Ltd <jobs@example.com>"
    assert msg["Subject"] == "Your interview for Tester at Example Ltd"
    assert msg["Message-ID"].strip() == queued["message_id"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert f"/i/{token}" in text and f'href="{settings.base_url}/i/{token}"' in html
    assert "3 questions" in text and "Dear Ann Example" in text
    stored = db.read(outbox.get, queued["id"])
    assert stored["state"] == "sent" and token not in stored["body"] and stored["html"] == ""
    assert deliver(settings, db) == 0  # nothing twice


def test_smtp_down_for_a_while_then_everything_arrives_once(env, smtp) -> None:
    _, settings, db, interview = env
    smtp.down()
    head = Letterhead.from_settings(settings)
    ids = [
        invitations.invite(db, interview.id, f"C {i}", f"c{i}@example.com", "t", letterhead=head)[0].id
        for i in range(3)
    ]
    assert deliver(settings, db) == 0
    waiting = [db.read(outbox.for_invitation, i)[0] for i in ids]
    assert all(m["state"] == "queued" and "Connect" in m["last_error"] for m in waiting)
    smtp.up()
    assert deliver(settings, db) == 0  # not before the backoff
    later = clock.now() + timedelta(minutes=2)
    assert deliver(settings, db, later) == 3
    assert deliver(settings, db, later + timedelta(hours=1)) == 0
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == [
        "c0@example.com",
        "c1@example.com",
        "c2@example.com",
    ]


def test_temporary_refusals_retry_and_permanent_ones_keep_the_reply(env, smtp) -> None:
    _, settings, db, interview = env
    head = Letterhead.from_settings(settings)
    inv, _ = invitations.invite(db, interview.id, "Ann", "ann@example.com", "t", letterhead=head)
    smtp.reply = "451 4.3.0 Mailbox temporarily unavailable"
    deliver(settings, db)
    [m] = db.read(outbox.for_invitation, inv.id)
    assert m["state"] == "queued" and m["last_error"].startswith("451")
    smtp.reply = "550 5.1.1 No such user here"
    deliver(settings, db, clock.now() + timedelta(hours=2))
    [m] = db.read(outbox.for_invitation, inv.id)
    assert m["state"] == "failed" and m["last_error"].startswith("550") and "No such user" in m["last_error"]
    assert smtp.messages == []


def test_a_crash_between_send_and_mark_resends_the_same_message(env, smtp, monkeypatch) -> None:
    _, settings, db, interview = env
    inv, _ = invitations.invite(
        db, interview.id, "Ann", "ann@example.com", "t", letterhead=Letterhead.from_settings(settings)
    )

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(outbox, "sent", crash)
    with pytest.raises(SystemExit):
        deliver(settings, db)
    monkeypatch.undo()
    assert deliver(settings, db) == 0  # the lease still holds
    assert deliver(settings, db, clock.now() + sender.LEASE + timedelta(seconds=1)) == 1
    assert len(smtp.messages) == 2
    assert smtp.messages[0]["Message-ID"] == smtp.messages[1]["Message-ID"]  # recognisably the same message
    assert db.read(outbox.for_invitation, inv.id)[0]["state"] == "sent"


def test_a_worker_stopped_while_a_message_is_sent_lets_it_finish_and_sends_it_once(env, smtp) -> None:
    _, settings, db, interview = env
    head = Letterhead.from_settings(settings)
    for n in range(3):
        invitations.invite(db, interview.id, f"Ann {n}", f"ann{n}@example.com", "t", letterhead=head)
    smtp.accept_after = 1.0  # the server has the message and takes a second to say so

    async def stop_mid_send() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(Worker(db, settings).run(stop))
        while not smtp.received:
            await asyncio.sleep(0.01)
        stop.set()  # as systemd stops the service
        await asyncio.wait_for(task, 20)

    asyncio.run(stop_mid_send())
    states = [m["state"] for m in db.read(outbox.recent, 10)]
    assert len(smtp.received) == 1 and states.count("sent") == 1, states  # no other was begun
    smtp.accept_after = 0.0
    assert deliver(settings, db, clock.now() + sender.LEASE + timedelta(seconds=1)) == 2
    assert len(smtp.received) == 3  # each once
    assert len({m["Message-ID"] for m in smtp.messages}) == 3


def test_finishing_queues_the_thank_you(env, smtp) -> None:
    _, settings, db, interview = env
    inv, token = invitations.invite(
        db, interview.id, "Bo", "bo@example.com", "t"
    )  # queued nothing: no letterhead
    invitations.record_consent(db, inv.id, "1")
    q = interview.questions
    for question in q[:2]:
        record_take(db, settings, token, question.id, 1, b"take")
        answers.submit_take(db, inv.id, question.id, 1)
    answers.submit_text(db, inv.id, q[2].id, "Done.")
    answers.complete(db, inv.id, letterhead=Letterhead.from_settings(settings))
    deliver(settings, db)
    [msg] = smtp.messages
    assert msg["Subject"] == "Thank you: your interview for Tester is complete"
    assert "received all 3 of your answers" in msg.get_body(("plain",)).get_content()


def test_no_header_injection_through_names(env) -> None:
    _, settings, db, interview = env
    inv, _ = invitations.invite(
        db,
        interview.id,
        "Eve\r\nBcc: all@example.com",
        "eve@example.com",
        "t",
        letterhead=Letterhead.from_settings(settings),
    )
    [m] = db.read(outbox.for_invitation, inv.id)
    assert "\n" not in m["subject"] and "Bcc" not in m["recipient"]
    assert invitations.get(db, inv.id)  # the name was flattened to one line, not refused
    from boxinterview.mail.compose import build

    with pytest.raises(Exception, match="line break"):
        build(
            sender="a@example.com",
            recipient="b@example.com",
            subject="Hi\nBcc: x@example.com",
            text="t",
            html="",
            message_id="<1@example.com>",
        )


def test_mail_test_reports_the_servers_answer(env, smtp, cli) -> None:
    path, *_ = env
    result = cli("--config", str(path), "mail", "test", "--to", "ops@example.com")
    assert result.code == 0, result.err
    assert "answered: " in result.out and "accepted" in result.out
    assert smtp.messages[0]["Subject"] == "boxinterview test message"
    smtp.reply = "554 5.7.1 Relay denied"
    failed = cli("--config", str(path), "mail", "test", "--to", "ops@example.com")
    assert failed.code == 1 and "554" in failed.err


def test_reminders_and_nudges_go_to_the_right_candidates_at_the_right_time(env, smtp) -> None:
    from boxinterview.mail import schedule

    _, settings, db, interview = env
    head = Letterhead.from_settings(settings)
    t0 = clock.now().replace(microsecond=0)
    deadline = t0 + timedelta(hours=100)
    waiting, first_token = invitations.invite(
        db, interview.id, "Wai Ting", "wait@example.com", "t", deadline=deadline, now=t0, letterhead=head
    )
    done, done_token = invitations.invite(
        db, interview.id, "Don E", "done@example.com", "t", deadline=deadline, now=t0
    )
    started, started_token = invitations.invite(
        db, interview.id, "Star Ted", "start@example.com", "t", deadline=deadline, now=t0
    )
    for inv_id, token in ((done.id, done_token), (started.id, started_token)):
        invitations.record_consent(db, inv_id, "1", now=t0)
        record_take(db, settings, token, interview.questions[0].id, 1, b"take")
    for question in interview.questions[:2]:
        if question is not interview.questions[0]:
            record_take(db, settings, done_token, question.id, 1, b"take")
        answers.submit_take(db, done.id, question.id, 1)
    answers.submit_text(db, done.id, interview.questions[2].id, "Done.")
    answers.complete(db, done.id)

    def kinds(inv_id: int) -> list[str]:
        return [m["kind"] for m in db.read(outbox.for_invitation, inv_id)]

    assert schedule.queue_due(db, settings, t0 + timedelta(hours=10)) == 0
    at = deadline - timedelta(hours=72) + timedelta(minutes=1)
    assert schedule.queue_due(db, settings, at) == 3  # two 72 h reminders and, started 28 h ago, one nudge
    assert kinds(waiting.id) == ["invitation", "reminder.72h"]
    assert kinds(started.id) == ["reminder.72h", "nudge"]
    assert kinds(done.id) == []  # completed: nothing
    assert schedule.queue_due(db, settings, at) == 0  # once only
    assert schedule.queue_due(db, settings, deadline - timedelta(hours=23)) == 2
    assert kinds(waiting.id)[-1] == "reminder.24h"
    assert schedule.queue_due(db, settings, deadline + timedelta(hours=1)) == 0  # past the deadline: silence
    deliver(settings, db, deadline - timedelta(hours=23))
    reminder = next(
        m
        for m in smtp.messages
        if m["To"].addresses[0].addr_spec == "wait@example.com" and "closes" in m["Subject"]
    )
    text = reminder.get_body(("plain",)).get_content()
    fresh = text.split("/i/")[1].split()[0]
    assert fresh != first_token
    assert invitations.by_token(db, fresh).id == waiting.id  # the reminder's own link works
    assert invitations.by_token(db, first_token).id == waiting.id  # and so does the first one


def test_an_extended_deadline_is_told_with_a_fresh_link(env, smtp) -> None:
    _, settings, db, interview = env
    head = Letterhead.from_settings(settings)
    inv, _ = invitations.invite(db, interview.id, "Ext Ended", "ext@example.com", "t")
    new_deadline = clock.now() + timedelta(days=30)
    invitations.extend_deadline(db, inv.id, new_deadline, "t", letterhead=head)
    deliver(settings, db)
    [msg] = smtp.messages
    assert msg["Subject"] == "More time for your interview for Tester"
    link = msg.get_body(("plain",)).get_content().split("/i/")[1].split()[0]
    assert invitations.by_token(db, link).id == inv.id


def test_reviewers_get_a_daily_digest_and_their_overdue_reviews(env, smtp) -> None:
    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role
    from boxinterview.mail import schedule

    _, settings, db, interview = env
    accounts.create(db, "rev@example.com", Role.REVIEWER, "t", name="Rae")
    accounts.assign(db, "rev@example.com", interview.id, "t")
    inv, token = invitations.invite(db, interview.id, "Cam Pleted", "cam@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    for question in interview.questions[:2]:
        record_take(db, settings, token, question.id, 1, b"take")
        answers.submit_take(db, inv.id, question.id, 1)
    answers.submit_text(db, inv.id, interview.questions[2].id, "Done.")
    done = answers.complete(db, inv.id)
    # The first team hour (9:00) after the interview was completed, whatever the hour the test runs at.
    morning = done.completed_at.replace(hour=9, minute=0, second=0, microsecond=0)
    if morning <= done.completed_at:
        morning += timedelta(days=1)
    assert schedule.queue_due(db, settings, morning.replace(hour=6)) == 0  # before the team hour
    assert schedule.queue_due(db, settings, morning) == 1
    assert schedule.queue_due(db, settings, morning) == 0  # once a day
    deliver(settings, db, morning)
    [digest] = smtp.messages
    assert digest["To"] == "Rae <rev@example.com>" and digest["Subject"] == "1 new interview to review"
    assert digest["Content-Language"] is None  # the team's messages are not translated
    assert f"/review/{inv.id}" in digest.get_body(("plain",)).get_content()
    late = morning + timedelta(days=6)  # past the default 5-day review target, still not reviewed
    assert schedule.queue_due(db, settings, late) == 1
    deliver(settings, db, late)
    assert smtp.messages[-1]["Subject"] == "1 review overdue"


def test_resending_an_invitation_is_limited_to_once_an_hour(env, smtp) -> None:
    from boxinterview.errors import Conflict

    _, settings, db, interview = env
    head = Letterhead.from_settings(settings)
    t0 = clock.now()
    inv, first = invitations.invite(
        db, interview.id, "Re Send", "re@example.com", "t", letterhead=head, now=t0
    )
    with pytest.raises(Conflict, match="wait an hour"):
        invitations.resend(db, inv.id, head, "t", now=t0 + timedelta(minutes=10))
    invitations.resend(db, inv.id, head, "t", now=t0 + timedelta(minutes=61))
    deliver(settings, db, t0 + timedelta(minutes=62))
    links = [m.get_body(("plain",)).get_content().split("/i/")[1].split()[0] for m in smtp.messages]
    assert len(links) == 2 and links[0] == first and links[1] != first
    assert invitations.by_token(db, links[1]).id == inv.id


@pytest.fixture
def watched(tmp_path, smtp):
    """Settings with an operator to tell and a low limit of attempts."""
    path, settings, db, interview = prepare(
        tmp_path,
        smtp={
            "host": "127.0.0.1",
            "port": smtp.port,
            "from": "jobs@example.com",
            "operator": "Ops <ops@example.com>",
            "max_attempts": 3,
        },
    )
    yield settings, db, interview
    db.close()


def alerts_queued(db) -> list[dict]:
    return [m for m in db.read(outbox.recent) if m["kind"].startswith("alert.")]


def test_a_refusal_ends_the_message_failed_and_tells_the_operator_once_a_day(watched, smtp) -> None:
    settings, db, interview = watched
    head = Letterhead.from_settings(settings)
    ids = [
        invitations.invite(db, interview.id, f"C {i}", f"c{i}@example.com", "t", letterhead=head)[0].id
        for i in range(2)
    ]
    smtp.reply = "550 5.1.1 No such user here"
    deliver(settings, db)
    for inv_id in ids:
        [m] = db.read(outbox.for_invitation, inv_id)
        assert m["state"] == "failed" and m["last_error"] == "550 5.1.1 No such user here"
    [alert] = alerts_queued(db)  # one for the day, not one per message
    assert alert["kind"].startswith("alert.mail.refused.") and alert["recipient"] == "Ops <ops@example.com>"
    assert "c0@example.com: 550 5.1.1 No such user here" in alert["body"]
    smtp.reply = None
    assert deliver(settings, db) == 1
    assert smtp.received[0].rcpt_tos == ["ops@example.com"]
    assert str(smtp.messages[0]["To"]) == "Ops <ops@example.com>"
    assert smtp.messages[0]["Subject"] == "[boxinterview] The mail server refused a message"


def test_an_alert_that_cannot_be_sent_is_not_alerted_about(watched, smtp) -> None:
    settings, db, _ = watched
    from boxinterview.mail import alerts

    alerts.alert(db, settings, "backup", "A backup failed", "disk full", "free some space")
    smtp.reply = "554 5.7.1 Relay denied"
    deliver(settings, db)
    [alert] = alerts_queued(db)
    assert alert["state"] == "failed" and alert["last_error"].startswith("554")


def test_temporary_failures_end_failed_after_the_last_attempt(watched, smtp) -> None:
    settings, db, interview = watched
    inv, _ = invitations.invite(
        db, interview.id, "Ann", "ann@example.com", "t", letterhead=Letterhead.from_settings(settings)
    )
    smtp.reply = "451 4.3.0 Try again later"
    later = clock.now()
    for attempt in range(1, 4):
        deliver(settings, db, later)
        [m] = db.read(outbox.for_invitation, inv.id)
        assert m["attempts"] == attempt
        assert m["state"] == ("queued" if attempt < 3 else "failed")
        later += timedelta(hours=2)
    assert m["last_error"] == "gave up after 3 attempts; the last: 451 4.3.0 Try again later"
    [alert] = alerts_queued(db)
    assert alert["kind"].startswith("alert.mail.gave-up.")


def test_a_refused_login_is_retried_as_the_settings_fault_not_the_messages(tmp_path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox(free_port())
    inbox.controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=inbox.port,
        auth_require_tls=False,
        authenticator=lambda *args: AuthResult(success=False, handled=False),
    )
    inbox.controller.start()
    (tmp_path / "password").write_text("wrong")
    try:
        _, settings, db, interview = prepare(
            tmp_path,
            smtp={
                "host": "127.0.0.1",
                "port": inbox.port,
                "username": "box",
                "password_file": str(tmp_path / "password"),
            },
        )
        inv, _ = invitations.invite(
            db, interview.id, "Ann", "ann@example.com", "t", letterhead=Letterhead.from_settings(settings)
        )
        deliver(settings, db)
        [m] = db.read(outbox.for_invitation, inv.id)
        assert m["state"] == "queued" and "refused the login: 535" in m["last_error"]
        db.close()
    finally:
        inbox.down()

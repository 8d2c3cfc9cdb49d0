"""Delivering webhooks to a real receiver on loopback (allowed by the settings here), every signature checked by
the Standard Webhooks reference library (`standardwebhooks`), as an applicant tracking system would."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from boxinterview import clock
from boxinterview.config.sections import WebhookSettings
from boxinterview.config.settings import Settings
from boxinterview.domain import webhooks
from boxinterview.pipeline import webhooks as delivery
from boxinterview.store import Database
from tests.conftest import free_port
from tests.support.receiver import Receiver, receiving, until, verify

FAST = {
    "allow_private_targets": True,
    "retry_delays_seconds": [0.05, 0.05],
    "retry_jitter": 0.0,
    "timeout_seconds": 0.5,
    "poll_seconds": 0.02,
}


def tuned(settings: Settings, **changes: Any) -> Settings:
    return dataclasses.replace(settings, webhooks=WebhookSettings(**{**FAST, **changes}))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as r:
        yield r


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return tuned(settings)


class Running:
    """The worker's deliverer, running in this event loop until the test ends."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(delivery.run(db, settings, self.stop))

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 5)


@pytest.fixture
async def run(db: Database) -> AsyncIterator[Callable[[Settings], Running]]:
    started: list[Running] = []

    def start(settings: Settings) -> Running:
        started.append(Running(db, settings))
        return started[-1]

    yield start
    for r in started:
        await r.close()


def event(db: Database, kind: str = "interview.completed", invitation_id: int = 7) -> None:
    db.write(webhooks.invitation_event, kind, invitation_id, clock.now())


def one(db: Database) -> webhooks.Delivery:
    [found] = webhooks.deliveries(db)
    return found


async def test_a_delivery_is_signed_and_shaped_as_the_specification_says(db, fast, receiver, run) -> None:
    endpoint, secret = webhooks.add(db, receiver.url(), None, "ATS", "t")
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
    event(db)
    run(fast)
    await until(lambda: one(db).state == "delivered")
    [got] = receiver.received
    payload = verify(secret, got)
    assert payload["type"] == "interview.completed"
    assert payload["data"]["invitation_id"] == 7
    assert payload["data"]["review_url"] == f"{fast.base_url}/review/7"
    assert payload["data"]["invitation_url"] == f"{fast.base_url}/api/v1/invitations/7"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", payload["timestamp"])
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"].startswith("boxinterview-webhooks/")
    assert re.fullmatch(r"msg_[A-Za-z0-9_-]+", got.headers["webhook-id"])
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 5
    assert got.headers["webhook-signature"].startswith("v1,") and " " not in got.headers["webhook-signature"]
    assert json.loads(got.body) == payload and b" " not in got.body  # compact JSON, the bytes signed
    # A receiver that checks with another secret, or a body changed on the way, is refused by the library.
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(got.body.replace(b"7", b"8"), got.headers)
    d = one(db)
    assert (d.attempts, d.last_status, d.endpoint_id) == (1, 200, endpoint.id)


async def test_rotation_signs_with_both_secrets_until_the_grace_period_ends(db, fast, receiver, run) -> None:
    endpoint, old = webhooks.add(db, receiver.url(), None, "", "t")
    new = webhooks.rotate(db, endpoint.id, timedelta(hours=24), "t")
    expired_next = webhooks.rotate(db, endpoint.id, timedelta(0), "t", now=clock.now())
    event(db)
    run(fast)
    await until(lambda: len(receiver.received) == 1)
    got = receiver.received[0]
    signatures = got.headers["webhook-signature"].split(" ")
    # The newest secret and the one before it sign; the first was retired at once by the second rotation.
    assert len(signatures) == 1
    verify(expired_next, got)
    with pytest.raises(WebhookVerificationError):
        verify(new, got)
    with pytest.raises(WebhookVerificationError):
        verify(old, got)


async def test_during_the_grace_period_the_old_and_the_new_secret_both_verify(
    db, fast, receiver, run
) -> None:
    endpoint, old = webhooks.add(db, receiver.url(), None, "", "t")
    new = webhooks.rotate(db, endpoint.id, timedelta(hours=24), "t")
    event(db)
    run(fast)
    await until(lambda: len(receiver.received) == 1)
    got = receiver.received[0]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert verify(old, got) == verify(new, got)


async def test_failures_are_retried_with_the_same_id_then_delivered(db, fast, receiver, run) -> None:
    receiver.answers["/hooks"] = [500, "slow"]  # a server error, then no answer within the timeout
    receiver.slow_seconds = 1.0
    _, secret = webhooks.add(db, receiver.url(), None, "", "t")
    event(db)
    run(fast)
    await until(lambda: one(db).state == "delivered")
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    for got in receiver.received:
        verify(secret, got)
    assert one(db).attempts == 3


async def test_a_dead_receiver_is_retried_on_schedule_then_marked_failed(db, fast, run) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks"  # nothing listens there: connection refused
    webhooks.add(db, url, None, "", "t")
    event(db)
    run(fast)
    await until(lambda: one(db).state == "failed")
    d = one(db)
    assert d.attempts == 3  # the first and the two retries of the schedule
    assert d.last_error.startswith("gave up after 3 attempts; the last: could not connect to 127.0.0.1")
    assert d.next_attempt_at is None


async def test_the_retry_schedule_is_the_specifications(db, settings) -> None:
    delays = settings.webhooks.retry_delays_seconds
    assert delays == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    assert timedelta(seconds=sum(delays)) == timedelta(hours=75, minutes=35, seconds=5)


async def test_410_disables_the_endpoint_and_says_so(db, fast, receiver, run) -> None:
    receiver.answers["/hooks"] = [410]
    webhooks.add(db, receiver.url(), None, "", "t")
    event(db)
    run(fast)
    await until(lambda: not webhooks.endpoints(db)[0].enabled)
    found = webhooks.endpoints(db)[0]
    assert "410 Gone" in found.disabled_reason and "wants no more webhooks" in found.disabled_reason
    d = one(db)
    assert (d.state, d.attempts, d.last_status) == ("failed", 1, 410)
    event(db)  # nothing more is recorded for a disabled endpoint
    await asyncio.sleep(0.2)
    assert len(webhooks.deliveries(db)) == 1 and len(receiver.received) == 1
    audit = db.read(
        lambda con: list(con.execute("SELECT actor, action FROM audit_log WHERE subject_type = 'webhook'"))
    )
    assert ("worker", "webhook.disable") in audit


async def test_redirects_are_not_followed(db, fast, receiver, run) -> None:
    receiver.answers["/hooks"] = ["redirect", "redirect", "redirect"]
    webhooks.add(db, receiver.url(), None, "", "t")
    event(db)
    run(fast)
    await until(lambda: one(db).state == "failed")
    assert {r.path for r in receiver.received} == {"/hooks"}  # /elsewhere was never asked for
    d = one(db)
    assert d.last_status == 302 and "not followed" in d.last_error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://10.1.2.3:{port}/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/hooks",
        "http://localhost:{port}/hooks",  # a name that resolves to loopback
    ],
)
async def test_private_targets_are_refused_unless_allowed(db, settings, receiver, run, url) -> None:
    webhooks.add(db, url.format(port=receiver.port), None, "", "t")
    event(db)
    run(tuned(settings, allow_private_targets=False))
    await until(lambda: one(db).state == "failed")
    d = one(db)
    assert (
        d.attempts == 1
        and "refused to connect to" in d.last_error
        and "public addresses only" in d.last_error
    )
    assert receiver.received == []


async def test_an_allowed_network_is_delivered_to_and_others_stay_refused(
    db, settings, receiver, run
) -> None:
    webhooks.add(db, receiver.url(), None, "", "t")
    webhooks.add(db, f"http://[::1]:{receiver.port}/hooks", None, "", "t")
    event(db)
    run(tuned(settings, allow_private_targets=False, allowed_networks=["127.0.0.0/8"]))
    await until(lambda: all(d.state != "queued" for d in webhooks.deliveries(db)))
    by_endpoint = {d.endpoint_id: d for d in webhooks.deliveries(db)}
    assert by_endpoint[1].state == "delivered"
    assert by_endpoint[2].state == "failed" and "a loopback address" in by_endpoint[2].last_error


async def test_a_slow_endpoint_does_not_hold_up_the_others(db, settings, receiver, run) -> None:
    receiver.answers["/slow"] = ["slow"] * 6
    receiver.slow_seconds = 1.0
    webhooks.add(db, receiver.url("/slow"), None, "", "t")
    webhooks.add(db, receiver.url("/fast"), None, "", "t")
    for i in range(6):
        event(db, invitation_id=i + 1)
    run(tuned(settings, timeout_seconds=5, concurrency=4, per_endpoint=2))
    await until(lambda: all(d.state == "delivered" for d in webhooks.deliveries(db)), timeout=15)
    fast, slow = receiver.on("/fast"), receiver.on("/slow")
    assert len(fast) == 6 and len(slow) == 6
    # every fast one arrived before the slow one's third, which waits for one of its first two to be answered
    assert max(r.at for r in fast) < sorted(r.at for r in slow)[2]
    assert max(r.at for r in slow) - min(r.at for r in slow) >= 2.0  # two at a time, a second each


async def test_a_long_queue_for_one_endpoint_does_not_hide_another(db, settings, receiver, run) -> None:
    receiver.answers["/slow"] = ["slow"] * 200
    receiver.slow_seconds = 1.0
    webhooks.add(db, receiver.url("/slow"), None, "", "t")
    for i in range(120):  # all due before the second endpoint's
        event(db, invitation_id=i + 1)
    webhooks.add(db, receiver.url("/fast"), None, "", "t")
    for i in range(3):
        event(db, invitation_id=1000 + i)
    run(tuned(settings, timeout_seconds=5, concurrency=4, per_endpoint=2))
    await until(lambda: len(receiver.on("/fast")) == 3, timeout=3)
    assert len(receiver.on("/slow")) <= 4


async def test_an_overloaded_receiver_is_sent_nothing_for_its_retry_after(
    db, settings, receiver, run
) -> None:
    receiver.answers["/hooks"] = [429]
    receiver.retry_after = "1"
    webhooks.add(db, receiver.url(), None, "", "t")
    for i in range(3):
        event(db, invitation_id=i + 1)
    run(tuned(settings, per_endpoint=1, retry_delays_seconds=[0.05]))
    await until(lambda: all(d.state == "delivered" for d in webhooks.deliveries(db)))
    first, second, *_ = receiver.received
    assert second.at - first.at >= 1.0
    retried = [d for d in webhooks.deliveries(db) if d.attempts == 2]
    assert len(retried) == 1 and retried[0].last_status == 200


async def test_sending_again_reuses_the_id_and_body(db, fast, receiver, run) -> None:
    _, secret = webhooks.add(db, receiver.url(), ["interview.completed"], "", "t")
    event(db)
    event(db, "invitation.opened")  # not wanted by this endpoint: no delivery
    running = run(fast)
    await until(lambda: one(db).state == "delivered")
    await running.close()
    again = webhooks.send_again(db, one(db).id, "t")
    assert again.state == "queued" and again.attempts == 0
    run(fast)
    await until(lambda: len(receiver.received) == 2)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    verify(secret, second)


async def test_a_delivery_left_by_a_worker_that_died_is_taken_over_when_its_lease_runs_out(
    db, fast, receiver, run
) -> None:
    _, secret = webhooks.add(db, receiver.url(), None, "", "t")
    db.write(webhooks.invitation_event, "interview.completed", 7, clock.now() - timedelta(minutes=5))
    # A worker leased it two minutes ago (for the timeout and a minute) and died: the lease has run out.
    [held] = db.write(delivery.claim, fast, clock.now() - timedelta(minutes=2), 1, {})
    assert held.attempt == 1
    run(fast)
    await until(lambda: one(db).state == "delivered")
    [got] = receiver.received
    assert got.headers["webhook-id"] == held.message_id and got.body == held.body.encode()
    verify(secret, got)
    assert one(db).attempts == 2  # the attempt the dead worker began counts


async def test_a_lease_still_running_keeps_another_worker_away(db, fast, receiver, run) -> None:
    webhooks.add(db, receiver.url(), None, "", "t")
    event(db)
    db.write(delivery.claim, fast, clock.now(), 1, {})
    run(fast)
    await asyncio.sleep(0.5)
    assert receiver.received == [] and one(db).state == "queued"

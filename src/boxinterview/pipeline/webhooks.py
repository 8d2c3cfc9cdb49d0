"""Delivering webhooks, in the worker, as the Standard Webhooks specification asks.

Each attempt is an HTTP POST of the event's body (the same bytes every time) with `webhook-id`,
`webhook-timestamp` (of this attempt) and `webhook-signature` (`v1,` HMAC-SHA256 under every live secret of the
endpoint). A 2xx answer delivers it. Anything else is a failure: a 3xx (redirects are never followed), other
codes, no answer within `webhooks.timeout_seconds`, a connection refused or reset. A failure is retried after
the delays in `webhooks.retry_delays_seconds` (the specification's schedule, about three days), with jitter and
at least the receiver's `Retry-After`; after the last the delivery is marked failed and the operator told. A
410 Gone disables the endpoint at once (the receiver wants no more). An address that is not public is refused
(`webhook_targets.py`) and the delivery ends failed with why.

At most `webhooks.concurrency` deliveries are in flight, and at most `webhooks.per_endpoint` to one endpoint, so
a slow receiver never holds up the others. A receiver that answers it is overloaded (429, 502, 503, 504) is sent
nothing more for its Retry-After, or 5 s. Deliveries are rows, leased like jobs: a worker that dies leaves them
to be taken over when the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import apsw

from boxinterview import __version__, clock
from boxinterview.config.settings import Settings
from boxinterview.domain import webhooks
from boxinterview.mail import alerts
from boxinterview.pipeline.webhook_targets import Guard, Refused
from boxinterview.store import Database
from boxinterview.store import webhooks as sql

log = logging.getLogger(__name__)

USER_AGENT = f"boxinterview-webhooks/{__version__}"
LONGEST_RETRY_AFTER = timedelta(hours=24)
# Answers that say the receiver is overloaded (as the specification lists them): nothing more goes to that endpoint
# for its Retry-After, or this long, while the delivery itself follows the schedule.
THROTTLED = frozenset({429, 502, 503, 504})
THROTTLE_SECONDS = 5.0
_ALERTS = {
    "gone": (
        "A webhook endpoint was disabled",
        "Check with the receiver, then `boxinterview webhook enable ID`.",
    ),
    "refused": (
        "A webhook was refused: its endpoint is not a public address",
        "Change the endpoint, or allow its network with webhooks.allowed_networks.",
    ),
    "gave-up": (
        "A webhook could not be delivered after every retry",
        "Look at `boxinterview webhook deliveries`; once the receiver works, "
        "`boxinterview webhook resend DELIVERY_ID`.",
    ),
}


@dataclass(frozen=True)
class Claimed:
    id: int
    endpoint_id: int
    url: str
    message_id: str
    body: str
    secrets: list[str]
    attempt: int  # 1 for the first


@dataclass(frozen=True)
class Result:
    status: int | None = None
    error: str = ""
    gone: bool = False
    refused: bool = False
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def claim(
    con: apsw.Connection, settings: Settings, now: datetime, free: int, busy: dict[int, int]
) -> list[Claimed]:
    """Lease up to `free` due deliveries, no more to one endpoint than `webhooks.per_endpoint` (counting the
    `busy` ones in flight), and fix each event's body the first time it is sent."""
    cap = settings.webhooks.per_endpoint
    lease_until = now + timedelta(seconds=settings.webhooks.timeout_seconds + 60)
    counts = Counter(busy)
    picked: list[Claimed] = []
    for r in sql.due(con, now, cap, 1000):
        if len(picked) >= free:
            break
        if counts[r["endpoint_id"]] >= cap:
            continue
        counts[r["endpoint_id"]] += 1
        sql.lease(con, r["id"], now, lease_until)
        body = r["body"] or sql.keep_body(
            con, r["event_id"], webhooks.body(r["type"], r["occurred_at"], r["data"], settings.base_url)
        )
        secrets = sql.secrets(con, r["endpoint_id"], now)
        picked.append(
            Claimed(r["id"], r["endpoint_id"], r["url"], r["message_id"], body, secrets, r["attempts"] + 1)
        )
    return picked


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return min(float(value.strip()), LONGEST_RETRY_AFTER.total_seconds())
    return None  # an HTTP date is rare from a webhook receiver; the schedule applies


async def attempt(session: aiohttp.ClientSession, c: Claimed, timeout: float) -> Result:
    """One POST, never following a redirect; what came of it."""
    timestamp = int(clock.now().timestamp())
    data = c.body.encode("utf-8")
    headers = {
        "content-type": "application/json",
        "webhook-id": c.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhooks.signature_header(c.secrets, c.message_id, timestamp, data),
    }
    try:
        async with session.post(
            c.url,
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as resp:
            said = (await resp.content.read(200)).decode("utf-8", "replace").strip()
            status = resp.status
            if 200 <= status < 300:
                return Result(status)
            if 300 <= status < 400:
                where = resp.headers.get("Location", "")
                why = f"{status} {resp.reason}: a redirect to {where or '(nowhere)'}, not followed; update the address"
                return Result(status, why)
            why = f"{status} {resp.reason}" + (f": {said}" if said else "")
            return Result(
                status, why, gone=status == 410, retry_after=_retry_after(resp.headers.get("Retry-After"))
            )
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, Refused):
            return Result(error=str(exc.os_error), refused=True)
        return Result(
            error=f"could not connect to {exc.host}:{exc.port}: {exc.os_error.strerror or exc.os_error}"
        )
    except TimeoutError:
        return Result(error=f"no answer within {timeout:g} s")
    except aiohttp.ClientError as exc:
        return Result(error=f"{type(exc).__name__}: {exc}")


def _delay(settings: Settings, attempt: int, retry_after: float | None) -> float | None:
    """Seconds until the next attempt after failed attempt number `attempt`, or None when that was the last."""
    delays = settings.webhooks.retry_delays_seconds
    if attempt > len(delays):
        return None
    delay = delays[attempt - 1] * (1 + random.uniform(0, settings.webhooks.retry_jitter))  # noqa: S311 - jitter
    return max(delay, retry_after or 0.0)


def settle(con: apsw.Connection, settings: Settings, c: Claimed, result: Result, now: datetime) -> str:
    """Record what came of an attempt; returns the delivery's state."""
    if result.delivered:
        assert result.status is not None
        sql.delivered(con, c.id, result.status, now)
        return "delivered"
    if result.gone:
        reason = f"the receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC: it wants no more webhooks"
        sql.failed(con, c.id, result.status, result.error)
        webhooks.disable_in(con, c.endpoint_id, reason, "worker", now)
        _alert(con, settings, "gone", f"Endpoint {c.endpoint_id} ({c.url}): {reason}.", now, daily=False)
        return "failed"
    if result.refused:
        sql.failed(con, c.id, result.status, result.error)
        _alert(con, settings, "refused", f"Endpoint {c.endpoint_id} ({c.url}): {result.error}", now)
        return "failed"
    delay = _delay(settings, c.attempt, result.retry_after)
    if delay is not None:
        sql.retry(con, c.id, result.status, result.error, now + timedelta(seconds=delay))
        return "queued"
    why = f"gave up after {c.attempt} attempts; the last: {result.error}"
    sql.failed(con, c.id, result.status, why)
    _alert(con, settings, "gave-up", f"Delivery {c.id} to endpoint {c.endpoint_id} ({c.url}): {why}", now)
    return "failed"


def _alert(
    con: apsw.Connection, settings: Settings, kind: str, detail: str, now: datetime, daily: bool = True
) -> None:
    what, action = _ALERTS[kind]
    alerts.queue_in(con, settings, f"webhook.{kind}", what, detail, action, now, daily=daily)


def session(settings: Settings) -> aiohttp.ClientSession:
    """The HTTP client every delivery uses: the address guard on every connection, no proxy from the
    environment, no redirects (each request says so), no cookies kept between receivers."""
    connector = aiohttp.TCPConnector(
        socket_factory=Guard(settings.webhooks).socket_factory(), limit=settings.webhooks.concurrency
    )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": USER_AGENT},
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    )


class Deliverer:
    """The loop: in one write transaction, record what came of the attempts that ended since the last turn and
    lease what is due into the free slots; then wait until an attempt ends or `poll_seconds` pass. One
    transaction a turn, not one per delivery, keeps the single writer free for the product's own changes."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.busy: Counter[int] = Counter()  # endpoint id -> attempts in flight
        self.running: set[asyncio.Task[None]] = set()
        self.ended: list[tuple[Claimed, Result, datetime]] = []
        self.paused: dict[int, float] = {}  # endpoint id -> loop time until which it is sent nothing
        self.wake = asyncio.Event()

    def turn(
        self,
        con: apsw.Connection,
        ended: list[tuple[Claimed, Result, datetime]],
        free: int,
        busy: dict[int, int],
    ) -> list[Claimed]:
        for c, result, at in ended:
            state = settle(con, self.settings, c, result, at)
            if state != "delivered":
                log.info("webhook %s (%s) to %s: %s; %s", c.id, c.message_id, c.url, result.error, state)
        return claim(con, self.settings, clock.now(), free, busy) if free > 0 else []

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings.webhooks
        async with session(self.settings) as client:
            try:
                while not stop.is_set():
                    self.wake.clear()
                    ended, self.ended = self.ended, []
                    free = s.concurrency - len(self.running)
                    try:
                        claimed = await self.db.awrite(self.turn, ended, free, self._occupied())
                    except Exception:  # the leases run out and the deliveries are tried again
                        log.exception("recording webhook attempts or leasing more failed")
                        claimed = []
                    for c in claimed:
                        self._start(client, c)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_first(stop.wait(), self.wake.wait()), s.poll_seconds)
            finally:
                for task in self.running:
                    task.cancel()
                await asyncio.gather(*self.running, return_exceptions=True)
                if self.ended:
                    await asyncio.shield(self.db.awrite(self.turn, self.ended, 0, {}))

    def _occupied(self) -> dict[int, int]:
        """Attempts in flight by endpoint; a throttled endpoint counts as full until its pause ends."""
        now = asyncio.get_running_loop().time()
        self.paused = {e: until for e, until in self.paused.items() if until > now}
        return {**self.busy, **dict.fromkeys(self.paused, self.settings.webhooks.per_endpoint)}

    def _start(self, client: aiohttp.ClientSession, c: Claimed) -> None:
        self.busy[c.endpoint_id] += 1
        task = asyncio.create_task(self._deliver(client, c))
        self.running.add(task)

        def done(_: asyncio.Task[None]) -> None:
            self.running.discard(task)
            self.busy[c.endpoint_id] -= 1
            if self.busy[c.endpoint_id] <= 0:
                del self.busy[c.endpoint_id]
            self.wake.set()

        task.add_done_callback(done)

    async def _deliver(self, client: aiohttp.ClientSession, c: Claimed) -> None:
        try:
            result = await attempt(client, c, self.settings.webhooks.timeout_seconds)
        except asyncio.CancelledError:
            await asyncio.shield(self.db.awrite(sql.release, c.id))
            raise
        except Exception as exc:  # noqa: BLE001 - a fault here is recorded on the delivery and retried
            log.exception("webhook delivery %s failed unexpectedly", c.id)
            result = Result(error=f"{type(exc).__name__}: {exc}")
        if result.status in THROTTLED:
            pause = result.retry_after or THROTTLE_SECONDS
            self.paused[c.endpoint_id] = asyncio.get_running_loop().time() + pause
        self.ended.append((c, result, clock.now()))


async def _first(*aws: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()


async def run(db: Database, settings: Settings, stop: asyncio.Event) -> None:
    await Deliverer(db, settings).run(stop)

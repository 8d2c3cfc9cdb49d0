"""Requests per minute for each caller (an API token, a runner, an address sending wrong tokens): a token bucket
(bursts up to the limit, refilled evenly), with the RateLimit headers of the IETF draft so a client can slow down
before it is refused."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    per_minute: int
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _buckets: dict[Hashable, _Bucket] = field(default_factory=dict, repr=False)

    def waiting(self, key: Hashable) -> dict[str, str] | None:
        """The headers of a refusal when `key` has nothing left to take (without taking), else None."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return None
        rate = self.per_minute / 60.0
        tokens = min(float(self.per_minute), bucket.tokens + (self.clock() - bucket.at) * rate)
        if tokens >= 1.0:
            return None
        return {
            "RateLimit-Limit": str(self.per_minute),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(math.ceil((self.per_minute - tokens) / rate)),
            "Retry-After": str(max(1, math.ceil((1.0 - tokens) / rate))),
        }

    def take(self, key: Hashable) -> tuple[bool, dict[str, str]]:
        """Count one request for `key`: whether it may go ahead, and the headers that tell the client where it
        stands (with Retry-After when it may not)."""
        now = self.clock()
        rate = self.per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        full_in = math.ceil((self.per_minute - bucket.tokens) / rate)
        headers = {
            "RateLimit-Limit": str(self.per_minute),
            "RateLimit-Remaining": str(int(bucket.tokens)),
            "RateLimit-Reset": str(full_in),
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil((1.0 - bucket.tokens) / rate)))
        if len(self._buckets) > 10_000:  # callers are few; this only bounds memory if something goes wrong
            self._buckets.clear()
        return allowed, headers

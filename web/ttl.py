"""Answers remembered for a few seconds, for the requests that come too often to ask the store each time (a
player's byte ranges). The one way the web face keeps anything for a while: every such cache is bounded, and an
answer older than its time is never given."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """At most `size` values, each given back for `seconds` after it was put; when full, the oldest goes."""

    def __init__(
        self, seconds: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self._clock = clock
        self._items: dict[K, tuple[float, V]] = {}  # oldest first: a value put again moves to the end

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        if self._clock() - found[0] >= self.seconds:
            del self._items[key]
            return None
        return found[1]

    def put(self, key: K, value: V) -> None:
        now = self._clock()
        self._items.pop(key, None)
        self._items[key] = (now, value)
        # Expired values sit at the front; drop them, and the oldest beyond the size.
        while self._items:
            oldest = next(iter(self._items))
            if len(self._items) <= self.size and now - self._items[oldest][0] < self.seconds:
                break
            del self._items[oldest]

    def forget(self, key: K) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

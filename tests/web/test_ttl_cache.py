"""The web face's one way to remember an answer for a few seconds: never past its time, never without bound."""

from __future__ import annotations

from boxinterview.web.ttl import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_given_back_until_its_time_is_up() -> None:
    clock = Clock()
    cache: TtlCache[str, int] = TtlCache(10, clock=clock)
    cache.put("a", 1)
    clock.now += 9.9
    assert cache.get("a") == 1
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0


def test_putting_again_starts_the_time_again_and_forget_drops_at_once() -> None:
    clock = Clock()
    cache: TtlCache[str, int] = TtlCache(10, clock=clock)
    cache.put("a", 1)
    clock.now += 8
    cache.put("a", 2)
    clock.now += 8
    assert cache.get("a") == 2
    cache.forget("a")
    cache.forget("never there")
    assert cache.get("a") is None


def test_the_oldest_go_when_full_and_expired_ones_do_not_linger() -> None:
    clock = Clock()
    cache: TtlCache[int, int] = TtlCache(10, size=3, clock=clock)
    for key in range(5):
        cache.put(key, key)
        clock.now += 1
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == 4
    clock.now += 20
    cache.put(9, 9)
    assert len(cache) == 1

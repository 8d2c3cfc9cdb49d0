"""Whole numbers from outside (requests, forms, JSON, CSV cells), read one way everywhere: ASCII digits only
(Python's `isdigit()` and `int()` also take "²" and "١٢"), within bounds SQLite can store, never a float, a
bool or JSON's Infinity. Anything else is refused with a message saying what to send."""

from __future__ import annotations

from typing import Any

from boxinterview.errors import Invalid

MAX_ID = 2**63 - 1  # SQLite's largest integer


def whole(value: Any, name: str, *, low: int = 0, high: int = MAX_ID) -> int:
    """`value` (a str or an int) as an int from `low` to `high`, or Invalid naming `name` and the range."""
    if isinstance(value, bool):
        value = None
    elif isinstance(value, int):
        number: int | None = value
    if isinstance(value, str):
        text = value.strip()
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None
    elif not isinstance(value, int):
        number = None
    if number is None or not low <= number <= high:
        span = f"from {low}" + (f" to {high}" if high < MAX_ID else "")
        raise Invalid(f"{name} must be a whole number {span}")
    return number

"""How the console writes sizes, ages and progress in few characters, and text people wrote among its own
markup."""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content


def marked(template: str, **values: object) -> Content:
    """The console's own markup with `$name` values put in as plain text: `marked("[b]$name[/b] is invited",
    name=person.name)`. Names, titles, subjects and errors are never read as markup, so `Mallory [/]` cannot
    crash a screen and `[link=…]` cannot make a link."""
    return Content.from_markup(template, **{k: str(v) for k, v in values.items()})


def size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def bar(share: float | None, width: int) -> str:
    share = min(1.0, max(0.0, share or 0.0))
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)

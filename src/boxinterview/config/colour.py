"""The organisation's accent colour and whether people can read it: contrast as WCAG 2.x defines it.

The accent is used in a few roles on the candidate's pages and in messages; each role puts it beside a known
colour and needs a known ratio (WCAG 2.x success criteria 1.4.3 for text, 1.4.11 for a focus ring). A colour
that fails any role is refused at start, with the ratio measured and a darker shade of the same hue that passes."""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

# The product's own accent, used when organisation.accent is empty (white text on it: 6.39:1).
DEFAULT = "#0b57d0"
WHITE = "#ffffff"
PAGE = "#f6f7f9"  # the page around the content (app.css --bg)
TEXT_RATIO = 4.5  # WCAG AA, normal text
NON_TEXT_RATIO = 3.0  # WCAG AA, user-interface components such as a focus indicator

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Role:
    name: str  # what the accent is used as, for messages
    against: str  # the colour beside it
    against_name: str
    needs: float
    short: str  # role and partner in a few words, for the console


ROLES = (
    Role("button background", WHITE, "white text", TEXT_RATIO, "button, white text"),
    Role("link text", WHITE, "the white page", TEXT_RATIO, "link on the page"),
    Role("focus ring", PAGE, f"the page background {PAGE}", NON_TEXT_RATIO, f"focus ring on {PAGE}"),
)


@dataclass(frozen=True)
class Measure:
    role: Role
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= self.role.needs


def is_hex(value: str) -> bool:
    return _HEX.fullmatch(value) is not None


def _rgb(colour: str) -> tuple[int, int, int]:
    if not is_hex(colour):
        raise ValueError(f"{colour!r} is not a colour written #RRGGBB")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(r: int, g: int, b: int) -> str:
    return f"#{r:02x}{g:02x}{b:02x}"


def _linear(channel: int) -> float:
    """An sRGB channel (0-255) as linear light, with WCAG 2.x's own threshold (0.03928)."""
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance, 0 for black to 1 for white."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black and white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ratio_text(ratio: float, needs: float | None = None) -> str:
    """A ratio as people quote it, to two decimals, but never rounded up to the ratio it `needs`: 4.497 is
    4.49:1, not 4.5:1, when 4.5:1 is needed."""
    shown = round(ratio, 2)
    if needs is not None and ratio < needs <= shown:
        shown = int(ratio * 100) / 100
    return f"{shown:.2f}".rstrip("0").rstrip(".") + ":1"


def measure(colour: str) -> list[Measure]:
    """The accent's contrast in each of its roles."""
    return [Measure(role, contrast(colour, role.against)) for role in ROLES]


def passes(colour: str) -> bool:
    return all(m.passes for m in measure(colour))


def suggest(colour: str) -> str:
    """The lightest shade of the colour's hue and saturation that passes every role: the nearest to it that
    people can read (each role's partner is light, so a passing shade is always darker)."""
    if passes(colour):
        return colour.lower()
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in _rgb(colour)))
    low, high = 0.0, lightness  # black passes every role; the colour itself does not
    for _ in range(30):
        mid = (low + high) / 2
        if passes(_shade(h, mid, s)):
            low = mid
        else:
            high = mid
    shade = _shade(h, low, s)
    while not passes(shade):  # rounding to whole channels may tip it back under the line
        low = max(0.0, low - 0.002)
        shade = _shade(h, low, s)
    return shade


def _shade(h: float, lightness: float, s: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return _hex(*(round(c * 255) for c in (r, g, b)))


def problem(colour: str) -> str | None:
    """Why the accent cannot be used, with the ratio measured, what is needed and a shade that passes; None
    when it passes every role."""
    failed = [m for m in measure(colour) if not m.passes]
    if not failed:
        return None
    worst = min(failed, key=lambda m: m.ratio / m.role.needs)
    return (
        f"{colour} has contrast {ratio_text(worst.ratio, worst.role.needs)} against {worst.role.against_name} "
        f"(as {worst.role.name}); WCAG AA needs {ratio_text(worst.role.needs)} — a darker shade such as "
        f"{suggest(colour)} passes"
    )


def button_style(colour: str) -> str:
    """Inline CSS for a call-to-action link drawn as a button (in messages, where stylesheets are unreliable)."""
    return (
        f"background-color:{colour};color:{WHITE};border:1px solid {colour};border-radius:6px;"
        "padding:10px 18px;text-decoration:none;display:inline-block;font-weight:600"
    )

"""Contrast as WCAG 2.x defines it, and the accent's roles: known pairs, the refusal's words, the suggested shade."""

from __future__ import annotations

import pytest

from boxinterview.config import colour


@pytest.mark.parametrize(
    ("fg", "bg", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the famous near miss
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes on white
        ("#595959", "#ffffff", 7.0),
        ("#ff0000", "#ffffff", 4.0),
        ("#0000ff", "#ffffff", 8.59),
        ("#ffffff", "#0b57d0", 6.39),  # order does not matter
    ],
)
def test_known_pairs(fg: str, bg: str, expected: float) -> None:
    assert round(colour.contrast(fg, bg), 2) == expected


def test_luminance_uses_the_wcag_threshold_for_dark_channels() -> None:
    # 10/255 = 0.0392 lies under WCAG 2.x's 0.03928, so it is on the linear part: 0.0392/12.92
    assert colour.luminance("#0a0a0a") == pytest.approx((10 / 255) / 12.92)
    assert colour.luminance("#ffffff") == pytest.approx(1.0)


def test_a_ratio_just_short_of_a_pass_is_never_shown_as_one() -> None:
    assert colour.ratio_text(4.497, needs=4.5) == "4.49:1"
    assert colour.ratio_text(4.4783, needs=4.5) == "4.48:1"
    assert colour.ratio_text(21.0) == "21:1"


def test_767676_passes_every_role_and_777777_does_not() -> None:
    assert colour.passes("#767676")
    assert [m.passes for m in colour.measure("#777777")] == [False, False, True]  # a focus ring needs 3:1


def test_the_refusal_says_the_ratio_what_is_needed_and_a_darker_shade_that_passes() -> None:
    why = colour.problem("#f5a623")
    assert why is not None
    shade = why.rsplit("such as ", 1)[1].split()[0]
    assert why == (
        "#f5a623 has contrast 2.03:1 against white text (as button background); WCAG AA needs 4.5:1 — "
        f"a darker shade such as {shade} passes"
    )
    assert colour.passes(shade)
    assert colour.problem("#767676") is None


@pytest.mark.parametrize("start", ["#f5a623", "#ffcc00", "#777777", "#ffffff", "#3cb371", "#ff69b4"])
def test_the_suggestion_is_the_nearest_passing_shade_of_the_same_colour(start: str) -> None:
    shade = colour.suggest(start)
    assert colour.passes(shade)
    # one step lighter (a little more of each channel) no longer passes: nothing nearer was missed
    lighter = "#" + "".join(f"{min(255, int(shade[i : i + 2], 16) + 3):02x}" for i in (1, 3, 5))
    assert not colour.passes(lighter)


def test_a_passing_colour_is_its_own_suggestion() -> None:
    assert colour.suggest("#0B57D0") == "#0b57d0"

"""organisation.logo and organisation.accent are checked when the settings are read: the file by its bytes,
the colour by its contrast; a refusal names the file and line, what is wrong and what would do."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview.config.logo import MAX_BYTES
from boxinterview.config.settings import ConfigError, load_settings
from tests.support import logos


def _load(tmp_path: Path, body: str, environ: dict[str, str] | None = None):
    path = tmp_path / "boxinterview.yaml"
    path.write_text("organisation:\n  name: Acme\n" + body)
    return load_settings(path, environ=environ or {})


def _refusal(tmp_path: Path, body: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, body, environ)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def test_a_relative_logo_is_found_beside_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    logos.png(tmp_path / "brand" / "logo.png")
    s = _load(tmp_path, "  logo: brand/logo.png\n  accent: '#8A1C7C'\n")
    assert s.organisation.logo == str(tmp_path / "brand" / "logo.png")
    assert s.organisation.accent_colour == "#8a1c7c"


def test_without_branding_the_product_accent_and_no_logo(tmp_path: Path) -> None:
    s = _load(tmp_path, "")
    assert (s.organisation.logo, s.organisation.accent, s.organisation.accent_colour) == ("", "", "#0b57d0")


@pytest.mark.parametrize("name", ["logo.png", "logo.jpg", "logo.webp", "logo.svg"])
def test_each_kind_of_logo_is_taken(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".png"):
        logos.png(path)
    elif name.endswith(".svg"):
        path.write_text(logos.SVG)
    else:
        logos.by_ffmpeg(path)
    assert _load(tmp_path, f"  logo: {name}\n").organisation.logo == str(path)


def test_a_missing_logo_is_refused_with_its_line(tmp_path: Path) -> None:
    why = _refusal(tmp_path, "  logo: nowhere.png\n")
    assert (
        why
        == f"{tmp_path}/boxinterview.yaml:3: organisation.logo: {tmp_path}/nowhere.png: no such file; check the path"
    )


def test_a_file_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text("<html>not a picture</html>")
    why = _refusal(tmp_path, "  logo: logo.png\n")
    assert why.endswith("logo.png is not a PNG, JPEG, WebP or SVG image (judged by its contents)")


def test_a_logo_whose_name_says_another_type_is_refused(tmp_path: Path) -> None:
    logos.by_ffmpeg(tmp_path / "real.jpg").rename(tmp_path / "logo.png")
    why = _refusal(tmp_path, "  logo: logo.png\n")
    assert why.endswith("logo.png holds a JPEG image but its name ends .png; rename it to end .jpg")


def test_a_logo_too_big_is_refused(tmp_path: Path) -> None:
    path = logos.png(tmp_path / "logo.png")
    path.write_bytes(path.read_bytes() + b"\0" * MAX_BYTES)
    assert "a logo may be at most 512 KB (export it smaller)" in _refusal(tmp_path, "  logo: logo.png\n")


def test_a_logo_too_many_pixels_wide_is_refused(tmp_path: Path) -> None:
    logos.png(tmp_path / "logo.png", width=5000, height=1)
    assert "is 5000×1 pixels; a logo may be at most 4096 pixels on a side" in _refusal(
        tmp_path, "  logo: logo.png\n"
    )


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        ("<script>alert(1)</script>", "it contains a <script> element, which can run script or embed a page"),
        ('<rect onclick="alert(1)"/>', "<rect> has an event handler (onclick), which runs script"),
        ('<image href="https://tracker.example/p.png"/>', "<image> refers to something outside the file"),
        ('<a href="javascript:alert(1)"><rect/></a>', "<a> refers to something outside the file"),
        ("<foreignObject><div/></foreignObject>", "it contains a <foreignobject> element"),
        (
            "<style>rect { fill: url(https://x.example/f) }</style>",
            "its <style> loads something from outside",
        ),
    ],
)
def test_an_svg_that_could_run_script_or_fetch_is_refused(tmp_path: Path, svg: str, reason: str) -> None:
    (tmp_path / "logo.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{svg}</svg>')
    why = _refusal(tmp_path, "  logo: logo.svg\n")
    assert f"logo.svg cannot be the logo: {reason}" in why


def test_an_svg_declaring_entities_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(
        '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    assert "it declares XML entities" in _refusal(tmp_path, "  logo: logo.svg\n")


def test_an_accent_too_light_is_refused_with_its_ratio_and_a_shade_that_passes(tmp_path: Path) -> None:
    why = _refusal(tmp_path, "  accent: '#f5a623'\n")
    assert why.startswith(
        f"{tmp_path}/boxinterview.yaml:3: organisation.accent #f5a623 has contrast 2.03:1 against white text"
    )
    assert "WCAG AA needs 4.5:1 — a darker shade such as #" in why


def test_an_accent_not_written_as_hex_is_refused(tmp_path: Path) -> None:
    why = _refusal(tmp_path, "", {"BOXINTERVIEW_ORGANISATION_ACCENT": "orange"})
    assert why == (
        "environment BOXINTERVIEW_ORGANISATION_ACCENT: organisation.accent: expected a colour written #RRGGBB, "
        "e.g. #0b57d0, or empty, got 'orange'"
    )


def test_an_accent_from_the_environment_is_checked_for_contrast_too(tmp_path: Path) -> None:
    why = _refusal(tmp_path, "", {"BOXINTERVIEW_ORGANISATION_ACCENT": "#777777"})
    assert why.startswith(
        "environment BOXINTERVIEW_ORGANISATION_ACCENT: organisation.accent #777777 has contrast 4.48:1"
    )

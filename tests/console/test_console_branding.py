"""The Settings screen shows the organisation's logo and accent with its measured contrast, and tries a colour
before it goes in the settings."""

from __future__ import annotations

from textual.widgets import Static

from boxinterview.config.settings import load_settings
from boxinterview.tui.app import ConsoleApp
from tests.console.test_console import type_into, until
from tests.support import logos


def _text(app: ConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_settings_show_the_logo_and_the_accent_with_its_contrast(tmp_path, db) -> None:
    logos.png(tmp_path / "logo.png", width=120, height=40)
    (tmp_path / "boxinterview.yaml").write_text("organisation:\n  logo: logo.png\n  accent: '#8a1c7c'\n")
    app = ConsoleApp(load_settings(environ={}), db)  # data in the same place as `db`: beside the config file
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await until(pilot, lambda: bool(app.screen.query("#accent")))
        logo = _text(app, "#logo")
        assert f"{tmp_path}/logo.png (PNG, 120×40 px, 0.2 KB), on pages and e-mails" in logo
        accent = _text(app, "#accent").splitlines()
        assert accent[0] == "Accent #8a1c7c"
        assert accent[1].split() == ["button,", "white", "text", "8.27:1", "needs", "4.5:1", "passes"]
        assert accent[3].split() == ["focus", "ring", "on", "#f6f7f9", "7.72:1", "needs", "3:1", "passes"]


async def test_a_colour_tried_reports_its_ratios_and_a_passing_shade(settings, db) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await until(pilot, lambda: bool(app.screen.query("#accent")))
        assert "#0b57d0 (the product's own; organisation.accent)" in _text(app, "#accent")
        await pilot.press("c")
        await until(pilot, lambda: bool(app.screen.query("#field-colour")))
        await type_into(pilot, "#field-colour", "#f5a623")
        await pilot.press("enter")
        await until(pilot, lambda: "Tried" in _text(app, "#trial"))
        lines = _text(app, "#trial").splitlines()
        assert lines[0] == "Tried #f5a623: it would be refused at start"
        assert lines[1].split() == ["button,", "white", "text", "2.03:1", "needs", "4.5:1", "fails"]
        assert lines[-1] == "  a darker shade that passes every role: #a56a08"

        await pilot.press("c")
        await until(pilot, lambda: bool(app.screen.query("#field-colour")))
        await type_into(pilot, "#field-colour", "a56a08")
        await pilot.press("enter")
        await until(pilot, lambda: "#a56a08" in _text(app, "#trial"))
        lines = _text(app, "#trial").splitlines()
        assert lines[0] == "Tried #a56a08: it can go in the settings as organisation.accent"
        assert all(line.endswith("passes") for line in lines[1:])

"""Settings as the server sees them: where they come from, the public address, e-mail (with a test message), the
organisation's logo and accent (with a colour to try before it goes in the file) and the reverse proxy's
configuration rendered from them."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from boxinterview.errors import BoxError
from boxinterview.mail import sender
from boxinterview.ops import proxy
from boxinterview.tui import branding
from boxinterview.tui.format import marked
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Field, Form


class SettingsScreen(ConsoleScreen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("t", "test_mail", "Send a test e-mail"),
        Binding("c", "try_colour", "Try an accent colour"),
    ]

    def compose(self) -> ComposeResult:
        s = self.settings
        smtp = (
            f"{s.smtp.host}:{s.smtp.port} ({s.smtp.security}), from {s.smtp.sender}"
            if s.smtp.host
            else "not configured: messages queue, and `boxinterview mail outbox --show ID` prints them to send by hand"
        )
        yield Header()
        with VerticalScroll(id="settings"):
            yield Static(
                marked(  # values from the settings file are shown as written, never as markup
                    "[b]Settings from[/b] $source\n"
                    "[b]Public address[/b] $base_url (server.public_url; candidates' links use it)\n"
                    "[b]Server[/b] $server · [b]data[/b] $data_dir\n"
                    "[b]E-mail[/b] $smtp\n[b]Operator alerts to[/b] $operator\n\n"
                    "Change settings in the file above (every one is in docs/configuration.md), then "
                    "`boxinterview config check` and `sudo systemctl restart boxinterview`.",
                    source=s.source,
                    base_url=s.base_url,
                    server=f"{s.server.host}:{s.server.port}",
                    data_dir=s.data_dir,
                    smtp=smtp,
                    operator=s.smtp.operator or "nobody (set smtp.operator)",
                ),
                id="summary",
            )
            yield Static("[b]Branding[/b] on candidates' pages and e-mails:", classes="section")
            yield Static(branding.logo_line(s.organisation), id="logo")
            yield Static(branding.accent_block(s.organisation), id="accent")
            yield Static("c tries a colour before it goes in the settings.", id="trial")
            yield Static(
                "[b]Reverse proxy (Caddy)[/b], rendered from these settings by `boxinterview caddy`:",
                classes="section",
            )
            yield Static(self.caddy(), id="caddy", markup=False)
        yield Footer()

    def caddy(self) -> str:
        try:
            return proxy.caddyfile(self.settings)
        except BoxError as exc:
            return f"(not rendered: {exc})"

    def action_test_mail(self) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values:
                self.notify(f"Sending to {values['to']} …")
                self.send(values["to"])

        self.app.push_screen(
            Form("Send a test e-mail", [Field("to", "To", placeholder="you@example.com")], save="Send"), done
        )

    def action_try_colour(self) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values:
                self.query_one("#trial", Static).update(branding.trial(values["colour"]))

        self.app.push_screen(
            Form(
                "Try an accent colour",
                [Field("colour", "Colour (#RRGGBB)", placeholder="#0b57d0")],
                save="Measure",
                note="Its contrast in each role on candidates' pages, and a shade that passes if it fails.",
            ),
            done,
        )

    def send(self, to: str) -> None:
        self.act(
            lambda: asyncio.run(sender.send_test(self.settings, to)),
            lambda reply: self.notify(f"Sent; the server answered: {reply}", timeout=10),
            lambda exc: self.notify(f"Not sent: {exc}", severity="error", timeout=15),
            refusals=(Exception,),  # what the SMTP server said is the point
        )

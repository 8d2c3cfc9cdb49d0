"""The organisation's logo and accent as the console shows them: the file and its size, and the accent's
contrast in each of its roles with what WCAG AA needs, passed or not."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual.content import Content

from boxinterview.config import colour
from boxinterview.config import logo as logos
from boxinterview.config.sections import OrganisationSettings


def logo_line(org: OrganisationSettings) -> Content:
    if not org.logo:
        return Content.from_markup("[b]Logo[/b] none (organisation.logo): pages and e-mails show the name")
    try:
        found = logos.read(Path(org.logo))
    except logos.LogoProblem as exc:
        return Content.from_markup("[b]Logo[/b] [red]$why[/red]", why=str(exc))
    where = "pages and e-mails" if found.in_mail else "pages (e-mails show the name: mail programs skip it)"
    return Content.from_markup("[b]Logo[/b] $logo, on $where", logo=found.describe(), where=where)


def contrast_lines(accent: str) -> str:
    """The accent's measures as console markup, one role a line, and a passing shade when it fails."""
    lines = []
    for m in colour.measure(accent):
        verdict = "[green]passes[/green]" if m.passes else "[b red]fails[/b red]"
        lines.append(
            f"  {escape(m.role.short):<24} {colour.ratio_text(m.ratio, m.role.needs):>7}  "
            f"needs {colour.ratio_text(m.role.needs):<5} {verdict}"
        )
    if not colour.passes(accent):
        lines.append(f"  a darker shade that passes every role: [b]{colour.suggest(accent)}[/b]")
    return "\n".join(lines)


def accent_block(org: OrganisationSettings) -> Content:
    which = org.accent.lower() if org.accent else f"{colour.DEFAULT} (the product's own; organisation.accent)"
    return Content.from_markup(f"[b]Accent[/b] $which\n{contrast_lines(org.accent_colour)}", which=which)


def trial(value: str) -> Content:
    """What the console says of a colour typed to try."""
    tried = value.strip().lower()
    if not tried.startswith("#"):
        tried = "#" + tried
    if not colour.is_hex(tried):
        return Content.from_markup(
            "[b]Tried[/b] $value: [red]not a colour written #RRGGBB[/red] (e.g. #0b57d0)", value=value
        )
    advice = (
        "it can go in the settings as organisation.accent"
        if colour.passes(tried)
        else "it would be refused at start"
    )
    return Content.from_markup(f"[b]Tried[/b] {tried}: $advice\n{contrast_lines(tried)}", advice=advice)

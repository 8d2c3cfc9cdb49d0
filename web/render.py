"""Server-rendered pages with Jinja2 (autoescaped)."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from boxinterview import __version__, i18n
from boxinterview.domain.models import RATINGS, SCORES
from boxinterview.web import auth
from boxinterview.web.keys import ASSETS, BRAND, TEMPLATES
from boxinterview.web.language import script_catalogue


def paragraphs(text: str) -> Markup:
    """Operator-written text as paragraphs: a blank line starts a new one; single line breaks are wrapping."""
    parts = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in parts if p)


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("boxinterview.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["scores"] = SCORES  # the score scale, lowest first
    env.globals["ratings"] = RATINGS  # the candidate's rating of the interview, lowest first
    env.filters["paragraphs"] = paragraphs
    return env


def render(
    request: web.Request, name: str, status: int = 200, language: i18n.Language | None = None, **context: Any
) -> web.Response:
    """The page `name` in `language` (a candidate's page in the interview's; the team's pages in English)."""
    lang = language or i18n.language(i18n.DEFAULT)
    template = request.app[TEMPLATES].get(lang).get_template(name)
    assets = request.app[ASSETS]
    context.setdefault("static", lambda name: assets[name].url)
    context.setdefault("brand", request.app[BRAND])
    context["lang"] = lang
    context["script_messages"] = script_catalogue(lang) if language is not None else {}
    return web.Response(text=template.render(**context), status=status, content_type="text/html")


def reviewer_page(request: web.Request, template: str, **context: Any) -> web.Response:
    """A page of the reviewer workspace: it knows who is signed in and carries their CSRF token; never cached."""
    session = auth.signed_in(request)
    response = render(request, template, account=session.account, csrf=session.csrf, **context)
    response.headers["Cache-Control"] = "no-store"
    return response

"""Pages in the candidate's language: a Jinja2 environment per language with its catalogue installed, and the
translations each page's scripts need."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import cast

import jinja2
from babel.messages.extract import extract_javascript

from boxinterview import i18n

# Scripts mark strings as _("…") and ngettext("…", "…", n), read by Babel's JavaScript extractor.
SCRIPT_KEYWORDS = {"_": None, "ngettext": (1, 2)}


class Templates:
    """One Jinja2 environment per language, made when a page in it is first asked for."""

    def __init__(self, make: Callable[[], jinja2.Environment]) -> None:
        self._make = make
        self._envs: dict[str, jinja2.Environment] = {}

    def get(self, language: i18n.Language) -> jinja2.Environment:
        env = self._envs.get(language.code)
        if env is None:
            env = self._make()
            env.add_extension("jinja2.ext.i18n")
            env.policies["ext.i18n.trimmed"] = True  # as the strings are extracted
            env.install_gettext_translations(language.translations("web"), newstyle=True)  # type: ignore[attr-defined]
            self._envs[language.code] = env
        return env


@functools.cache
def script_messages() -> tuple[tuple[str, ...], ...]:
    """Every string the pages' scripts mark: ("msgid",) or, for plurals, ("singular", "plural")."""
    found: dict[tuple[str, ...], None] = {}
    for entry in resources.files("boxinterview.web").joinpath("static").iterdir():
        if entry.name.endswith(".js"):
            with entry.open("rb") as f:
                for _, funcname, message, _ in extract_javascript(f, SCRIPT_KEYWORDS, [], {}):
                    # a string, or a tuple of every argument (None for one that is not a string literal)
                    given: object = message
                    raw = (given,) if isinstance(given, str) else tuple(cast("tuple[str, ...]", given))
                    found[raw[:2] if funcname == "ngettext" else raw[:1]] = None
    return tuple(found)


def script_catalogue(language: i18n.Language) -> dict[str, str | list[str]]:
    """The translations of the scripts' strings in `language`: msgid → text, or singular → its plural forms;
    under "" the plural form for each n from 0 to 199."""
    t = language.translations("web")
    rule = getattr(t, "plural", lambda n: int(n != 1))
    out: dict[str, str | list[str]] = {"": "".join(str(rule(n)) for n in range(200))}
    for message in script_messages():
        if len(message) == 1:
            text = t.gettext(message[0])
            if text != message[0]:
                out[message[0]] = text
        else:
            forms = i18n.plural_forms(t, message[0], message[1])
            if forms:
                out[message[0]] = forms
    return out

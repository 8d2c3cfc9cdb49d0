"""Finding every translatable string and keeping the catalogues in step with the code.

    python -m boxinterview.i18n.extract          write locales/<domain>.pot and update every shipped .po

Strings are marked with _("…") / ngettext(…) in Python and scripts, and {% trans %} / _("…") in templates
(trimmed: runs of white space inside a {% trans %} block count as one space)."""

from __future__ import annotations

import io
import sys
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from boxinterview import __version__
from boxinterview.i18n import BUILT_IN

_JINJA = "jinja2.ext:babel_extract"
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
# Where each domain's strings are: a package, and (pattern, method) pairs inside it.
SOURCES: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "web": [
        (
            "boxinterview.web",
            [("templates/**.html", _JINJA), ("static/**.js", "javascript"), ("**.py", "python")],
        )
    ],
    "mail": [("boxinterview.mail", [("templates/**", _JINJA), ("**.py", "python")])],
}
WIDTH = 120


def extract(domain: str) -> Catalog:
    """Every string marked for `domain` in the code as it is now."""
    catalog = Catalog(
        project="boxinterview",
        version=__version__,
        copyright_holder="the boxinterview authors",
        domain=domain,
        charset="utf-8",
        fuzzy=False,
    )
    for package, methods in SOURCES[domain]:
        root = Path(str(resources.files(package)))
        options = {pattern: _JINJA_OPTIONS for pattern, method in methods if method == _JINJA}
        for filename, lineno, message, comments, context in extract_from_dir(
            root, methods, options, _KEYWORDS, strip_comment_tags=True
        ):
            catalog.add(
                message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context
            )
    return catalog


def template_path(domain: str) -> Path:
    return BUILT_IN / f"{domain}.pot"


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, omit_header=False, sort_output=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def update() -> list[Path]:
    """Write each domain's .pot from the code and bring every shipped catalogue in step (new strings empty,
    changed ones fuzzy, gone ones dropped). Returns the files written."""
    written = []
    for domain in SOURCES:
        template = extract(domain)
        if template_path(domain).exists():  # unchanged strings keep the file as it was
            before = read(template_path(domain))
            if [(m.id, m.locations) for m in before] == [(m.id, m.locations) for m in template]:
                template = before
        write(template_path(domain), template)
        written.append(template_path(domain))
        for po in sorted(BUILT_IN.glob(f"*/LC_MESSAGES/{domain}.po")):
            catalog = read(po, po.parent.parent.name)
            catalog.update(template, no_fuzzy_matching=False)
            catalog.obsolete.clear()
            write(po, catalog)
            written.append(po)
    return written


if __name__ == "__main__":
    for path in update():
        print(path.relative_to(BUILT_IN.parent), file=sys.stderr)

"""The catalogues are in step with the code, and every shipped language translates every string."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from boxinterview import i18n
from boxinterview.i18n import extract

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
TAG = re.compile(r"</?([a-z]+)")
# Languages shipped to show right-to-left layout, with only some strings translated.
PARTIAL = {"ar"}


def _ids(catalog: object) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}  # type: ignore[attr-defined]


@pytest.mark.parametrize("domain", sorted(extract.SOURCES))
def test_each_template_holds_every_string_the_code_marks(domain: str) -> None:
    fresh = _ids(extract.extract(domain))
    kept = _ids(extract.read(extract.template_path(domain)))
    assert fresh == kept, (
        "the catalogue template is out of date: run `make messages` and translate what is new"
    )


@pytest.mark.parametrize("domain", sorted(extract.SOURCES))
@pytest.mark.parametrize("code", [c for c in i18n.SHIPPED if c != i18n.DEFAULT])
def test_every_shipped_language_translates_every_string(code: str, domain: str) -> None:
    template = extract.extract(domain)
    catalog = extract.read(i18n.BUILT_IN / code / "LC_MESSAGES" / f"{domain}.po", code)
    problems = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(message.id)
        if found is None or not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            problems.append(f"untranslated: {key!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy (check and clear the flag): {key!r}")
        originals = [message.id] if isinstance(message.id, str) else list(message.id)
        translations = [found.string] if isinstance(found.string, str) else list(found.string)
        wanted = set(PLACEHOLDER.findall(" ".join(originals)))
        for text in translations:
            if set(PLACEHOLDER.findall(text)) - wanted or (
                wanted and len(translations) == 1 and set(PLACEHOLDER.findall(text)) != wanted
            ):
                problems.append(f"placeholders differ in {key!r}: {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(originals[0])):
                problems.append(f"markup differs in {key!r}: {text!r}")
    assert problems == [], f"{code}/{domain}.po:\n" + "\n".join(problems)


def test_languages_offered_are_the_shipped_ones_and_the_partial() -> None:
    assert set(i18n.available()) == set(i18n.SHIPPED) | PARTIAL


def test_an_operator_adds_a_language_without_touching_code(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="it", domain="web")
    template = extract.read(extract.template_path("web"))
    for message in template:
        if message.id:
            text = "IT " + (message.id if isinstance(message.id, str) else message.id[0])
            catalog.add(message.id, text if isinstance(message.id, str) else (text, text))
    extract.write(tmp_path / "it" / "LC_MESSAGES" / "web.po", catalog)
    assert i18n.problem("it") is not None
    i18n.add_catalogue_dir(tmp_path)
    try:
        assert i18n.problem("it") is None
        assert "it" in i18n.available()
        some = next(m.id for m in template if m.id and isinstance(m.id, str))
        assert i18n.language("it").gettext(some) == "IT " + some
        assert i18n.display_name("it") == "Italiano"
    finally:
        i18n.remove_catalogue_dir(tmp_path)


def test_a_plural_a_partial_catalogue_leaves_out_stays_english_in_every_form() -> None:
    arabic = i18n.language("ar")  # six plural forms, and most strings not translated
    assert arabic.ngettext("%(num)s question", "%(num)s questions", 1) == "%(num)s question"
    assert arabic.ngettext("%(num)s question", "%(num)s questions", 3) == "%(num)s questions"

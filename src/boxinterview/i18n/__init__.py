"""The candidate's language: gettext catalogues read with Babel, and dates, times and numbers formatted by Babel
for a locale and a time zone.

Catalogues are `.po` files in two domains, `web` (pages and their scripts) and `mail` (messages). The shipped ones
live beside this module in `locales/<code>/LC_MESSAGES/<domain>.po`; an operator adds or overrides a language by
putting the same files under the data directory's `locales/` (see docs/languages.md). `qps` is a pseudo-locale that
decorates every string, so a page rendered in it shows at a glance anything that is not translatable."""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel
import babel.dates
import babel.numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT = "en"
SHIPPED = ("en", "de", "fr", "es", "nl")
PSEUDO = "qps"  # the pseudo-locale: every string decorated, for finding what is not translatable
BUILT_IN = Path(__file__).parent / "locales"

_extra_dirs: list[Path] = []
_lock = threading.Lock()


def add_catalogue_dir(path: Path) -> None:
    """Also read catalogues from `path` (the operator's own, which win over the shipped ones)."""
    with _lock:
        if path not in _extra_dirs:
            _extra_dirs.insert(0, path)
            _catalogue.cache_clear()
            language.cache_clear()


def remove_catalogue_dir(path: Path) -> None:
    with _lock:
        if path in _extra_dirs:
            _extra_dirs.remove(path)
            _catalogue.cache_clear()
            language.cache_clear()


def _dirs() -> list[Path]:
    return [*_extra_dirs, BUILT_IN]


def available() -> list[str]:
    """Every language a catalogue exists for (the shipped ones and the operator's), English first."""
    found = {DEFAULT}
    for base in _dirs():
        if base.is_dir():
            found.update(p.name for p in base.iterdir() if (p / "LC_MESSAGES").is_dir() and _known(p.name))
    return [DEFAULT, *sorted(found - {DEFAULT})]


def _known(code: str) -> bool:
    try:
        babel.Locale.parse(code.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return False
    return True


def problem(code: str) -> str | None:
    """Why `code` cannot be an interview's language, or None if it can."""
    if code == PSEUDO:
        return None
    if not _known(code):
        return f"{code!r} is not a language code; use one such as en, de, fr, es or nl"
    if code not in available():
        return f"there is no catalogue for {code!r}; the languages are {', '.join(available())}"
    return None


def time_zone_problem(name: str) -> str | None:
    """Why `name` is not an IANA time zone (such as Europe/Berlin), or None if it is one."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{name!r} is not a time zone; use a name such as Europe/Berlin, America/New_York or UTC"
    return None


def display_name(code: str) -> str:
    """The language's own name for itself ("Deutsch"), for choosing one."""
    if code == PSEUDO:
        return "Pseudo-locale (testing)"
    name = babel.Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=64)
def _catalogue(code: str, domain: str) -> _gettext.NullTranslations:
    for base in _dirs():
        po = base / code / "LC_MESSAGES" / f"{domain}.po"
        if po.is_file():
            with po.open("rb") as f:
                catalog = read_po(f, locale=code.replace("-", "_"), domain=domain)
            for message in list(catalog):  # a plural not translated in every form stays English, as a whole
                if message.id and message.pluralizable and not all(message.string or ("",)):
                    catalog.delete(message.id)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
            buffer.seek(0)
            return _gettext.GNUTranslations(buffer)
    return _gettext.NullTranslations()


_PLACEHOLDER = re.compile(r"(%\([a-z_]+\)[sd]|%[sd]|<[^>]*>|&[a-z]+;|\{[a-z_]+\})")
_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)


def pseudo(text: str) -> str:
    """`text` decorated, placeholders and markup left as they are: "Continue" → "⟦Çöñţîñûé⟧"."""
    if not text:
        return text
    parts = _PLACEHOLDER.split(text)
    return "⟦" + "".join(p if i % 2 else p.translate(_ACCENTS) for i, p in enumerate(parts)) + "⟧"


class _Pseudo(_gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


def plural_forms(t: _gettext.NullTranslations, singular: str, plural: str) -> list[str]:
    """Every plural form of a message in catalogue order (Babel writes them in CLDR's order: zero, one, two, few,
    many, other, each the locale has), or [] when it is untranslated."""
    if isinstance(t, _Pseudo):
        return [pseudo(singular), pseudo(plural)]
    catalog: dict[object, str] = getattr(t, "_catalog", {})
    forms: list[str] = []
    while (singular, len(forms)) in catalog:
        forms.append(catalog[(singular, len(forms))])
    return forms


@dataclass(frozen=True)
class Language:
    """One language as a candidate sees it: its catalogues, its writing direction, its formats."""

    code: str
    locale: babel.Locale = field(repr=False)
    _web: _gettext.NullTranslations = field(repr=False)
    _mail: _gettext.NullTranslations = field(repr=False)

    @property
    def direction(self) -> str:
        """ "rtl" or "ltr", for the page's dir attribute."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def translations(self, domain: str) -> _gettext.NullTranslations:
        return self._web if domain == "web" else self._mail

    def gettext(self, message: str, domain: str = "web") -> str:
        return self.translations(domain).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, domain: str = "web") -> str:
        return self.translations(domain).ngettext(singular, plural, n)

    def when(self, moment: datetime, zone: str = "UTC") -> str:
        """A moment as the locale writes it, in `zone`: "Freitag, 11. Dezember 2026, 17:00 MEZ"."""
        tz = ZoneInfo(zone)
        day = babel.dates.format_date(moment.astimezone(tz), "full", locale=self.locale)
        time = babel.dates.format_time(moment, "short", tzinfo=tz, locale=self.locale)
        if zone in ("UTC", "Etc/UTC"):
            name = "UTC"
        else:  # an abbreviation where the locale has one (MEZ, EST), otherwise the zone's city: "(Berlin)"
            name = babel.dates.get_timezone_name(moment.astimezone(tz), "short", locale=self.locale)
            if not name.isalpha():
                name = "(" + babel.dates.get_timezone_location(tz, locale=self.locale, return_city=True) + ")"
        glue = babel.dates.get_datetime_format("long", locale=self.locale)
        return str(glue).replace("{1}", day).replace("{0}", f"{time} {name}")

    def day(self, day: date | datetime, zone: str = "UTC") -> str:
        """A day as the locale writes it: "11. Dezember 2026"."""
        if isinstance(day, datetime):
            day = day.astimezone(ZoneInfo(zone)).date()
        return babel.dates.format_date(day, "long", locale=self.locale)

    def number(self, value: float) -> str:
        return babel.numbers.format_decimal(value, locale=self.locale)


@functools.lru_cache(maxsize=64)
def language(code: str) -> Language:
    """The language for `code`; English for one nobody has a catalogue for."""
    if code == PSEUDO:
        return Language(PSEUDO, babel.Locale.parse(DEFAULT), _Pseudo(), _Pseudo())
    if problem(code):
        code = DEFAULT
    return Language(
        code, babel.Locale.parse(code.replace("-", "_")), _catalogue(code, "web"), _catalogue(code, "mail")
    )

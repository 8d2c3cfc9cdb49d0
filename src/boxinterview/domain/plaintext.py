"""Text typed outside the team (a candidate's name, answers and feedback; reviewers' comments, notes and
messages) as it is kept and shown: composed (NFC), without control characters (a NUL from a form or an
API call) or lone surrogates, and without the characters that reorder what follows ("Bob<U+202E>lave" shows as
"Bobeval"), which would make a name, an e-mail or a console row read otherwise than it was written. Joiners,
which Persian, Indic and emoji sequences need, stay."""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(value: str, keep: str) -> str:
    composed = unicodedata.normalize("NFC", value)
    return "".join(
        ch
        for ch in composed
        if ch in keep or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in BIDI_CONTROLS)
    )


def one_line(value: str) -> str:
    """A name or a label: one line, each run of white space one space."""
    return " ".join(_shown(value, " \t\n\r").split())


def lines(value: str) -> str:
    """An answer, a comment or a message: its line breaks (as \\n) and tabs kept, trimmed at both ends."""
    return _shown(value.replace("\r\n", "\n").replace("\r", "\n"), "\n\t").strip()

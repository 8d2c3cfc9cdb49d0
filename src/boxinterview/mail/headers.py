"""Address headers (From, To, Reply-To) and subjects written so that every reader gets the names back as they were typed:
"Zoë Ångström-Øster", "Müller, Jörg (HR)", "株式会社テスト".

The standard library writes most headers well, but folds a long display name badly: it drops the quotes around
a name with a comma or parentheses when it has to break the line (so "Smith-Johnson, Alexander …" becomes two
addresses), and it splits non-ASCII names into encoded-words in the middle of a word, which its own parser then
reads back with a space inserted (CPython gh-128110). Here an address header is written whole: a name that needs
quoting stays one quoted string; a non-ASCII name (unless the message goes with SMTPUTF8, when it is written as
UTF-8) becomes RFC 2047 encoded-words, one for each run of words that are not plain ASCII, with the plain words
between them left as they are, and a run is split into several encoded-words (each at most 75 characters) only
when it is longer than one can hold."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from email.headerregistry import AddressHeader
from email.policy import EmailPolicy
from typing import Any

_ADDRESS_HEADERS = frozenset({"from", "to", "reply-to", "sender", "cc"})
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")  # RFC 5322 atext
_Q_SAFE = re.compile(
    r"[A-Za-z0-9!*+/-]"
)  # what a Q-encoded word in a phrase may carry as it is (RFC 2047 5.3)
_LONGEST_WORD = 75  # RFC 2047: an encoded-word is at most 75 characters


def _plain(word: str, utf8: bool = False) -> bool:
    """A word that can stand in a phrase as it is: an atom (with UTF-8 letters too, when the message goes with
    SMTPUTF8, RFC 6532) that does not look like an encoded-word."""
    ascii_part = "".join(c for c in word if c.isascii()) if utf8 else word
    return (not ascii_part or bool(_ATOM.fullmatch(ascii_part))) and "=?" not in word and bool(word)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _encode(text: str) -> str:
    """One encoded-word for `text`: Q where it is shorter (mostly Latin text), B otherwise."""
    data = text.encode("utf-8")
    q = "".join(chr(b) if _Q_SAFE.fullmatch(chr(b)) else "_" if b == 0x20 else f"={b:02X}" for b in data)
    b64 = base64.b64encode(data).decode("ascii")
    return f"=?utf-8?q?{q}?=" if len(q) <= len(b64) else f"=?utf-8?b?{b64}?="


def encoded_words(text: str) -> list[str]:
    """`text` as few encoded-words as fit in 75 characters each; split after a space where one falls in the
    part that fits (the space stays inside the encoded-word before, as RFC 2047 needs), else between
    characters."""
    words: list[str] = []
    start = 0
    while start < len(text):
        end = len(text)
        while end > start + 1 and len(_encode(text[start:end])) > _LONGEST_WORD:
            end -= 1
        space = text.rfind(" ", start + 1, end)
        if end < len(text) and space > start:
            end = space + 1
        words.append(_encode(text[start:end]))
        start = end
    return words


def phrase(name: str, utf8: bool) -> list[str]:
    """A display name as the tokens of a phrase, to be joined with (folding) white space."""
    if not name:
        return []
    words = name.split(" ")
    if (utf8 or name.isascii()) and "=?" not in name:
        return words if all(_plain(w, utf8) for w in words) else [_quoted(name)]
    return _encode_runs(words, _plain)


def _encode_runs(words: list[str], plain: Callable[[str], bool]) -> list[str]:
    """The words as tokens: plain ones as they are, each run of others as encoded-words, encoded together with
    their spaces (a reader drops the white space between two encoded-words)."""
    tokens: list[str] = []
    run: list[str] = []
    for word in words:
        if plain(word):
            if run:
                tokens += encoded_words(" ".join(run))
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens += encoded_words(" ".join(run))
    return tokens


def unstructured(text: str) -> list[str]:
    """A subject as the tokens of unstructured text: ASCII words as they are, each run of other words as
    encoded-words (a reader drops the white space between two encoded-words, so the spaces inside a run are
    encoded with it)."""
    return _encode_runs(text.split(), lambda w: w.isascii() and w.isprintable() and "=?" not in w)


def folded(name: str, tokens: list[str], width: int = 78, linesep: str = "\r\n") -> str:
    """A header line of `tokens` separated by spaces, folded between tokens at `width` where it can be."""
    lines: list[str] = []
    line = f"{name}:"
    for i, token in enumerate(tokens):
        if i and len(line) + 1 + len(token) > width:  # a token longer than a line stays whole on its own
            lines.append(line)
            line = ""
        line += " " + token
    lines.append(line)
    return linesep.join(lines) + linesep


def address_header(
    name: str, display_name: str, addr_spec: str, utf8: bool, width: int = 78, linesep: str = "\r\n"
) -> str:
    """The whole header line for one address, folded between tokens at `width` where it can be."""
    tokens = phrase(" ".join(display_name.split()), utf8)
    tokens.append(f"<{addr_spec}>" if tokens else addr_spec)
    return folded(name, tokens, width, linesep)


class MessagePolicy(EmailPolicy):
    """The SMTP policies of the standard library, with address headers of one address and non-ASCII subjects in
    7-bit messages written as above (the standard library may write an encoded-word of 76 characters in a
    subject)."""

    def _address(self, name: str, value: Any) -> str | None:
        width, linesep = self.max_line_length or 78, self.linesep
        if name.lower() == "subject" and not self.utf8 and not str(value).isascii():
            return folded(name, unstructured(str(value)), width, linesep)
        if name.lower() not in _ADDRESS_HEADERS or not isinstance(value, AddressHeader):
            return None
        if len(value.groups) != 1 or value.groups[0].display_name is not None or len(value.addresses) != 1:
            return None
        found = value.addresses[0]
        return address_header(
            name,
            found.display_name,
            found.addr_spec,
            bool(self.utf8),
            self.max_line_length or 78,
            self.linesep,
        )

    def fold(self, name: str, value: Any) -> str:
        return self._address(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        written = self._address(name, value)
        if written is None:
            return super().fold_binary(name, value)
        return written.encode("utf-8" if self.utf8 else "ascii")


SMTP = MessagePolicy(linesep="\r\n")
SMTPUTF8 = MessagePolicy(linesep="\r\n", utf8=True)

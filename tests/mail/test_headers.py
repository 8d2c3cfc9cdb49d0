"""Names and subjects in the headers, end to end through a real SMTP server (aiosmtpd) and read back with the
standard library's parser: the organisation in From and the candidate in To exactly as typed, in any script, with
commas, quotes and parentheses, long enough to be folded; RFC 2047 encoded-words in 7-bit headers, UTF-8 when the
message goes with SMTPUTF8."""

from __future__ import annotations

import email.utils
import re
from email.header import decode_header, make_header

import pytest

from boxinterview import clock
from boxinterview.mail import headers, letters
from boxinterview.mail.letters import Letterhead
from tests.mail.test_mail_inputs import deliver, invite, setup, smtp  # noqa: F401 - the fixtures

NAMES = [
    "Zoë Ångström-Øster",
    "Jörg Müller",
    "محمد",
    "李雷",
    "Müller & Söhne GmbH",
    "株式会社テスト",
    "Müller, Jörg",
    'Jörg "Jo" Müller',
    "Jörg (Personal) Müller",
    "O'Brien, Seán",
    'Smith-Johnson, Alexander Maximilian (Head of Talent Acquisition) "Recruiting" EMEA',
    "Zoë Ångström-Øster von Müller-Lüdenscheidt zu Grünwald und Bad Oeynhausen-Süd",
    "Sécurité RH – Équipe Talent, Direction des Ressources Humaines (Île-de-France)",
]
# Runs of non-ASCII words too long for one encoded-word: RFC 2047 readers join the encoded-words, but Python's
# own parser (3.11 to 3.13, CPython gh-128110) keeps the folding space between them in an address, so these are
# read back with an RFC 2047 decoder.
LONG_SCRIPTS = [
    "株式会社テスト・インタビュー・ソリューションズ・ジャパン",
    "محمد بن عبد الله بن عبد المطلب الهاشمي القرشي",
    "Müller & Söhne Großhandelsgesellschaft für Bürobedarf und Schreibwaren mbH",
]
SUBJECT = (
    "Erinnerung: Ihr Vorstellungsgespräch für „Kundenberater:in (m/w/d)“ bei Müller & Söhne GmbH endet am "
    "Freitag, 11. Dezember 2026, 17:00 MEZ – 株式会社テスト – محمد"
)


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def unfolded(raw: bytes, name: str) -> str:
    text = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8").replace("\r\n ", " ")
    return next(line for line in text.split("\r\n") if line.lower().startswith(name.lower() + ":"))[
        len(name) + 1 :
    ]


def rfc2047_names(raw: bytes, name: str) -> list[tuple[str, str]]:
    """The display names of an address header as an RFC 2047 reader gets them (the legacy decoder joins adjacent
    encoded-words as the RFC says)."""
    return [
        (str(make_header(decode_header(n))), a) for n, a in email.utils.getaddresses([unfolded(raw, name)])
    ]


def check_lines(raw: bytes) -> None:
    for line in header_lines(raw):
        assert len(line) <= 998, line
        for word in re.findall(rb"=\?[^?]+\?[qbQB]\?[^?]*\?=", line):
            assert len(word) <= 75, word  # RFC 2047: an encoded-word is at most 75 characters
        if b'"' not in line:  # a quoted name is never broken
            assert len(line.decode("utf-8")) <= 78, (
                line
            )  # characters: a UTF-8 header's letters take more bytes


def send(setup, name: str, address: str):  # noqa: F811
    _, settings, db, interview = setup(organisation=name)
    inv = invite(db, settings, interview, name, address)
    db.write(
        letters.outcome,
        Letterhead.from_settings(settings),
        "hold",
        inv.id,
        address,
        SUBJECT,
        "Bitte haben Sie noch etwas Geduld.",
        clock.now(),
        language="de",
        recipient_name=name,
    )
    return settings, db


@pytest.mark.parametrize("name", NAMES)
def test_names_arrive_exactly_in_from_and_to_with_the_subject_folded(setup, smtp, name) -> None:  # noqa: F811
    # An address with non-ASCII before the @ makes the message go with SMTPUTF8 (headers in UTF-8), when offered.
    address = "zoë@example.com" if smtp.smtputf8 else "cand@example.com"
    settings, db = send(setup, name, address)
    assert deliver(settings, db) == 2
    for got in smtp.received:
        message = got.message
        assert [(a.display_name, a.addr_spec) for a in message["From"].addresses] == [
            (name, "jobs@example.com")
        ]
        assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [(name, address)]
        assert got.header_bytes.isascii() != smtp.smtputf8  # RFC 2047 unless the message goes with SMTPUTF8
        check_lines(got.raw)
        if not smtp.smtputf8:
            assert rfc2047_names(got.raw, "To") == [(name, address)]
    invitation, outcome = smtp.received
    assert invitation.message["Subject"] == f"Your interview for Tester at {name}"
    assert outcome.message["Subject"] == SUBJECT
    assert outcome.message["Content-Language"] == "de"


def test_a_name_that_looks_like_an_encoded_word_is_kept_as_typed(setup, smtp) -> None:  # noqa: F811
    name = "=?utf-8?q?not_an_encoded_word?= Müller"
    address = "zoë@example.com" if smtp.smtputf8 else "cand@example.com"
    settings, db = send(setup, name, address)
    assert deliver(settings, db) == 2
    for got in smtp.received:
        assert got.message["From"].addresses[0].display_name == name
        assert got.message["To"].addresses[0].display_name == name


@pytest.mark.parametrize("name", LONG_SCRIPTS)
def test_long_names_in_other_scripts_are_split_into_encoded_words_that_join_again(setup, smtp, name) -> None:  # noqa: F811
    address = "zoë@example.com" if smtp.smtputf8 else "cand@example.com"
    settings, db = send(setup, name, address)
    assert deliver(settings, db) == 2
    for got in smtp.received:
        check_lines(got.raw)
        if smtp.smtputf8:  # written in UTF-8: read back exactly
            assert got.message["To"].addresses[0].display_name == name
            continue
        assert rfc2047_names(got.raw, "To") == [(name, address)]
        assert rfc2047_names(got.raw, "From") == [(name, "jobs@example.com")]
        assert len(re.findall(r"=\?utf-8\?", unfolded(got.raw, "To"))) > 1  # too long for one encoded-word
        # Python's parser differs from the name at most by the spaces it keeps between encoded-words.
        assert got.message["To"].addresses[0].display_name.replace(" ", "") == name.replace(" ", "")
    assert smtp.received[1].message["Subject"] == SUBJECT


def test_a_recipients_name_with_a_line_break_is_shown_on_one_line() -> None:
    from boxinterview.mail.compose import build

    out = build(
        sender="jobs@example.com",
        recipient="bo@example.com",
        recipient_name="Bo\r\nBcc: all@example.com\u2028Ö",
        subject="Hi",
        text="t",
        html="",
        message_id="<1@example.com>",
    )
    assert out.message["To"].addresses[0].display_name == "Bo Bcc: all@example.com Ö"
    assert out.message["Bcc"] is None and b"\r\nBcc" not in out.data(False)


@pytest.mark.parametrize(
    ("name", "utf8", "written"),
    [
        ("Jörg Müller", False, "To: =?utf-8?b?SsO2cmcgTcO8bGxlcg==?= <a@example.com>"),
        (
            "Müller-Schmidt-Bauer",
            False,
            "To: =?utf-8?q?M=C3=BCller-Schmidt-Bauer?= <a@example.com>",
        ),
        ("Anna Schmidt", False, "To: Anna Schmidt <a@example.com>"),
        ("Schmidt, Anna", False, 'To: "Schmidt, Anna" <a@example.com>'),
        ("Zoë Ångström", True, "To: Zoë Ångström <a@example.com>"),
        ("Müller, Jörg", True, 'To: "Müller, Jörg" <a@example.com>'),
        ("Mario Rossi Ö", False, "To: Mario Rossi =?utf-8?b?w5Y=?= <a@example.com>"),
        ("李雷", False, "To: =?utf-8?b?5p2O6Zu3?= <a@example.com>"),
        ("", False, "To: a@example.com"),
    ],
)
def test_address_headers_are_written_as_the_rfcs_say(name, utf8, written) -> None:
    assert headers.address_header("To", name, "a@example.com", utf8) == written + "\r\n"

"""What people type reaches pages, e-mails and the console as it was meant: control characters, lone surrogates
and the characters that reorder what follows are taken out, text is composed, and the joiners that Persian,
Indic and emoji sequences need stay."""

from __future__ import annotations

import pytest

from boxinterview.domain import api, invitations, plaintext
from boxinterview.store import outbox as outbox_sql

NAMES = [
    ("Bob\u0000\u202eevil\nX", "Bobevil X"),  # a NUL, a right-to-left override, a line break
    ("Zoe\u0308 A\u030angstro\u0308m", "Zoë Ångström"),  # decomposed, as macOS sends it
    (
        "\u0646\u06cc\u0645\u0627\u200c\u0632\u0627\u062f\u0647",
        "\u0646\u06cc\u0645\u0627\u200c\u0632\u0627\u062f\u0647",
    ),
    ("\U0001f469\u200d\U0001f4bb Dev\u2066eloper\u2069", "\U0001f469\u200d\U0001f4bb Developer"),
    ("Ann\ud800 Lee\x07", "Ann Lee"),  # a lone surrogate (valid JSON) and a bell
]


@pytest.mark.parametrize(("typed", "kept"), NAMES)
def test_one_line_keeps_what_was_meant(typed: str, kept: str) -> None:
    assert plaintext.one_line(typed) == kept


def test_lines_keep_their_breaks_and_lose_the_rest() -> None:
    assert plaintext.lines("  First line\r\nsecond\u202e line\rthird\x00\t(tab)\n\n") == (
        "First line\nsecond line\nthird\t(tab)"
    )
    assert plaintext.lines("\x00\u202e\x01 ") == ""


async def test_names_sent_through_the_api_are_kept_as_meant(site) -> None:
    token = api.create_token(site.db, "ats", "t", ("read", "invite"))
    ats = await site.browser()
    path = f"/api/v1/interviews/{site.interview.id}/invitations"
    for n, (typed, kept) in enumerate(NAMES):
        person = {"name": typed, "email": f"p{n}@example.com", "deadline": "2031-01-31T17:00:00+01:00"}
        made = await ats.post(path, json=person, headers={"Authorization": f"Bearer {token}"})
        assert made.status == 201, await made.text()
        assert (await made.json())["candidate"]["name"] == kept
    nothing = {"name": "\x00\u202e\x01", "email": "none@example.com", "deadline": "2031-01-31T17:00:00+01:00"}
    refused = await ats.post(path, json=nothing, headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 422 and "name must not be empty" in (await refused.json())["error"]["message"]
    bodies = [m["body"] for m in site.db.read(outbox_sql.recent, 20)]
    assert len(bodies) == len(NAMES)
    assert not any(ch in body for body in bodies for ch in "\x00\u202e\u2066\ud800\x07")
    assert any("Bobevil X" in body for body in bodies)
    assert {c.name for _, c in invitations.listing(site.db, site.interview.id)} >= {k for _, k in NAMES}

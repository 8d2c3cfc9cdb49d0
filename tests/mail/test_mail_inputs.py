"""E-mail with the inputs real people give it, through a real SMTP server (aiosmtpd) that offers SMTPUTF8 or not:
a From with a display name, names and subjects in any script, international domains and addresses."""

from __future__ import annotations

import asyncio
import email.utils
from datetime import timedelta

import pytest

from boxinterview import clock
from boxinterview.domain import invitations, invite_csv
from boxinterview.errors import Invalid
from boxinterview.mail import letters, sender
from boxinterview.mail.letters import Letterhead
from boxinterview.store import outbox
from tests.conftest import free_port
from tests.support.inbox import Inbox
from tests.support.live import prepare

# The last two broke the From header when it was pasted together as text: a colon made it a group, a comma
# after an encoded word two addresses.
NAMES = [
    "Zoë Ångström-Øster",
    "Jörg Müller",
    "محمد",
    "李雷",
    "Sécurité RH – Équipe Talent",
    "Ressources humaines : Sécurité RH – Équipe Talent",
    "Sécurité RH – Équipe Talent, Direction des Ressources Humaines (Île-de-France)",
]


@pytest.fixture(params=[False, True], ids=["plain", "smtputf8"])
def smtp(request):
    inbox = Inbox(free_port(), smtputf8=request.param)
    inbox.up()
    yield inbox
    inbox.down()


@pytest.fixture
def setup(tmp_path, smtp):
    """prepare(**settings) with the test SMTP server; every database is closed at the end."""
    opened = []

    def make(organisation: str = "Example Ltd", **smtp_settings: str):
        path, settings, db, interview = prepare(
            tmp_path,
            smtp={
                "host": "127.0.0.1",
                "port": smtp.port,
                "from": "jobs@example.com",
                "operator": "ops@example.com",
                **smtp_settings,
            },
            organisation={"name": organisation},
        )
        opened.append(db)
        return path, settings, db, interview

    yield make
    for db in opened:
        db.close()


def deliver(settings, db, now=None) -> int:
    return asyncio.run(sender.deliver_due(db, settings, now))


def invite(db, settings, interview, name: str, address: str):
    head = Letterhead.from_settings(settings)
    return invitations.invite(db, interview.id, name, address, "t", letterhead=head)[0]


# -- a From with a display name ----------------------------------------------------------------------------------


def test_a_from_with_a_name_sends_every_message_with_that_name_and_its_address(setup, smtp, cli) -> None:
    path, settings, db, interview = setup(
        **{"from": "Hiring Team <hiring@example.test>", "reply_to": "Hiring Desk <desk@example.test>"}
    )
    inv = invite(db, settings, interview, "Ann Example", "ann@example.com")
    assert deliver(settings, db) == 1
    [got] = smtp.received
    assert got.mail_from == "hiring@example.test" and got.rcpt_tos == ["ann@example.com"]
    [author] = got.message["From"].addresses
    assert (author.display_name, author.addr_spec) == ("Hiring Team", "hiring@example.test")
    assert got.message["Reply-To"].addresses[0].display_name == "Hiring Desk"
    assert got.message["Message-ID"].strip().endswith("@example.test>")
    assert db.read(outbox.for_invitation, inv.id)[0]["state"] == "sent"
    # `mail test` goes the same way: same From, same envelope.
    result = cli("--config", str(path), "mail", "test", "--to", "ops@example.com")
    assert result.code == 0, result.err
    test = smtp.received[-1]
    assert test.mail_from == "hiring@example.test" and test.rcpt_tos == ["ops@example.com"]
    assert str(test.message["From"]) == "Hiring Team <hiring@example.test>"
    assert str(test.message["Reply-To"]) == "Hiring Desk <desk@example.test>"


# -- names and subjects in any script ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_names_and_subjects_in_any_script_arrive_exactly(setup, smtp, name) -> None:
    _, settings, db, interview = setup(organisation=name)
    inv = invite(db, settings, interview, name, "cand@example.com")
    db.write(
        letters.outcome,
        Letterhead.from_settings(settings),
        "hold",
        inv.id,
        "cand@example.com",
        f"{name}, a word about your interview",
        f"Dear {name},\n\nPlease bear with us.",
        clock.now(),
    )
    assert deliver(settings, db) == 2
    invitation, outcome = smtp.received
    for got in (invitation, outcome):
        assert got.message["From"].addresses[0].display_name == name
        assert got.message["From"].addresses[0].addr_spec == "jobs@example.com"
        assert got.header_bytes.isascii()  # names and subjects RFC 2047-encoded, since no address needs UTF-8
        assert "SMTPUTF8" not in got.options
    assert invitation.message["To"].addresses[0].display_name == name  # the candidate's name as typed
    assert invitation.message["Subject"] == f"Your interview for Tester at {name}"
    assert f"Dear {name}" in invitation.message.get_body(("plain",)).get_content()
    assert outcome.message["Subject"] == f"{name}, a word about your interview"
    assert outcome.message.get_body(("plain",)).get_content().startswith(f"Dear {name},")


def test_a_message_that_cannot_be_built_never_holds_up_the_others(setup, smtp, monkeypatch) -> None:
    _, settings, db, interview = setup(organisation="Sécurité RH – Équipe Talent")
    first = invite(db, settings, interview, "Zoë Ångström-Øster", "zoe@example.com")
    # A row an earlier version could have written: a subject broken over two lines.
    broken = db.write(
        outbox.queue,
        kind="outcome.hold",
        invitation_id=first.id,
        recipient="zoe@example.com",
        subject="Line one\u2028Bcc: all@example.com",
        text="t",
        html="",
        message_id="<b@example.com>",
        reply_to="",
        now=clock.now(),
    )
    invite(db, settings, interview, "Jörg Müller", "joerg@example.com")
    # And a fault in the code that builds one message.
    real_build = sender.build

    def faulty(**kwargs):
        if kwargs["recipient"] == "li@example.com":
            raise TypeError("a fault while building")
        return real_build(**kwargs)

    monkeypatch.setattr(sender, "build", faulty)
    faulted = invite(db, settings, interview, "李雷", "li@example.com")
    invite(db, settings, interview, "محمد", "m@example.com")
    assert deliver(settings, db) == 3
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "joerg@example.com",
        "m@example.com",
        "zoe@example.com",
    ]
    bad = db.read(outbox.get, broken)
    assert (
        bad["state"] == "failed"
        and "could not be built" in bad["last_error"]
        and "line break" in bad["last_error"]
    )
    [fault] = db.read(outbox.for_invitation, faulted.id)
    assert fault["state"] == "failed" and "TypeError: a fault while building" in fault["last_error"]
    told = [m for m in db.read(outbox.recent) if m["kind"].startswith("alert.mail.unbuildable.")]
    assert len(told) == 1 and told[0]["recipient"] == "ops@example.com"  # once a day, not once a message
    assert deliver(settings, db, clock.now() + timedelta(hours=2)) == 1  # the alert itself; nothing retried


# -- international domains and addresses -------------------------------------------------------------------------


def test_international_domains_go_out_in_their_ascii_form(setup, smtp) -> None:
    _, settings, db, interview = setup(**{"from": "Recrutement <rh@bücher.example>"})
    inv = invite(db, settings, interview, "Zoë", "zoe@bücher.example")
    assert deliver(settings, db) == 1
    [got] = smtp.received
    assert got.mail_from == "rh@xn--bcher-kva.example" and got.rcpt_tos == ["zoe@xn--bcher-kva.example"]
    assert str(got.message["To"]) == "Zoë <zoe@xn--bcher-kva.example>"
    assert got.message["From"].addresses[0].addr_spec == "rh@xn--bcher-kva.example"
    assert got.header_bytes.isascii() and "SMTPUTF8" not in got.options
    assert db.read(outbox.for_invitation, inv.id)[0]["state"] == "sent"


def test_an_address_with_non_ascii_before_the_at_needs_smtputf8(setup, smtp) -> None:
    _, settings, db, interview = setup(organisation="Sécurité RH – Équipe Talent")
    inv = invite(db, settings, interview, "Zoë Ångström-Øster", "zoë@example.test")
    deliver(settings, db)
    [m] = db.read(outbox.for_invitation, inv.id)
    if smtp.smtputf8:
        [got] = smtp.received
        assert m["state"] == "sent" and "SMTPUTF8" in got.options and got.rcpt_tos == ["zoë@example.test"]
        assert got.message["To"].addresses[0].addr_spec == "zoë@example.test"
        assert got.message["From"].addresses[0].display_name == "Sécurité RH – Équipe Talent"
        assert got.message["Subject"] == "Your interview for Tester at Sécurité RH – Équipe Talent"
        return
    # Without SMTPUTF8 it can never go: failed at once, with the reason, and the operator told.
    assert smtp.received == [] and m["state"] == "failed" and m["attempts"] == 1
    assert "zoë@example.test has non-ASCII characters before the @" in m["last_error"]
    assert "does not support international addresses (SMTPUTF8)" in m["last_error"]
    assert [a["kind"][:19] for a in db.read(outbox.recent) if a["kind"].startswith("alert.")] == [
        "alert.mail.address."
    ]


def test_mail_test_to_an_international_address_says_what_the_server_lacks(setup, smtp, cli) -> None:
    path, *_ = setup()
    result = cli("--config", str(path), "mail", "test", "--to", "zoë@example.test")
    if smtp.smtputf8:
        assert result.code == 0, result.err
        assert smtp.received[0].rcpt_tos == ["zoë@example.test"]
    else:
        assert result.code == 1 and "does not support international addresses (SMTPUTF8)" in result.err


def test_inviting_an_international_address_warns_that_it_needs_smtputf8(setup, cli) -> None:
    path, settings, db, interview = setup()
    result = cli("--config", str(path), "invite", str(interview.id), "Zoë", "zoë@example.test")
    assert result.code == 0, result.err
    assert "warning: zoë@example.test has non-ASCII characters before the @" in result.err
    assert "supports international addresses (SMTPUTF8)" in result.err
    plain = cli("--config", str(path), "invite", str(interview.id), "Zoe", "zoe@bücher.example")
    assert plain.code == 0 and "warning" not in plain.err
    rows = invite_csv.preview(
        db, interview.id, "name,email\nLi,li@example.com\nZoë,zoë@example.org\n".encode()
    ).rows
    assert [r.ok for r in rows] == [True, True]
    assert rows[0].notes == () and "SMTPUTF8" in rows[1].notes[0]


def test_an_international_domain_that_cannot_exist_is_refused_with_the_reason() -> None:
    with pytest.raises(Invalid, match=r"not a valid international domain name.*write it as name@example.com"):
        invitations.check_email("zoe@bücher-.example")
    assert invitations.check_email(" zoe@bücher.example ") == "zoe@bücher.example"
    for written in (
        "a@xn--.example",
        "a@XN--zz.de",
        "a@mail.xn--a.example",
    ):  # in the ASCII form, but garbled
        with pytest.raises(Invalid, match=r"is not an international name \(xn--…\) that decodes"):
            invitations.check_email(written)
    assert invitations.check_email("zoe@xn--bcher-kva.example") == "zoe@xn--bcher-kva.example"


def test_the_from_header_and_envelope_are_parsed_not_pasted() -> None:
    from boxinterview.mail.compose import build

    out = build(
        sender="Team <t@example.com>",
        sender_name="Ignored",
        recipient="a@example.com",
        subject="s",
        text="t",
        html="",
        message_id="<1@example.com>",
    )
    assert (out.sender, out.recipient, out.international) == ("t@example.com", "a@example.com", "")
    parsed = email.utils.getaddresses([str(out.message["From"])])
    assert parsed == [("Team", "t@example.com")]

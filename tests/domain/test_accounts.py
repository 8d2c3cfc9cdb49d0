"""Accounts are one per address however its letters are written, in any script; a new password is given from
the command line as from the console."""

from __future__ import annotations

import pytest

from boxinterview.domain import accounts
from boxinterview.domain.models import Role
from boxinterview.errors import Conflict


def test_an_address_in_another_case_is_the_same_account_in_any_script(db) -> None:
    account, password = accounts.create(db, "Björn.Åberg@Example.COM", Role.REVIEWER, "t")
    for written in ("björn.åberg@example.com", "BJÖRN.ÅBERG@EXAMPLE.COM", "BJÖRN.Åberg@example.com"):
        with pytest.raises(Conflict, match="already exists; give it a new password instead"):
            accounts.create(db, written, Role.REVIEWER, "t")
        found = accounts.authenticate(db, written, password)
        assert found is not None and found.id == account.id, written
    assert [a.email for a in accounts.listing(db)] == ["Björn.Åberg@Example.COM"]
    other, _ = accounts.create(
        db, "bjorn.aberg@example.com", Role.REVIEWER, "t"
    )  # other letters: another one
    assert other.id != account.id


def test_a_new_password_from_the_command_line(db, settings, cli, tmp_path) -> None:
    accounts.create(db, "Zoë@example.com", Role.REVIEWER, "t")
    done = cli("user", "password", "ZOË@example.com")
    assert done.code == 0, done.err
    new = done.out.strip().splitlines()[-1]
    assert accounts.authenticate(db, "zoë@example.com", new) is not None
    missing = cli("user", "password", "nobody@example.com")
    assert missing.code == 1 and "no account for nobody@example.com" in missing.err

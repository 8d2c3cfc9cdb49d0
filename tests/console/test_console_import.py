"""Inviting many candidates at once from the console: a CSV file as spreadsheets write it (its code page, people's
headings, bad rows shown before anyone is invited), checked and previewed before the good rows are invited."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Static

from boxinterview.domain import invitations
from boxinterview.tui.app import ConsoleApp
from tests.console.test_console import DEADLINE, type_into, until


async def test_import_a_csv_shows_bad_rows_before_inviting_the_good_ones(
    db, settings, open_interview, tmp_path
) -> None:
    invitations.invite(db, open_interview.id, "Already Here", "here@example.com", "t", deadline=DEADLINE)
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,extra_time\n"
        "Ann Example,ann@example.com,\n"
        "Bo Example,not-an-address,\n"
        ",nameless@example.com,\n"
        "Cy Example,cy@example.com,9\n"
        "Dee Example,here@example.com,\n"
        "Eve Example,eve@example.com,1.5\n"
        "Ann Again,ANN@example.com,\n"
        "Zoë Example,zoë@example.org,\n"
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_candidates(open_interview.id)
        await pilot.pause(0.2)
        await pilot.press("m")
        await until(pilot, lambda: app.screen.query("#path"))
        await type_into(pilot, "#path", str(csv))
        await pilot.press("enter")
        rows = app.screen.query_one("#rows", DataTable)
        await until(pilot, lambda: rows.row_count == 8)
        problems = await verdicts(pilot, app, rows)
        assert "not an e-mail address" in problems["3"] and "name must not be empty" in problems["4"]
        assert "from 1.0 to 4.0" in problems["5"] and "already invited" in problems["6"]
        assert "also on line 2" in problems["8"] and problems["2"] == "ok" and problems["7"] == "ok"
        assert problems["9"].startswith("ok; zoë@example.org has non-ASCII characters before the @")
        assert "supports international addresses (SMTPUTF8)" in problems["9"]  # a warning, not a refusal
        assert len(invitations.listing(db, open_interview.id)) == 1  # nothing written by the preview
        await pilot.click("#invite")
        await until(pilot, lambda: len(invitations.listing(db, open_interview.id)) == 4)
    emails = {c.email for _, c in invitations.listing(db, open_interview.id)}
    assert emails == {"here@example.com", "ann@example.com", "eve@example.com", "zoë@example.org"}
    eve = next(inv for inv, c in invitations.listing(db, open_interview.id) if c.email == "eve@example.com")
    assert eve.time_multiplier == 1.5


async def verdicts(pilot, app, rows: DataTable) -> dict[str, str]:
    """Each row's problems (or "ok") in full, as the line under the table shows them for the highlighted row."""
    found = {}
    for i in range(rows.row_count):
        rows.move_cursor(row=i)
        await pilot.pause()
        line = str(rows.get_row_at(i)[0])
        detail = str(app.screen.query_one("#detail", Static).render())
        assert detail.startswith(f"Line {line}:"), detail
        found[line] = detail.split("\n", 1)[1]
    return found


async def open_import(app, pilot, interview_id: int, path, encoding: str = "") -> DataTable:
    app.show_candidates(interview_id)
    await pilot.pause(0.2)
    await pilot.press("m")
    await until(pilot, lambda: app.screen.query("#path"))
    if encoding:
        await type_into(pilot, "#encoding", encoding)
    await type_into(pilot, "#path", str(path))
    await pilot.press("enter")
    return app.screen.query_one("#rows", DataTable)


async def test_import_an_excel_file_in_its_code_page_with_peoples_headings(
    db, settings, open_interview, tmp_path
) -> None:
    path = tmp_path / "Bewerber.csv"
    path.write_bytes(  # as Excel saves "CSV (semicolon)" on a German Windows: cp1252, CRLF, empty cells
        b"Vorname;Nachname;E-Mail-Adresse;Telefon;;\r\n"
        b"J\xf6rg;M\xfcller;joerg@example.com;+49 30 1234;;\r\n"
        b";;;;;\r\n"
        b"Zo\xeb;\xc5ngstr\xf6m-\xd8ster;zoe@example.com;;;\r\n"
        b'"Robert ""Bob""";Smith;=HYPERLINK("mailto:bob@example.com");;;\r\n'
        b"Fran\xe7ois;Lef\xe8vre;francois@example.com;;;\r\n"
    )
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = await open_import(app, pilot, open_interview.id, path)
        await until(pilot, lambda: rows.row_count == 4)
        shown = {
            str(rows.get_row_at(i)[0]): [str(c) for c in rows.get_row_at(i)] for i in range(rows.row_count)
        }
        assert shown["2"][2] == "Jörg Müller" and shown["4"][2] == "Zoë Ångström-Øster"
        assert shown["5"][2] == 'Robert "Bob" Smith' and "is not an e-mail" in shown["5"][1]
        assert "=HYPERLINK" in (await verdicts(pilot, app, rows))["5"]
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "3 row(s) can be invited; 1 row(s) have problems" in summary
        assert "Read as Windows-1252 (Western European), columns separated by semicolons" in summary
        assert "ignored column(s): Telefon" in summary
        assert invitations.listing(db, open_interview.id) == []  # nothing written by the preview
        await pilot.click("#invite")
        await until(pilot, lambda: len(invitations.listing(db, open_interview.id)) == 3)
    names = {c.name for _, c in invitations.listing(db, open_interview.id)}
    assert names == {"Jörg Müller", "Zoë Ångström-Øster", "François Lefèvre"}


async def test_import_unicode_text_a_named_encoding_and_a_file_without_addresses(
    db, settings, open_interview, tmp_path
) -> None:
    unicode_text = tmp_path / "people.txt"  # Excel's "Unicode Text": UTF-16 with a byte-order mark, tabs
    unicode_text.write_bytes(
        b"\xff\xfe"
        + "Full name\tEmail\r\nمحمد\tmohammed@example.com\r\n李雷\tli@example.com\r\n".encode("utf-16-le")
    )
    czech = tmp_path / "czech.csv"
    czech.write_bytes("name,email\r\nJiří Dvořák,jiri@example.com\r\n".encode("cp1250"))
    phones = tmp_path / "phones.csv"
    phones.write_bytes(b"Name,Phone\r\nAnn,555\r\n")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = await open_import(app, pilot, open_interview.id, unicode_text)
        await until(pilot, lambda: rows.row_count == 2)
        assert [str(rows.get_row_at(i)[2]) for i in range(2)] == ["محمد", "李雷"]
        summary = app.screen.query_one("#summary", Static)
        assert "Read as UTF-16, columns separated by tabs" in str(summary.render())
        await type_into(pilot, "#path", str(phones))
        await pilot.press("enter")
        await until(pilot, lambda: "no column holds the e-mail address" in str(summary.render()))
        assert "'Name', 'Phone'" in str(summary.render()) and rows.row_count == 0
        await type_into(pilot, "#encoding", "cp1250")
        await type_into(pilot, "#path", str(czech))
        await pilot.press("enter")
        await until(pilot, lambda: rows.row_count == 1)
        assert str(rows.get_row_at(0)[2]) == "Jiří Dvořák"
        assert "Windows-1250" in str(summary.render())


async def test_invite_acts_only_on_the_file_checked_as_the_fields_name_it(
    db, settings, open_interview, tmp_path
) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,email\nAnn Example,ann@example.com\nBo Example,bo@example.com\n")
    second.write_text("name,email\nCy Example,cy@example.com\n")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await open_import(app, pilot, open_interview.id, first)
        invite = app.screen.query_one("#invite", Button)
        await until(pilot, lambda: rows.row_count == 2 and not invite.disabled)
        await type_into(pilot, "#path", str(second))  # changed, not checked yet
        await until(pilot, lambda: rows.row_count == 0 and invite.disabled)
        assert "check it again" in str(app.screen.query_one("#summary", Static).render())
        await pilot.click("#invite")  # does nothing: there is nothing checked to invite
        await pilot.pause(0.3)
        assert invitations.listing(db, open_interview.id) == []
        await pilot.press("enter")
        await until(pilot, lambda: rows.row_count == 1 and str(invite.label) == "Invite 1 candidate(s)")
        await type_into(pilot, "#encoding", "latin-1")  # another reading of it: checked again first
        await until(pilot, lambda: rows.row_count == 0 and invite.disabled)
        await pilot.press("enter")
        await until(pilot, lambda: rows.row_count == 1 and not invite.disabled)
        await pilot.click("#invite")
        await until(pilot, lambda: not app.screen.query("#path"))
    assert [person.name for _, person in invitations.listing(db, open_interview.id)] == ["Cy Example"]

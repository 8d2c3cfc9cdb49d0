"""Inviting from CSV files as spreadsheets and people really write them: the bytes Excel saves (its code page or
UTF-16, semicolons or tabs, CRLF, trailing empty cells), headings in people's words, quoting, formula-looking
cells. Checked first (nothing is written), through the core and the `invite --csv` command."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime

import pytest

from boxinterview.domain import csv_read, invitations, invite_csv
from boxinterview.errors import Invalid

NOW = datetime(2030, 6, 1, tzinfo=UTC)
EUROPEANS = [
    ("Zoë Ångström-Øster", "zoe@example.com"),
    ("Jörg Müller", "joerg@example.com"),
    ("François Lefèvre", "francois@example.com"),
]
FAR_AWAY = [("محمد", "mohammed@example.com"), ("李雷", "li.lei@example.com")]


def excel(rows: list[list[str]], encoding: str = "cp1252", delimiter: str = ";") -> bytes:
    """The bytes Excel writes: CRLF after every row, quotes only where needed and doubled inside; "utf-8-sig"
    for CSV UTF-8 (with its byte-order mark), "utf-16" for Unicode Text (little-endian with a mark, tabs)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + out.getvalue().encode("utf-16-le")
    return out.getvalue().encode(encoding)


def check(db, interview, data: bytes, **options) -> invite_csv.Preview:
    return invite_csv.preview(db, interview.id, data, now=NOW, **options)


def people(found: invite_csv.Preview) -> list[tuple[str, str]]:
    assert all(r.ok for r in found.rows), [r.problems for r in found.rows]
    return [(r.name, r.email) for r in found.rows]


# -- what Excel writes --------------------------------------------------------------------------------------------


def test_trailing_empty_cells_and_empty_rows_are_not_errors(db, open_interview) -> None:
    data = (
        b"Name;E-Mail;;;\r\n"
        b"Ann Example;ann@example.com;;;\r\n"
        b";;;;\r\n"
        b"\r\n"
        b"Bo Example;bo@example.com\r\n"  # a shorter row
        b"Cy Example;cy@example.com;;;;;;\r\n"  # more empty cells than headings
        b"  ;\t;;;\r\n"
    )
    found = check(db, open_interview, data)
    assert [(r.line, r.name, r.email) for r in found.rows] == [
        (2, "Ann Example", "ann@example.com"),
        (5, "Bo Example", "bo@example.com"),
        (6, "Cy Example", "cy@example.com"),
    ]
    assert all(r.ok for r in found.rows) and found.ignored == []
    assert people(check(db, open_interview, b"\r\n;;\r\nname,email,,\r\n,,,\r\nDi,di@example.com,,\r\n")) == [
        ("Di", "di@example.com")
    ]


@pytest.mark.parametrize(
    "sep_line",
    ["sep=;", "SEP=;", '"sep=;"', "sep=,", "sep=\t"],
    ids=["semicolon", "upper-case", "quoted", "comma", "tab"],
)
def test_excels_sep_line_names_the_delimiter_and_is_no_heading(db, open_interview, sep_line) -> None:
    delimiter = sep_line.strip('"')[-1]
    rows = ["Name" + delimiter + "E-Mail", '"Müller, Jörg"' + delimiter + "joerg@example.com"]
    data = ("\r\n".join([sep_line, *rows]) + "\r\n").encode("cp1252")
    found = check(db, open_interview, data)
    assert people(found) == [("Müller, Jörg", "joerg@example.com")]
    assert found.rows[0].line == 3  # as the spreadsheet numbers it
    assert found.delimiter == delimiter


def test_a_sep_line_naming_another_separator_is_refused_with_what_to_do(db, open_interview) -> None:
    with pytest.raises(Invalid, match=r"names '\|' as the separator; columns can be separated by commas"):
        check(db, open_interview, b"sep=|\r\nName|E-Mail\r\nAnn|ann@example.com\r\n")


def test_a_cell_beyond_the_headings_says_which_delimiter_to_quote(db, open_interview) -> None:
    found = check(db, open_interview, b"name;email\r\nEve Example;eve@example.com;Sales\r\n")
    assert "3 cells but 2 columns" in found.rows[0].problems[0] and "semicolon" in found.rows[0].problems[0]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_windows_code_page_file_is_read(db, open_interview, encoding, delimiter) -> None:
    found = check(db, open_interview, excel([["Name", "E-Mail"], *map(list, EUROPEANS)], encoding, delimiter))
    assert people(found) == EUROPEANS
    assert found.encoding == "Windows-1252 (Western European)"
    assert "Read as Windows-1252 (Western European)" in found.how_read()


@pytest.mark.parametrize(
    "person",
    EUROPEANS
    + [
        ("Renée Œuvre", "renee@example.com"),
        ("José Núñez", "j@example.com"),
        ("Björk Guðmundsdóttir", "b@example.com"),
    ],
)
def test_one_name_alone_in_a_code_page_file_is_read(db, open_interview, person) -> None:
    # A short file is where detection is least sure: the names must still come out right
    found = check(db, open_interview, excel([["name", "email", "notes"], [*person, "paid 5€"]]))
    assert people(found) == [person] and found.encoding.startswith("Windows-1252")


@pytest.mark.parametrize(
    "encoding, label",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (with a byte-order mark)"), ("utf-16", "UTF-16")],
)
def test_utf8_and_excels_unicode_text_are_read(db, open_interview, encoding, label) -> None:
    delimiter = "\t" if encoding == "utf-16" else ","
    rows = [["Full name", "Email address"], *map(list, EUROPEANS + FAR_AWAY)]
    found = check(db, open_interview, excel(rows, encoding, delimiter))
    assert people(found) == EUROPEANS + FAR_AWAY
    assert found.encoding == label and found.delimiter == delimiter
    assert "\ufeff" not in found.columns["name"]  # the byte-order mark is not part of the first heading


def test_utf16_big_endian_and_without_a_mark(db, open_interview) -> None:
    text = "name\temail\r\n" + "".join(f"{n}\t{e}\r\n" for n, e in FAR_AWAY)
    for data in (codecs.BOM_UTF16_BE + text.encode("utf-16-be"), text.encode("utf-16-le")):
        assert people(check(db, open_interview, data)) == FAR_AWAY


def test_another_encoding_can_be_named(db, open_interview) -> None:
    data = excel([["name", "email"], ["Jiří Dvořák", "jiri@example.com"]], "cp1250")
    found = check(db, open_interview, data, encoding="cp1250")
    assert people(found) == [("Jiří Dvořák", "jiri@example.com")] and found.encoding.startswith(
        "Windows-1250"
    )
    with pytest.raises(Invalid, match="no encoding called 'klingon'"):
        check(db, open_interview, data, encoding="klingon")
    with pytest.raises(Invalid, match="the file is not utf-8"):
        check(db, open_interview, excel([["name", "email"], ["Jörg", "j@example.com"]]), encoding="utf-8")


def test_a_workbook_or_binary_file_is_refused_with_what_to_do(db, open_interview) -> None:
    with pytest.raises(Invalid, match="not a CSV file: .* CSV UTF-8"):
        check(db, open_interview, b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    with pytest.raises(Invalid, match="old Excel workbook"):
        check(db, open_interview, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))


# -- quoting, line endings, formulas ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_standard_quoting_keeps_quotes_delimiters_and_line_breaks(db, open_interview, delimiter) -> None:
    d = delimiter.encode()
    data = (
        b"name" + d + b"email" + d + b"notes\r\n"
        b'"Robert ""Bob"" Smith"' + d + b"bob@example.com" + d + b"\r\n"
        b'"Smith, Jane; Dr."' + d + b"jane@example.com" + d + b'"first line\r\nsecond line"\r\n'
        b'"Ann\r\nExample"' + d + b'"ann@example.com"' + d + b'"tab\there"\r\n'
    )
    found = check(db, open_interview, data)
    assert people(found) == [
        ('Robert "Bob" Smith', "bob@example.com"),
        ("Smith, Jane; Dr.", "jane@example.com"),
        ("Ann Example", "ann@example.com"),
    ]
    assert found.delimiter == delimiter and found.ignored == ["notes"]
    assert [r.line for r in found.rows] == [2, 3, 4]  # rows as the spreadsheet counts them


@pytest.mark.parametrize("ending", [b"\r\n", b"\n", b"\r"])
def test_every_line_ending(db, open_interview, ending) -> None:
    data = ending.join([b"name,email", b"Ann,ann@example.com", b"Bo,bo@example.com", b""])
    assert people(check(db, open_interview, data)) == [("Ann", "ann@example.com"), ("Bo", "bo@example.com")]


def test_cells_that_look_like_formulas_are_just_text(db, open_interview) -> None:
    data = excel(
        [
            ["name", "email", "extra_time"],
            ["=SUM(A1:A3)", "sum@example.com", ""],
            ["+Ann", "plus@example.com", ""],
            ["@Bo", "at@example.com", ""],
            ["-Cy", "minus@example.com", ""],
            ["Di", '=HYPERLINK("mailto:di@example.com")', ""],
            ["Eve", "eve@example.com", "=1+1"],
            ["Fay", "fay@example.com", "1,5"],
        ]
    )
    found = check(db, open_interview, data)
    assert [(r.name, r.ok) for r in found.rows[:4]] == [
        ("=SUM(A1:A3)", True),
        ("+Ann", True),
        ("@Bo", True),
        ("-Cy", True),
    ]
    assert "not an e-mail address" in found.rows[4].problems[0]
    assert "'=1+1' is not a number" in found.rows[5].problems[0]
    assert found.rows[6].ok and found.rows[6].extra_time == 1.5  # a decimal comma


# -- headings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, cells, name",
    [
        ("First name;Last name;E-Mail", "Ann;Example;ann@example.com", "Ann Example"),
        ("Full name,Email address", "Ann Example,ann@example.com", "Ann Example"),
        ("NAME , EMAIL ", "Ann Example,ann@example.com", "Ann Example"),
        ("Name;e-mail-adresse", "Ann Example;ann@example.com", "Ann Example"),
        ("Vorname;Nachname;E-Mail-Adresse", "Ann;Example;ann@example.com", "Ann Example"),
        ("Prénom,Nom de famille,Courriel", "Ann,Example,ann@example.com", "Ann Example"),
        ("first_name,last_name,email_address", "Ann,Example,ann@example.com", "Ann Example"),
        ("Candidate\tMail", "Ann Example\tann@example.com", "Ann Example"),
        ("Email,First Name", "ann@example.com,Ann", "Ann"),
        ("Surname,E.mail", "Example,ann@example.com", "Example"),
        (
            "name,email,Deadline,Extra time",
            "Ann Example,ann@example.com,2031-01-31T17:00+01:00,1.5",
            "Ann Example",
        ),
        ("Full name,First name,Last name,Email", ",Ann,Example,ann@example.com", "Ann Example"),
    ],
)
def test_headings_as_people_write_them(db, open_interview, header, cells, name) -> None:
    found = check(db, open_interview, f"{header}\r\n{cells}\r\n".encode())
    assert people(found) == [(name, "ann@example.com")] and found.ignored == []


def test_other_columns_are_ignored_and_named(db, open_interview) -> None:
    data = b"Name,Phone,Email,Notes,,Department,\r\nAnn,555,ann@example.com,x,forgotten,Sales,\r\n"
    found = check(db, open_interview, data)
    assert people(found) == [("Ann", "ann@example.com")]
    assert found.ignored == ["Phone", "Notes", "column 5 (no heading)", "Department"]
    assert found.how_read().endswith("ignored column(s): Phone, Notes, column 5 (no heading), Department")
    assert found.columns == {"name": "Name", "email": "Email"}


def test_a_file_without_an_email_column_names_what_it_found(db, open_interview) -> None:
    with pytest.raises(Invalid) as caught:
        check(db, open_interview, b"Name;Phone;;\r\nAnn;555;;\r\n")
    message = str(caught.value)
    assert "no column holds the e-mail address" in message and "'Name', 'Phone'" in message
    assert "email (or E-Mail, Email address)" in message
    with pytest.raises(Invalid, match="no column holds the e-mail address or the name"):
        check(db, open_interview, b"Phone\r\n555\r\n")
    with pytest.raises(Invalid, match="two columns hold the e-mail address: 'Email' and 'E-Mail'"):
        check(db, open_interview, b"Name,Email,E-Mail\r\nAnn,a@example.com,a@example.com\r\n")
    with pytest.raises(Invalid, match="the file is empty"):
        check(db, open_interview, b"\xef\xbb\xbf;;;\r\n\r\n")
    with pytest.raises(Invalid, match="heading row but no candidates"):
        check(db, open_interview, b"name;email;;\r\n;;;\r\n")


def test_delimiter_and_headings_on_their_own() -> None:
    assert (
        csv_read.heading_key(" E-Mail-Adresse ") == "emailadresse" == csv_read.heading_key("e_mail_adresse")
    )
    assert csv_read.heading_key("Prénom") == "prenom"
    assert csv_read.read(b'"Name, first";Email\r\n').delimiter == ";"
    assert csv_read.read(b"Name\r\nAnn\r\n").delimiter == ","


# -- the command --------------------------------------------------------------------------------------------------


def test_invite_csv_shows_the_problems_and_writes_nothing_first(cli, db, open_interview, tmp_path) -> None:
    invitations.invite(db, open_interview.id, "Already Here", "here@example.com", "t")
    path = tmp_path / "people.csv"
    path.write_bytes(
        excel(
            [
                ["Vorname", "Nachname", "E-Mail", "Telefon", "", ""],
                ["Jörg", "Müller", "joerg@example.com", "555", "", ""],
                ["François", "Lefèvre", "not-an-address", "", "", ""],
                ["Dee", "Here", "here@example.com", "", "", ""],
                ["", "", "", "", "", ""],
                ["Zoë", "Ångström-Øster", "zoe@example.com", "", "", ""],
            ]
        )
    )
    dry = cli("invite", str(open_interview.id), "--csv", str(path), "--dry-run")
    assert dry.code == 1, dry.err  # some rows would be left out
    assert "Read as Windows-1252 (Western European), columns separated by semicolons" in dry.out
    assert "ignored column(s): Telefon" in dry.out
    assert "line 3: François Lefèvre: 'not-an-address' is not an e-mail address" in dry.out
    assert "line 4: Dee Here <here@example.com>: here@example.com is already invited" in dry.out
    assert "line 2: ok: Jörg Müller <joerg@example.com>, the interview's deadline" in dry.out  # names as read
    assert "2 row(s) can be invited; 2 row(s) have problems" in dry.out and "nothing was written" in dry.out
    assert len(invitations.listing(db, open_interview.id)) == 1
    refused = cli(
        "invite", str(open_interview.id), "--csv", str(path)
    )  # not on a terminal: it asks for --yes
    assert refused.code == 1 and "pass --yes" in refused.err
    assert len(invitations.listing(db, open_interview.id)) == 1
    done = cli(
        "invite", str(open_interview.id), "--csv", str(path), "--yes", "--deadline", "2031-01-31T17:00+01:00"
    )
    assert done.code == 1 and "invited 2 candidate(s)" in done.out and "2 row(s) left out" in done.out
    assert "/i/" in done.out and "line 2: invited Jörg Müller <joerg@example.com>" in done.out
    invited = {c.email: (c.name, inv.deadline) for inv, c in invitations.listing(db, open_interview.id)}
    assert invited["joerg@example.com"] == ("Jörg Müller", datetime(2031, 1, 31, 16, 0, tzinfo=UTC))
    assert invited["zoe@example.com"][0] == "Zoë Ångström-Øster"


def test_invite_csv_reads_unicode_text_and_says_what_is_wrong(cli, db, open_interview, tmp_path) -> None:
    path = tmp_path / "people.txt"
    path.write_bytes(excel([["Name", "Email"], *map(list, FAR_AWAY)], "utf-16", "\t"))
    done = cli("invite", "--csv", str(path), str(open_interview.id), "--yes")
    assert done.code == 0, done.err
    assert "Read as UTF-16, columns separated by tabs" in done.out and "invited 2 candidate(s)" in done.out
    assert {c.name for _, c in invitations.listing(db, open_interview.id)} == {"محمد", "李雷"}
    (tmp_path / "phones.csv").write_bytes(b"Name;Phone\r\nAnn;555\r\n")
    for args, message in [
        (("--csv", str(tmp_path / "phones.csv")), "no column holds the e-mail address"),
        (("--csv", str(tmp_path / "missing.csv")), "missing.csv: no such file"),
        (("Ann", "ann@example.com", "--csv", str(path)), "not both"),
        (("Ann",), "give the candidate's NAME and EMAIL, or --csv FILE"),
        (("Ann", "ann@example.com", "--dry-run"), "--dry-run is for --csv FILE"),
    ]:
        result = cli("invite", str(open_interview.id), *args)
        assert result.code == 1 and message in result.err, (args, result.err)


def test_deadlines_without_a_zone_are_in_the_interviews_time_zone(cli, db, template, tmp_path) -> None:
    import dataclasses

    from boxinterview.domain import interviews
    from boxinterview.domain.models import InterviewStatus

    interview_id = interviews.create(db, dataclasses.replace(template, time_zone="Europe/Berlin"), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    data = excel(
        [
            ["Name", "E-Mail", "Deadline"],
            ["Ann", "ann@example.com", "31.12.2031 17:00"],
            ["Bo", "bo@example.com", "2031-12-31"],
            ["Cy", "cy@example.com", "12/31/2031 5:00 PM"],
            ["Dee", "dee@example.com", "03/04/2031"],
            ["Eve", "eve@example.com", "2031-12-31T17:00+00:00"],
            ["Fay", "fay@example.com", ""],
        ]
    )
    found = invite_csv.preview(db, interview_id, data, now=NOW)
    due = {r.email: r.deadline for r in found.rows}
    assert due["ann@example.com"] == due["cy@example.com"] == datetime(2031, 12, 31, 16, tzinfo=UTC)
    assert due["bo@example.com"] == datetime(2031, 12, 31, 22, 59, tzinfo=UTC)  # the end of that day
    assert due["eve@example.com"] == datetime(2031, 12, 31, 17, tzinfo=UTC)
    [dee] = [r for r in found.rows if not r.ok]
    assert dee.problems == (
        "deadline: '03/04/2031' could be 3 April or 4 March: with slashes the order of day and month is not "
        "known; write the year first (2031-04-03 for 3 April) or the day first with dots (03.04.2031)",
    )
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    dry = cli("invite", str(interview_id), "--csv", str(path), "--dry-run", "--deadline", "2031-06-30 12:00")
    # Every row is shown before anything is written, with its deadline as the candidate reads it
    assert "line 2: ok: Ann <ann@example.com>, deadline 2031-12-31 17:00 Europe/Berlin" in dry.out
    assert "line 3: ok: Bo <bo@example.com>, deadline 2031-12-31 23:59 Europe/Berlin" in dry.out
    assert "line 7: ok: Fay <fay@example.com>, deadline 2031-06-30 12:00 Europe/Berlin" in dry.out
    done = cli("invite", str(interview_id), "--csv", str(path), "--yes", "--deadline", "2031-06-30 12:00")
    assert "invited 5 candidate(s)" in done.out, done.err
    invited = {c.email: inv.deadline for inv, c in invitations.listing(db, interview_id)}
    assert invited["fay@example.com"] == datetime(2031, 6, 30, 10, tzinfo=UTC)  # summer: UTC+2
    one = cli("invite", str(interview_id), "Gil", "gil@example.com", "--deadline", "1.7.2031")
    assert one.code == 0, one.err
    assert "deadline 2031-07-01 23:59 Europe/Berlin" in one.out  # as typed, in the interview's zone


def test_slash_dates_written_both_day_first_and_month_first_are_all_problems(db, open_interview) -> None:
    found = check(
        db,
        open_interview,
        excel(
            [
                ["Name", "E-Mail", "Deadline"],
                ["Ann", "ann@example.com", "31/12/2031"],
                ["Bo", "bo@example.com", "12/30/2031 5:00 PM"],
                ["Cy", "cy@example.com", "05/05/2031"],
                ["Dee", "dee@example.com", "2031-12-31"],
            ]
        ),
    )
    why = (
        "deadline: the file writes dates with slashes day first (line 2) and month first (line 3); write them "
        "the year first, e.g. 2026-12-31 17:00"
    )
    assert [r.problems for r in found.rows] == [(why,), (why,), (why,), ()]

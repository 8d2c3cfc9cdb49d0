"""Reading a CSV file as spreadsheets and people write them: in whatever encoding it was saved (UTF-8 with or
without a byte-order mark, Excel's "Unicode text" in UTF-16, a Windows code page), separated by commas,
semicolons or tabs, with Excel's line endings, quoting and trailing empty cells. Nothing in a cell is evaluated:
a cell that looks like a formula is text."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from boxinterview.errors import Invalid

MAX_BYTES = 10_000_000
_CLOSE_CHAOS = 5.0  # percentage points of "chaos" (charset-normalizer's measure of text that reads badly)
# What spreadsheets save when not UTF-8: Windows code pages, Mac Roman, the East Asian ones, KOI8-R, and UTF-16
# or UTF-32 without a byte-order mark. Leaving out DOS and ISO code pages keeps short files from being taken
# for, say, Baltic DOS text.
SPREADSHEET_CODECS = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "mac_roman",
    "cp932",
    "gb18030",
    "big5",
    "cp949",
    "koi8_r",
    "utf_16_le",
    "utf_16_be",
    "utf_32_le",
    "utf_32_be",
)
_MULTI_BYTE = {"cp932", "gb18030", "big5", "cp949", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"}
DELIMITERS = (",", ";", "\t")
_BLANK = " \t,;"  # a row of nothing but these holds nothing
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SEP_LINE = re.compile(r'"?sep=(.)"?', re.IGNORECASE)

# Byte-order marks settle the encoding; the longer UTF-32 marks first, as they begin like UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WORKBOOKS = (
    (b"PK\x03\x04", "a workbook (.xlsx or .ods)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
)
_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 (with a byte-order mark)",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp932": "Shift-JIS (Japanese)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp949": "Windows-949 (Korean)",
    "koi8_r": "KOI8-R (Russian)",
    "iso8859_1": "ISO-8859-1 (Latin-1)",
    "iso8859_15": "ISO-8859-15 (Latin-9)",
    "mac_roman": "Mac Roman",
}


@dataclass(frozen=True)
class Table:
    """A file's heading row and its other rows, with what was needed to read it."""

    encoding: str  # as shown to the operator, e.g. "Windows-1252 (Western European)"
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet counts them, cells); empty rows left out


def encoding_name(codec: str) -> str:
    name = codecs.lookup(codec).name.replace("-", "_")
    return _NAMES.get(name, name)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read with. `encoding` overrides the detection."""
    if encoding:
        try:
            return data.decode(encoding), encoding_name(encoding)
        except LookupError:
            raise Invalid(f"there is no encoding called {encoding!r}; try utf-8, cp1252 or utf-16") from None
        except UnicodeDecodeError as exc:
            raise Invalid(
                f"the file is not {encoding}: byte {exc.start + 1} cannot be read as {encoding}; "
                "leave the encoding out to have it detected"
            ) from None
    for magic, what in _WORKBOOKS:
        if data.startswith(magic):
            raise Invalid(
                f"this is {what}, not a CSV file: in the spreadsheet choose Save As (or Download) "
                "and the format CSV UTF-8, then import that file"
            )
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), encoding_name(codec)
            except UnicodeDecodeError:
                break  # a mark followed by something else: let the detection look at it
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    found = from_bytes(data, cp_isolation=list(SPREADSHEET_CODECS))
    best = found.best()
    if best is None:
        raise Invalid(
            "cannot tell how the file's text is encoded (is it a CSV file?); save it from the "
            "spreadsheet as CSV UTF-8, or give the encoding"
        )
    codec = best.encoding
    # A short file often reads about as well in several code pages: the detector cannot know if a byte is "ø"
    # or "ř", and on a few names it even prefers Mac Roman. Excel on Windows in Western Europe and the Americas
    # saves Windows-1252, and Latin-1 files read the same in it, so it wins when it reads nearly as well as the
    # best single-byte guess. The preview shows the names, and another encoding can be given.
    if codec not in _MULTI_BYTE and any(
        "cp1252" in m.could_be_from_charset
        for m in found
        if m.percent_chaos <= best.percent_chaos + _CLOSE_CHAOS
    ):
        codec = "cp1252"
    return data.decode(codec), encoding_name(codec)


def _delimiter(line: str) -> str:
    """The delimiter is whichever of comma, semicolon and tab the heading row uses most, outside quotes
    (a heading such as "Name, first" is quoted when commas separate the columns)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read(data: bytes | str, encoding: str | None = None) -> Table:
    """Every row of a CSV file. The first row that is not empty names the columns."""
    if isinstance(data, str):
        text, used = data, "text"
    else:
        if len(data) > MAX_BYTES:
            raise Invalid(f"the file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files")
        text, used = decode(data, encoding)
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise Invalid(
            "the file holds NUL characters, so it is not text as read; save it from the spreadsheet "
            "as CSV UTF-8, or give the encoding"
        )
    first = next((line for line in text.splitlines() if line.strip(_BLANK)), "")
    # Excel's own line naming the delimiter ("sep=;", the file's first line): it settles it and is no heading
    named = _SEP_LINE.fullmatch(first.strip(" \r\n"))
    if named and named.group(1) not in DELIMITERS:
        raise Invalid(
            f"the file's first line {named.group(0)!r} names {named.group(1)!r} as the separator; columns "
            "can be separated by commas, semicolons or tabs: save the file again as CSV"
        )
    delimiter = named.group(1) if named else _delimiter(first)
    # newline="" lets the csv module see every line ending (Excel's CRLF, a lone CR) and keep line breaks
    # inside quoted cells.
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=True,
        strict=False,
    )
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip(_BLANK) for c in cells):
                continue  # an empty row, or one of only separators (also another delimiter's)
            if named and header is None and _SEP_LINE.fullmatch(delimiter.join(cells).strip(" \r\n")):
                named = None  # Excel's "sep=" line, read once
                continue
            if header is None:
                header = cells
            else:
                rows.append((number, cells))
    except csv.Error as exc:
        raise Invalid(f"row {reader.line_num} cannot be read as CSV ({exc}); check its quotes") from None
    if header is None:
        raise Invalid("the file is empty: give a heading row (such as name,email) and one row per candidate")
    return Table(used, delimiter, header, rows)


def heading_key(text: str) -> str:
    """A heading as a comparable word: case, accents, spaces and punctuation left out ("E-Mail address" and
    "email_address" are both "emailaddress"; "Prénom" is "prenom")."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in plain if ch.isalnum() and not unicodedata.combining(ch))

"""Writing CSV that is safe to open in a spreadsheet. Spreadsheets take a cell beginning with `=`, `+`, `-` or `@`
(and, in some, a tab or a carriage return) for a formula, so a candidate named `=HYPERLINK(…)` would put a live
link, or a calculation reaching other cells and files, into a reviewer's export. Every CSV the product writes goes
through here: such text cells get a leading single quote, as OWASP advises (the spreadsheet shows the text; the
quote tells whoever reads the file why), while numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as it goes into a CSV cell: numbers as they are, None as empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float):  # bool is an int: True and False are not formulas either
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV file: the header, then the rows, every cell through `cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()

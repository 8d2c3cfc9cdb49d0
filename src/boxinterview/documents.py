"""Documents candidates upload (a CV): PDF, DOCX or ODT, recognised by their content, not their name."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from boxinterview import files
from boxinterview.errors import Invalid, TooLarge

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def sniff(data: bytes) -> str | None:
    """'pdf', 'docx' or 'odt' from the bytes themselves; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == KINDS["odt"].encode():
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def human_size(n: int) -> str:
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{max(1, round(n / 1024))} KB"


def store(data: bytes, folder: Path, stem: str, max_bytes: int) -> tuple[Path, str, str]:
    """Check and keep a document; returns (path, kind, MIME type). Nothing is written for a refused file."""
    if len(data) > max_bytes:
        raise TooLarge(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. Upload a smaller file"
        )
    if not data:
        raise Invalid("the file is empty; choose your document again")
    kind = sniff(data)
    if kind is None:
        raise Invalid(
            "this file is not a PDF, Word (DOCX) or OpenDocument (ODT) document; save it as PDF and try again"
        )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.{kind}"
    tmp = folder / f".{stem}.{kind}.tmp"
    tmp.write_bytes(data)
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    files.fsync_dir(folder)
    return target, kind, KINDS[kind]

"""Documents candidates upload (a CV): PDF, DOCX or ODT, recognised by their content, not their name.

DOCX and ODT are ZIP archives, and a ZIP can hold an entry that unpacks to gigabytes from a few kilobytes.
Recognising one never unpacks it: the names come from the archive's directory, and of the one entry whose content
matters (an ODT's `mimetype`) at most `PEEK` bytes are inflated, whatever its header claims.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from boxinterview import files
from boxinterview.errors import Invalid, TooLarge

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

PEEK = 64  # the most bytes of any entry ever inflated: an ODT's mimetype is 39
PEEK_COMPRESSED = 4096  # and the most compressed bytes handed to zlib for them
# Directory entries each start with this signature, so its count bounds how many entries zipfile will read (a
# real CV has tens; a 10 MB archive of empty entries would have hundreds of thousands).
_CENTRAL_ENTRY = b"PK\x01\x02"
MAX_ENTRIES = 5000
# What the entries may claim to unpack to, all together: far above any real document, far below a bomb.
MAX_UNPACKED = 512 * 1024**2
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and extra field's lengths at offset 26
# What zipfile raises for archives it cannot read; every one of them means "not a document we accept".
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, EOFError,
               struct.error, NotImplementedError, RuntimeError)  # fmt: skip


def _peek(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The first `PEEK` bytes of an entry, inflating no more than that; None if it cannot be read that way
    (encrypted, or packed with bzip2 or LZMA, which cannot be stopped part-way)."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        return None
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[begin : begin + min(info.compress_size, PEEK_COMPRESSED)]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:PEEK]
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, PEEK)
    except zlib.error:
        return None


def sniff(data: bytes) -> str | None:
    """'pdf', 'docx' or 'odt' from the bytes themselves; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04") or data.count(_CENTRAL_ENTRY) > MAX_ENTRIES:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entries = {i.filename: i for i in z.infolist()}
    except _UNREADABLE:
        return None
    if sum(i.file_size for i in entries.values()) > MAX_UNPACKED:
        return None
    mimetype = entries.get("mimetype")
    if mimetype is not None and mimetype.file_size <= PEEK:
        head = _peek(data, mimetype)
        if head is not None and head.strip() == KINDS["odt"].encode():
            return "odt"
    if "[Content_Types].xml" in entries and "word/document.xml" in entries:
        return "docx"
    return None


def human_size(n: int) -> str:
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{max(1, round(n / 1024))} KB"


def check(data: bytes, max_bytes: int) -> str:
    """The kind of an acceptable document, or the reason it is refused."""
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
    return kind


def store(data: bytes, folder: Path, stem: str, max_bytes: int) -> tuple[Path, str, str]:
    """Check and keep a document; returns (path, kind, MIME type). Nothing is written for a refused file."""
    kind = check(data, max_bytes)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.{kind}"
    tmp = folder / f".{stem}.{kind}.tmp"
    tmp.write_bytes(data)
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    files.fsync_dir(folder)
    return target, kind, KINDS[kind]

"""Documents candidates upload (a CV): PDF, DOCX or ODT, recognised by their content, not their name.

DOCX and ODT are ZIP archives, and a ZIP can hold an entry that unpacks to gigabytes from a few kilobytes.
Recognising one never unpacks it: the names come from the archive's directory, and of the one entry whose content
matters (an ODT's `mimetype`) at most `PEEK` bytes are inflated, whatever its header claims.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import struct
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from boxinterview.domain import plaintext
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
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    KeyError,
    ValueError,
    EOFError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)

STAGED_PREFIX = ".incoming-"  # backups skip names with ".tmp" in them, so these never end up in one


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


MAX_NAME = 200
_UNSHOWN = ("Cc", "Cs", "Co", "Cn")  # control, surrogate, private and unassigned characters


def download_name(name: str, mime: str) -> str:
    """The name a document is saved under: the candidate's, ending in what the bytes were found to be ("cv.exe"
    that is a PDF is saved as "cv.pdf"), so nobody opens it with the program its name would pick."""
    kind = next((k for k, m in KINDS.items() if m == mime), None)
    if kind is None:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() == kind:
        return name
    return f"{stem if dot and stem else name}.{kind}"


def clean_name(raw: str | None) -> str:
    """The file name to keep and show for an uploaded document: its last path component (some browsers send a
    whole path), read as Windows-1252 when a client sent bytes that are not UTF-8, composed (macOS sends
    decomposed accents), without control characters or ones that reorder text, at most `MAX_NAME` characters;
    "document" when nothing is left."""
    name = raw or ""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates by the form parser
        try:
            sent = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            sent = name.encode("utf-8", "replace")
        try:
            name = sent.decode("utf-8")
        except UnicodeDecodeError:
            name = sent.decode("cp1252", "replace")
    name = " ".join(unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1].split())
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in _UNSHOWN and ch not in plaintext.BIDI_CONTROLS
    )
    return name[:MAX_NAME].strip() or "document"


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


@dataclass(frozen=True)
class Staged:
    """A checked document written beside the documents but not yet anyone's answer: it becomes one only when
    the answer rules allow it (see `answers.submit_file`), and is removed otherwise."""

    path: Path
    kind: str

    @property
    def mime(self) -> str:
        return KINDS[self.kind]

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def stage(data: bytes, folder: Path, max_bytes: int) -> Staged:
    """Check a document and write it, durably, under a temporary name in `folder` (on the same file system as
    where it will be kept, so moving it there is one rename). Nothing is written for a refused file."""
    kind = check(data, max_bytes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{STAGED_PREFIX}{secrets.token_hex(8)}.{kind}.tmp"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink()
        raise
    os.close(fd)
    return Staged(path, kind)


def sweep_staged(folder: Path, older_than_seconds: float) -> int:
    """Remove documents left staged by a server that stopped part-way through an upload; returns how many."""
    removed = 0
    cutoff = time.time() - older_than_seconds
    for path in folder.glob(f"{STAGED_PREFIX}*.tmp") if folder.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed

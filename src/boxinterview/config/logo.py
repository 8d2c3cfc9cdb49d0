"""The organisation's logo: a small PNG, JPEG, WebP or SVG file, checked by its bytes when the settings are read.

An SVG is a document that a browser would run scripts in if it were opened on its own, so one with scripts,
event handlers, embedded HTML or references to anything outside itself is refused; the server also sends the
logo with a policy that lets nothing in it run or load (see web/handlers/brand.py)."""

from __future__ import annotations

import hashlib
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from boxinterview.errors import BoxError

MAX_BYTES = 512 * 1024
MAX_SIDE = 4096  # pixels: a header logo needs far fewer, and a huge one costs every phone that opens a page
KINDS = {  # kind: (media type, the file name endings that say it)
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "webp": ("image/webp", (".webp",)),
    "svg": ("image/svg+xml", (".svg",)),
}
# What mail programs show as an inline image (many show neither WebP nor SVG).
MAIL_KINDS = ("png", "jpeg")

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_ACTIVE = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_EXTERNAL_CSS = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(|javascript:", re.I)


class LogoProblem(BoxError):
    """Why a file cannot be the logo, in words for the operator (a file changed after the settings were read
    stops `serve` with the same words)."""


@dataclass(frozen=True)
class Logo:
    path: Path
    kind: str  # a key of KINDS
    data: bytes = field(repr=False)
    width: int | None  # pixels, when the file says (an SVG may not)
    height: int | None

    @property
    def media_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def version(self) -> str:
        """Names this content: a link with it can be kept for a year, a new logo gets a new link."""
        return hashlib.sha256(self.data).hexdigest()[:12]

    @property
    def in_mail(self) -> bool:
        return self.kind in MAIL_KINDS

    def describe(self) -> str:
        size = f"{self.width}×{self.height} px, " if self.width and self.height else ""
        return f"{self.path} ({self.kind.upper()}, {size}{len(self.data) / 1024:.1f} KB)"


def read(path: Path) -> Logo:
    """The logo at `path`, or LogoProblem saying what is wrong with it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LogoProblem(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise LogoProblem(f"cannot read {path}: {exc.strerror}") from None
    if not path.is_file():
        raise LogoProblem(f"{path} is not a file")
    if size > MAX_BYTES:
        raise LogoProblem(
            f"{path} is {size / 1024:.0f} KB; a logo may be at most {MAX_BYTES // 1024} KB (export it smaller)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LogoProblem(f"cannot read {path}: {exc.strerror}") from None
    kind = sniff(data)
    if kind is None:
        raise LogoProblem(f"{path} is not a PNG, JPEG, WebP or SVG image (judged by its contents)")
    endings = KINDS[kind][1]
    if path.suffix.lower() not in endings:
        raise LogoProblem(
            f"{path} holds a {kind.upper()} image but its name ends {path.suffix or 'without an extension'}; "
            f"rename it to end {endings[0]}"
        )
    width, height = _svg_size(data) if kind == "svg" else _dimensions(kind, data)
    if kind != "svg" and (width is None or height is None):
        raise LogoProblem(f"{path} is not a whole {kind.upper()} image (its size cannot be read)")
    if (width or 0) > MAX_SIDE or (height or 0) > MAX_SIDE:
        raise LogoProblem(
            f"{path} is {width}×{height} pixels; a logo may be at most {MAX_SIDE} pixels on a side"
        )
    if kind == "svg":
        why = svg_danger(data)
        if why:
            raise LogoProblem(f"{path} cannot be the logo: {why}")
    return Logo(path, kind, data, width, height)


def sniff(data: bytes) -> str | None:
    """The image kind the bytes are, whatever the file is called."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data:
        return "svg"
    return None


def _dimensions(kind: str, data: bytes) -> tuple[int | None, int | None]:
    try:
        if kind == "png" and data[12:16] == b"IHDR":
            w, h = struct.unpack(">II", data[16:24])
            return w, h
        if kind == "jpeg":
            return _jpeg_size(data)
        if kind == "webp":
            return _webp_size(data)
    except struct.error:
        pass
    return None, None


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None, None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length follows these
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        i += 2 + length
    return None, None


def _webp_size(data: bytes) -> tuple[int | None, int | None]:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None, None


def _svg_size(data: bytes) -> tuple[int | None, int | None]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None, None  # svg_danger says why

    def pixels(value: str | None) -> int | None:
        found = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*", value or "")
        return round(float(found.group(1))) if found else None

    return pixels(root.get("width")), pixels(root.get("height"))


def svg_danger(data: bytes) -> str | None:
    """Why an SVG could run script or fetch something, or is not an SVG at all; None when it is inert."""
    if b"<!ENTITY" in data:
        return "it declares XML entities (not allowed in a logo)"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"it is not well-formed XML ({exc})"
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        return "its outermost element is not <svg>"
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in _ACTIVE:
            return f"it contains a <{name}> element, which can run script or embed a page"
        if name == "style" and _EXTERNAL_CSS.search(element.text or ""):
            return "its <style> loads something from outside the file or runs script"
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"<{name}> has an event handler ({local}), which runs script"
            if (attribute == _XLINK_HREF or local == "href") and not value.strip().startswith("#"):
                return f"<{name}> refers to something outside the file ({value[:60]})"
            if _EXTERNAL_CSS.search(value):
                return f"<{name}> {local} loads something from outside the file or runs script"
    if b"<?xml-stylesheet" in data:
        return "it names an outside stylesheet"
    return None

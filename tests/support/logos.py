"""Logo files for the branding tests: a PNG written here byte by byte, JPEG and WebP made by ffmpeg, and SVGs."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path


def png(path: Path, width: int = 120, height: int = 40, rgb: tuple[int, int, int] = (11, 87, 208)) -> Path:
    """A solid-colour RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def by_ffmpeg(path: Path, width: int = 96, height: int = 32) -> Path:
    """A JPEG or WebP (by the name's ending) of a solid colour."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=0x0b57d0:s={width}x{height}"]
        + ["-frames:v", "1", str(path)],
        check=True,
    )
    return path


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#0b57d0"/></linearGradient></defs>'
    '<rect width="120" height="40" fill="url(#g)"/></svg>'
)

"""Tiny real files (bytes) for upload tests."""
from __future__ import annotations

import struct
import zlib


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def amr() -> bytes:
    return b"#!AMR\n" + b"\x3c" * 64


def html_disguised_as_jpeg() -> bytes:
    return b"<html><script>alert(1)</script></html>"


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def _iso_media(brand: bytes, handlers: tuple[bytes, ...]) -> bytes:
    """A minimal MP4/3GP container: ftyp plus a moov whose tracks have these handler types."""
    traks = b"".join(_box(b"trak", _box(b"mdia", _box(b"hdlr", b"\0" * 8 + h + b"\0" * 12))) for h in handlers)
    return _box(b"ftyp", brand + b"\0\0\0\0" + brand + b"isom") + _box(b"moov", traks) + _box(b"mdat", b"\0" * 64)


def m4a() -> bytes:
    """A voice memo as Android recorders write it: generic mp42 brand, one sound track."""
    return _iso_media(b"mp42", (b"soun",))


def mp4_video() -> bytes:
    return _iso_media(b"mp42", (b"vide", b"soun"))


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 16

"""Visitor photos: type read from the bytes, size-limited, stored under random names through the upload store's
photo backend (``VISITOR_PHOTO_DIR``, or the object store when ``PORTAL_EVIDENCE_URL`` is set)."""
from __future__ import annotations

import secrets
from typing import BinaryIO

import filetype
from flask import current_app

from portal.uploads.store import PHOTO_NAME as NAME
from portal.uploads.store import photo_backend

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PHOTO_BYTES = 2 * 1024 * 1024


class PhotoError(ValueError):
    """``reason``: ``empty``, ``too_large`` or ``bad_type``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def max_photo_bytes() -> int:
    return int(current_app.config.get("VISITOR_PHOTO_MAX_BYTES", MAX_PHOTO_BYTES))


def check_photo(data: bytes) -> str:
    """The file extension for an allowed image, else PhotoError."""
    if not data:
        raise PhotoError("empty")
    if len(data) > max_photo_bytes():
        raise PhotoError("too_large")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in PHOTO_TYPES:
        raise PhotoError("bad_type")
    return PHOTO_TYPES[kind.mime]


def save_photo(data: bytes) -> str:
    ext = check_photo(data)
    return store_photo(data, ext)


def store_photo(data: bytes, ext: str) -> str:
    """Keep checked (or generated) image bytes under a new random name with extension ``ext``."""
    name = f"{secrets.token_hex(16)}.{ext}"
    photo_backend().write(name, data)
    return name


def delete_photo(name: str) -> None:
    photo_backend().delete(name)


def photo_exists(name: str) -> bool:
    return bool(NAME.match(name or "")) and photo_backend().exists(name)


def open_photo(name: str) -> BinaryIO:
    """The photo's bytes; FileNotFoundError for a bad or missing name."""
    return photo_backend().open(name)


def photo_mimetype(name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    return next(mime for mime, e in PHOTO_TYPES.items() if e == ext)


def read_upload(storage) -> bytes:
    """At most one byte over the limit is read from an upload."""
    if storage is None:
        return b""
    return storage.stream.read(max_photo_bytes() + 1)

"""Visitor photos: type read from the bytes, size-limited, stored in the instance folder under random names."""
from __future__ import annotations

import os
import re
import secrets

import filetype
from flask import current_app

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PHOTO_BYTES = 2 * 1024 * 1024
NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class PhotoError(ValueError):
    """``reason``: ``empty``, ``too_large`` or ``bad_type``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def photo_dir() -> str:
    return current_app.config["VISITOR_PHOTO_DIR"]


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
    name = f"{secrets.token_hex(16)}.{ext}"
    os.makedirs(photo_dir(), exist_ok=True)
    path = os.path.join(photo_dir(), name)
    with open(path, "wb") as fh:
        fh.write(data)
    return name


def delete_photo(name: str) -> None:
    path = photo_path(name)
    if path:
        os.remove(path)


def photo_path(name: str) -> str | None:
    if not NAME.match(name or ""):
        return None
    path = os.path.join(photo_dir(), name)
    return path if os.path.exists(path) else None


def photo_mimetype(name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    return next(mime for mime, e in PHOTO_TYPES.items() if e == ext)


def read_upload(storage) -> bytes:
    """At most one byte over the limit is read from an upload."""
    if storage is None:
        return b""
    return storage.stream.read(max_photo_bytes() + 1)

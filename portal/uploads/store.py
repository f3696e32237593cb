"""A small upload store: sniff the type from the bytes, save under a random name, open, delete, download.

The backend is a directory outside the static files (config ``EVIDENCE_DIR``, the default) or, for several
machines, an S3-compatible object store (``PORTAL_EVIDENCE_URL=s3://bucket/prefix``, ``portal.uploads.s3``). Both
have the same methods (``Backend``; ``write_stream`` copies a file object in chunks, so a large file such as a
console import of up to 200 MB is never held in memory); every read and write of evidence, proofs, data downloads,
import files and visitor photos goes through ``backend()`` or ``photo_backend()``.

Rows and files together or not at all: files saved during a request stay *pending* until the database session
commits. When the request ends without a commit (validation error, exception, rollback), its pending files are
deleted in a teardown.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Protocol

import filetype
from flask import Flask, Response, current_app, g, has_app_context, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

IMAGES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})
PDF = frozenset({"application/pdf"})
AUDIO = frozenset({"audio/mp4", "audio/mpeg", "audio/amr", "audio/aac", "audio/x-wav"})
EVIDENCE_KINDS = IMAGES | PDF | AUDIO
# What a download of each kind is called when the original name has no usable extension.
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic",
              "application/pdf": "pdf", "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/amr": "amr",
              "audio/aac": "aac", "audio/x-wav": "wav"}
CHUNK = 1024 * 1024
_NAME = re.compile(r"^[0-9a-f]{32}$")
_PENDING = "_uploads_pending"


class UploadError(ValueError):
    """A file the store refuses: ``reason`` is ``empty``, ``too_large`` or ``bad_type``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    mime: str


class Backend(Protocol):
    def write(self, name: str, data: bytes) -> None: ...
    def write_stream(self, name: str, stream: BinaryIO) -> None: ...
    def open(self, name: str) -> BinaryIO: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...


class DirectoryBackend:
    """Files in one directory, two-level fan-out by name (unless ``fan_out`` is off); written to a temp file, then
    renamed. ``names`` is the pattern a valid name matches (anything else is not found)."""

    def __init__(self, root: str, names: re.Pattern[str] = _NAME, fan_out: bool = True) -> None:
        self.root, self.names, self.fan_out = root, names, fan_out

    def _path(self, name: str) -> str:
        if not self.names.match(name or ""):
            raise FileNotFoundError(name)
        return os.path.join(self.root, name[:2], name) if self.fan_out else os.path.join(self.root, name)

    def write(self, name: str, data: bytes) -> None:
        self.write_stream(name, io.BytesIO(data))

    def write_stream(self, name: str, stream: BinaryIO) -> None:
        path = self._path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                shutil.copyfileobj(stream, fh, CHUNK)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def open(self, name: str) -> BinaryIO:
        return open(self._path(name), "rb")  # noqa: SIM115 - the caller closes it

    def delete(self, name: str) -> None:
        try:
            os.unlink(self._path(name))
        except FileNotFoundError:
            pass

    def exists(self, name: str) -> bool:
        try:
            return os.path.exists(self._path(name))
        except FileNotFoundError:
            return False


def backend() -> Backend:
    """Where evidence, plan proofs and data downloads are kept."""
    url = current_app.config.get("EVIDENCE_URL")
    if url:
        return _s3_backend(url, "", _NAME)
    return DirectoryBackend(current_app.config["EVIDENCE_DIR"])


PHOTO_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


def photo_backend() -> Backend:
    """Where visitor photos are kept: ``VISITOR_PHOTO_DIR`` (flat), or ``visitor-photos/`` below the S3 prefix."""
    url = current_app.config.get("EVIDENCE_URL")
    if url:
        return _s3_backend(url, "visitor-photos", PHOTO_NAME)
    return DirectoryBackend(current_app.config["VISITOR_PHOTO_DIR"], names=PHOTO_NAME, fan_out=False)


def _s3_backend(url: str, folder: str, names: re.Pattern[str]) -> Backend:
    from portal.uploads.s3 import S3Backend, S3Settings, client_for, parse_url

    location = parse_url(url)
    client = client_for(current_app.extensions, S3Settings.from_config(current_app.config))
    return S3Backend(client, location.below(folder) if folder else location, names)


def max_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_MB"]) * 1024 * 1024


def sniff(data: bytes, allowed: Iterable[str] = EVIDENCE_KINDS) -> str | None:
    """The MIME type read from the bytes when it is one of ``allowed``; else None. Names are never trusted."""
    kind = filetype.guess(data[:8192]) if data else None
    if kind is None:
        return None
    mime = kind.mime
    if mime == "video/mp4" and _audio_only_iso_media(data):
        mime = "audio/mp4"  # phone recorders often label audio-only MP4 files with the generic mp42/isom brands
    return mime if mime in set(allowed) else None


_SOUND_TRACK = re.compile(rb"hdlr.{8}soun", re.S)
_VIDEO_TRACK = re.compile(rb"hdlr.{8}vide", re.S)


def _audio_only_iso_media(data: bytes) -> bool:
    """An MP4/3GP container whose tracks are all sound (handler 'soun', no 'vide')."""
    return bool(_SOUND_TRACK.search(data)) and not _VIDEO_TRACK.search(data)


def check(data: bytes, allowed: Iterable[str] = EVIDENCE_KINDS) -> str:
    """Validate size and type; return the sniffed MIME type or raise ``UploadError``."""
    if not data:
        raise UploadError("empty")
    if len(data) > max_bytes():
        raise UploadError("too_large")
    mime = sniff(data, allowed)
    if mime is None:
        raise UploadError("bad_type")
    return mime


MAX_NAME_CHARS = 100


def clean_filename(raw: str | None) -> str:
    """The name a file was uploaded with, as we keep and show it: no folders, no control or format characters
    (NUL, CR/LF, right-to-left overrides), NFC, at most 100 characters keeping the extension. Chinese stays."""
    import unicodedata

    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot and stem else ""
        name = name[:MAX_NAME_CHARS - len(ext) - (1 if ext else 0)].rstrip() + ("." + ext if ext else "")
    return name or "file"


def read_limited(stream: BinaryIO) -> bytes:
    """Read an uploaded stream, at most one byte more than the limit (enough to tell it is too large)."""
    return stream.read(max_bytes() + 1)


def save(data: bytes, allowed: Iterable[str] = EVIDENCE_KINDS) -> StoredFile:
    """Check and store ``data`` under a new random name; pending until the request's session commits."""
    mime = check(data, allowed)
    name = secrets.token_hex(16)
    backend().write(name, data)
    if has_app_context():
        g.setdefault(_PENDING, []).append(name)
    return StoredFile(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), mime=mime)


class _Hashing(io.RawIOBase):
    """Reads through ``stream``, counting the bytes and hashing them on the way."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.size, self.digest = stream, 0, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        self.size += len(data)
        self.digest.update(data)
        return len(data)


def save_stream(stream: BinaryIO, mime: str) -> StoredFile:
    """Store a file object under a new random name, copied in chunks (never whole in memory); the caller has
    checked it. Pending until the request's session commits, like ``save``."""
    name = secrets.token_hex(16)
    reader = _Hashing(stream)
    backend().write_stream(name, reader)  # type: ignore[arg-type]
    if has_app_context():
        g.setdefault(_PENDING, []).append(name)
    return StoredFile(name=name, sha256=reader.digest.hexdigest(), size=reader.size, mime=mime)


def open_file(name: str) -> BinaryIO:
    return backend().open(name)


def delete(name: str) -> None:
    backend().delete(name)


def download(name: str, mime: str, download_name: str) -> Response:
    """Always an attachment, never inline, with nosniff and a sandboxing CSP."""
    response = send_file(open_file(name), mimetype=mime, as_attachment=True, download_name=download_name,
                         max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


def discard_pending() -> None:
    """Delete the files saved in this request that no commit has kept."""
    for name in g.pop(_PENDING, []):
        delete(name)


@event.listens_for(Session, "after_commit")
def _kept(session) -> None:
    if has_app_context() and not session.in_nested_transaction():  # a released savepoint is no commit yet
        g.pop(_PENDING, None)


def configure_uploads(app: Flask) -> None:
    @app.teardown_request
    def _cleanup(exc: BaseException | None) -> None:
        discard_pending()

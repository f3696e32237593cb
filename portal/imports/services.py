"""A console upload checked and queued: the file is read once to check it (UTF-8 JSON Lines of the chosen kind, not
empty, not too large) and count its lines, then streamed to the upload store; the row and the file are kept
together or not at all, and the worker is asked to import it once the request commits."""
from __future__ import annotations

import codecs
import json
import logging
from functools import partial
from typing import BinaryIO

from flask import current_app
from sqlalchemy.orm import Session

from portal import uploads
from portal.imports.models import ImportJob
from portal.lifecycle import after_commit

log = logging.getLogger(__name__)
MIME = "application/x-ndjson"
CHUNK = 1024 * 1024
FIRST_LINE_MAX = 1024 * 1024  # a longer first line is no import line of ours


class FileProblem(ValueError):
    """Why an uploaded file is refused: ``empty``, ``too_large``, ``not_jsonl`` or ``wrong_kind`` (then ``found``
    is the kind the first line looks like, or None)."""

    def __init__(self, code: str, found: str | None = None) -> None:
        super().__init__(code)
        self.code, self.found = code, found


def max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_MB"]) * 1024 * 1024


def kind_of(first: dict) -> str | None:
    """The kind of import a first line belongs to: a contact has a contact_ref, a loan a loan_ref only."""
    if "contact_ref" in first:
        return "contacts"
    if "loan_ref" in first:
        return "loans"
    return None


def inspect(stream: BinaryIO, kind: str, limit: int) -> int:
    """Check the file and return its number of lines; raise ``FileProblem``. Reads in chunks, never whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = newlines = 0
    first = bytearray()
    first_done = False
    last = b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileProblem("too_large")
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            raise FileProblem("not_jsonl") from None
        newlines += chunk.count(b"\n")
        last = chunk[-1:]
        if not first_done:
            first_done = _take_first_line(first, chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise FileProblem("not_jsonl") from None
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        raise FileProblem("empty")
    try:
        data = json.loads(text)
    except ValueError:
        raise FileProblem("not_jsonl") from None
    if not isinstance(data, dict):
        raise FileProblem("not_jsonl")
    found = kind_of(data)
    if found != kind:
        raise FileProblem("wrong_kind", found)
    return newlines + (1 if last != b"\n" else 0)


def _take_first_line(first: bytearray, chunk: bytes) -> bool:
    """Collect the first non-blank line into ``first``; True once it is complete (or too long to be one)."""
    for piece in chunk.splitlines(keepends=True):
        if not first.strip() and not piece.strip():
            first.clear()
            continue
        first.extend(piece)
        if piece.endswith(b"\n") or len(first) > FIRST_LINE_MAX:
            return True
    return False


def queue_import(session: Session, staff, stream: BinaryIO, filename: str | None, kind: str) -> ImportJob:
    """Check ``stream``, store it and add a queued import (raises ``FileProblem``; nothing is stored then)."""
    lines = inspect(stream, kind, max_bytes())
    stream.seek(0)
    stored = uploads.save_stream(stream, MIME)
    job = ImportJob(kind=kind, state="queued", staff_id=staff.id, original_name=uploads.clean_filename(filename),
                    stored_name=stored.name, size=stored.size, sha256=stored.sha256, lines_total=lines)
    session.add(job)
    session.flush()
    after_commit(partial(_enqueue, current_app._get_current_object(), job.id), session)
    return job


def _enqueue(app, job_id: int) -> None:
    from flask import has_app_context

    from portal.imports.worker import enqueue_run

    try:
        if has_app_context():
            enqueue_run(job_id)
        else:
            with app.app_context():
                enqueue_run(job_id)
    except Exception:  # noqa: BLE001 - the row is committed: the sweep enqueues it later
        log.exception("import %s not enqueued; the sweep will find it", job_id)

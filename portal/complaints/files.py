"""Reading the files of a complaint form: count, size and type checked before anything is saved."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from portal import uploads
from portal.complaints import rules


def chosen(field) -> list:
    return [f for f in (field.data or []) if f is not None and getattr(f, "filename", "")]


def read_files(field) -> list[tuple[bytes, str]] | None:
    """The chosen files as (bytes, original name), or None after putting a message on the field."""
    files = chosen(field)
    if len(files) > rules.MAX_FILES_PER_SUBMISSION:
        field.errors = [_("Choose at most %(n)d files at a time.", n=rules.MAX_FILES_PER_SUBMISSION)]
        return None
    out: list[tuple[bytes, str]] = []
    for storage in files:
        data = uploads.read_limited(storage.stream)
        name = uploads.clean_filename(storage.filename)
        try:
            uploads.check(data)
        except uploads.UploadError as error:
            field.errors = [_message(error.reason, name)]
            return None
        out.append((data, name))
    return out


def _message(reason: str, name: str) -> str:
    if reason == "too_large":
        return _("“%(name)s” is larger than %(mb)d MB. Please choose a smaller file.", name=name,
                 mb=current_app.config["EVIDENCE_MAX_MB"])
    if reason == "empty":
        return _("“%(name)s” is empty. Please choose the file again.", name=name)
    return _("“%(name)s” is not a photo, PDF or sound recording we can accept (JPEG, PNG, WebP, HEIC, PDF, m4a, "
             "mp3, amr, aac, wav).", name=name)

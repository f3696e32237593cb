"""Loaders of the console's imports (every supervisor sees every import)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from portal.extensions import db
from portal.imports.models import ImportJob

RECENT = 20


def import_or_404(import_id: int) -> ImportJob:
    job = db.session.get(ImportJob, import_id)
    if job is None:
        abort(404)
    return job


def recent_imports(limit: int = RECENT) -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))

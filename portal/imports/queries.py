"""Loaders of the console's imports (every supervisor sees every import)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.imports.models import ImportJob
from portal.orm import get_or_404

RECENT = 20


def import_or_404(import_id: int) -> ImportJob:
    return get_or_404(db.session, ImportJob, import_id)


def recent_imports(limit: int = RECENT) -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))

"""Loaders of the accounts domain used by other domains' views."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.extensions import db


def active_staff() -> list[StaffUser]:
    """Everyone who can be assigned work, by display name."""
    return list(db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                                   .order_by(StaffUser.display_name)))


def active_staff_names() -> list[tuple[int, str]]:
    """(id, display name) of everyone who can be assigned work, by display name: the choice lists' options."""
    return [(id_, name) for id_, name in db.session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.active.is_(True))
        .order_by(StaffUser.display_name))]


def staff_member(staff_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, staff_id)

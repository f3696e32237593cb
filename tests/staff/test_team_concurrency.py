"""The last-supervisor rule under two concurrent demotions (PostgreSQL: the supervisors' rows are locked)."""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import func, select

from portal.accounts import team
from portal.accounts.models import StaffUser
from portal.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks are a PostgreSQL matter; SQLite has one writer at a time")


def test_two_concurrent_demotions_leave_one_supervisor(app, create_staff, session):
    first, second = create_staff(role="supervisor"), create_staff(role="supervisor")
    ids = (first.id, second.id)
    results: dict[int, str] = {}
    demoted, release = threading.Event(), threading.Event()

    def demote(target_id: int, actor_id: int, hold: bool) -> None:
        with app.app_context():
            try:
                target, actor = db.session.get(StaffUser, target_id), db.session.get(StaffUser, actor_id)
                team.change_role(actor, target, "agent")
                if hold:
                    demoted.set()
                    release.wait(10)
                db.session.commit()
                results[target_id] = "demoted"
            except team.TeamRuleError:
                db.session.rollback()
                results[target_id] = "refused"
            finally:
                db.session.remove()

    one = threading.Thread(target=demote, args=(ids[0], ids[1], True))
    two = threading.Thread(target=demote, args=(ids[1], ids[0], False))
    one.start()
    assert demoted.wait(10)
    two.start()
    time.sleep(0.5)
    assert two.is_alive(), "the second demotion must wait for the first"
    release.set()
    one.join(10)
    two.join(10)
    assert results == {ids[0]: "demoted", ids[1]: "refused"}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(StaffUser)
                          .where(StaffUser.role == "supervisor", StaffUser.active.is_(True))) == 1

"""``seed-demo``: every domain's demo data, in dependency order (each module has ``seed(session, today)``)."""
from __future__ import annotations

import importlib
from datetime import date

DEMO_MODULES = [
    "portal.loans.demo",
    "portal.complaints.demo",
    "portal.visits.demo",
    "portal.agencies.demo",
    "portal.plans.demo",
    "portal.contacts.demo",
    "portal.privacy.demo",
]


def seed_all(session, today: date) -> None:
    for name in DEMO_MODULES:
        importlib.import_module(name).seed(session, today)
        session.commit()

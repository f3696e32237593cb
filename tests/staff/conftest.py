"""Fixtures shared by the staff console tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def log_in_as(client, session, login, create_borrower, create_staff):
    """Put ``client`` in one of the states a supervisors-only page must refuse: ``anonymous``, ``borrower``,
    ``agent``, or ``disabled`` (a supervisor whose account was switched off after logging in)."""
    def act(who: str) -> None:
        if who == "borrower":
            login(client, create_borrower())
        elif who in ("agent", "disabled"):
            user = create_staff(role="agent" if who == "agent" else "supervisor")
            login(client, user)
            if who == "disabled":
                user.active = False
                session.commit()
        elif who != "anonymous":
            raise ValueError(who)
    return act

"""GET /api/v1/loans/<ref> says which standing is in force -- the contract's or an agreed plan's -- and gives the
effective figures the borrower's loan page shows (the same ``standing_of``), next to the contract's ``figures``."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import local_today, money
from portal.loans import queries
from portal.loans.models import Loan


def _page(app, session, ref: str):
    loan = session.scalar(select(Loan).where(Loan.loan_ref == ref))
    with app.test_request_context():
        return loan, queries.loan_view(loan.borrower, loan, local_today())


def _yuan_fen(text: str) -> int:
    return int(Decimal(text) * 100)


def test_an_agreed_plan_is_in_force_and_its_figures_are_the_effective_ones(app, api, seeded_demo, client, login):
    state = api.get("/loans/L2024000201").get_json()
    loan, view = _page(app, seeded_demo, "L2024000201")
    assert view.plan is not None
    assert state["in_force"] == "plan"
    effective = state["effective"]
    # what the borrower's page shows: the plan's amount due and lateness, no contract stage
    assert _yuan_fen(effective["due_now"]) == view.state.due_now_fen == view.plan.status.due_now_fen
    assert _yuan_fen(effective["outstanding"]) == view.outstanding_fen
    assert effective["days_overdue"] == view.plan.status.days_overdue
    assert effective["overdue"] is view.state.overdue and effective["stage"] is None
    assert effective["due_now"] == state["agreed_plan"]["due_now"]
    # the contract's figures stay as they are, and say so
    assert state["figures"]["stage"] == view.status.stage and state["figures"]["days_overdue"] > 0
    login(client, loan.borrower)
    page = client.get(f"/loans/{loan.loan_ref}").get_data(as_text=True)
    with app.test_request_context():
        assert money(_yuan_fen(effective["due_now"])) in page


def test_without_a_plan_the_contract_is_in_force(app, api, seeded_demo, client, login):
    state = api.get("/loans/L2025000102").get_json()
    loan, view = _page(app, seeded_demo, "L2025000102")
    assert view.plan is None and state["agreed_plan"] is None
    assert state["in_force"] == "contract"
    effective = state["effective"]
    assert effective["due_now"] == state["figures"]["due_now"]
    assert _yuan_fen(effective["due_now"]) == view.state.due_now_fen
    assert effective["days_overdue"] == state["figures"]["days_overdue"] == view.status.days_overdue
    assert effective["stage"] == state["figures"]["stage"] and effective["overdue"] is True
    login(client, loan.borrower)
    page = client.get(f"/loans/{loan.loan_ref}").get_data(as_text=True)
    with app.test_request_context():
        assert money(view.state.due_now_fen) in page


def test_the_schema_says_figures_are_the_contracts(api, app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    props = document["components"]["schemas"]["LoanStateOut"]["properties"]
    assert "contract" in props["figures"]["description"] and "in_force" in props["figures"]["description"]
    assert props["in_force"]["enum"] == ["contract", "plan"]
    assert "effective" in props


def test_every_open_visit_is_listed_and_open_visit_is_the_earliest(api, session, create_borrower, create_loan, app):
    """Visits made before one-visit-at-a-time (or any data with several): the API hides none of them."""
    from datetime import datetime, timedelta, timezone

    from portal.visits.models import Visit

    loan = create_loan(create_borrower(), loan_ref="L88")
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=5)
    for offset, state in ((2, "remote_requested"), (0, "confirmed"), (1, "reschedule_requested"), (-9, "missed")):
        session.add(Visit(loan_id=loan.id, address="北京市", window_start=start + timedelta(days=offset),
                          window_end=start + timedelta(days=offset, hours=2), purpose="核实地址", state=state,
                          code=f"CODE{offset + 10:02d}"))
    session.commit()
    state = api.get("/loans/L88").get_json()
    assert [v["state"] for v in state["open_visits"]] == ["confirmed", "reschedule_requested", "remote_requested"]
    assert state["open_visit"] == state["open_visits"][0]
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    props = document["components"]["schemas"]["LoanStateOut"]["properties"]
    assert props["open_visit"]["deprecated"] is True and "open_visits" in props["open_visit"]["description"]
    assert props["open_visits"]["type"] == "array"
    nothing = create_loan(create_borrower(), loan_ref="L89")
    assert api.get(f"/loans/{nothing.loan_ref}").get_json()["open_visits"] == []

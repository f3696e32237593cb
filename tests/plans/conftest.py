"""Helpers for plan tests: an overdue loan, the three steps through the client, proposals in any state."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.plans.models import PlanProposal

TERMS = {"kind": "instalments", "months": "6", "deferral_days": ""}
BUDGET = {"income": "6000", "housing": "1500", "food": "1200", "utilities": "300", "transport": "200",
          "medical": "", "education": "", "dependants": "500", "other_debts": "800", "dependants_count": "1",
          "hardship_reason": "job_loss", "hardship_detail": "公司裁员"}


def text(response) -> str:
    """The page with amounts and references out of their no-wrap spans (these tests read figures, not markup)."""
    return html.unescape(re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", response.get_data(as_text=True)))


@pytest.fixture
def overdue_loan(create_loan):
    """Three instalments of 400.00 + 10.00 interest; two are overdue, one not yet due."""
    def factory(borrower, **kw):
        start = date.today() - timedelta(days=75)
        return create_loan(borrower, principal="1200.00", months=3, start=start, interest="10.00", **kw)
    return factory


def go_through_steps(client, loan, terms=None, budget=None):
    url = f"/plans/new?loan={loan.loan_ref}"
    r1 = client.post(url + "&step=1", data=terms or TERMS)
    assert r1.status_code == 302, text(r1)
    r2 = client.post(url + "&step=2", data=budget or BUDGET)
    assert r2.status_code == 302, text(r2)
    return client.get(url + "&step=3")


def send_form(client, loan) -> dict:
    draft = db.session.query(PlanProposal).filter_by(loan_id=loan.id, state="draft").one()
    preview = client.get(f"/plans/new?loan={loan.loan_ref}&step=3")
    digest = text(preview).split('id="digest" name="digest" type="hidden" value="')[1].split('"')[0]
    db.session.expire_all()
    return {"token": draft.draft_token, "digest": digest}


@pytest.fixture
def propose(client):
    """Walk the three steps and send; returns the proposal."""
    def run(loan, terms=None, budget=None) -> PlanProposal:
        go_through_steps(client, loan, terms, budget)
        response = client.post(f"/plans/new/send?loan={loan.loan_ref}", data=send_form(client, loan))
        assert response.status_code == 302, text(response)
        db.session.expire_all()
        return db.session.query(PlanProposal).filter(PlanProposal.loan_id == loan.id,
                                                     PlanProposal.state != "draft").one()
    return run

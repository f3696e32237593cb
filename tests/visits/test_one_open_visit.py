"""A loan has one open visit at a time (design §5: the borrower's confirm / move / video-call answers are about the
visit): staff cannot propose another while one is open -- refused next to the date, with what was typed kept -- and
can once it is closed. The API lists every open visit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.visits.models import Visit
from tests.visits.conftest import window, workday
from tests.visits.test_visit_staff import _proposal, agent  # noqa: F401 (fixture)

MESSAGE = "这笔借款已有一次未结束的上门核实（已提出、已确认，或在等工作人员答复）。"


def _field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


@pytest.mark.parametrize("state", ["proposed", "confirmed", "reschedule_requested", "rescheduled",
                                   "remote_requested"])
def test_a_second_visit_is_refused_while_one_is_open(client, agent, roster, create_borrower, create_loan,
                                                     make_visit, session, state):
    loan = create_loan(create_borrower())
    make_visit(loan, state=state, when=window(workday(5), 10))
    data = dict(_proposal(roster, workday(8), "14:00", "16:00"), purpose="与借款人面谈还款安排")
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="rule-problems"' in page
    assert MESSAGE in _field_error(page, "day") and f'href="#day"' in page
    assert "与借款人面谈还款安排" in page and workday(8).isoformat() in page  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Visit)) == 1


@pytest.mark.parametrize("state", ["cancelled", "completed", "missed"])
def test_a_new_visit_may_follow_a_closed_one(client, agent, roster, create_borrower, create_loan, make_visit,
                                             session, state):
    loan = create_loan(create_borrower())
    make_visit(loan, state=state, when=window(workday(5), 10))
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(8)))
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Visit)) == 2

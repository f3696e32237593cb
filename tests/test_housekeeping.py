"""The hourly housekeeping deletes what expired (codes, sessions through the retention rules) and stale plan
drafts with their proof files, and keeps everything else."""
from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from portal import housekeeping
from portal.accounts.models import LoginSession, VerificationCode
from portal.orm import utcnow
from portal.plans.models import PlanProposal
from portal.uploads import store


def test_housekeeping_deletes_stale_drafts_with_their_files_and_expired_codes(app, client, login, create_borrower,
                                                                              create_loan, session):
    from tests.plans.conftest import BUDGET, TERMS
    from tests.uploads.samples import png

    borrower = create_borrower()
    old_loan = create_loan(borrower, start=date.today() - timedelta(days=75))
    new_loan = create_loan(borrower, start=date.today() - timedelta(days=75))
    login(client, borrower)
    for loan in (old_loan, new_loan):
        url = f"/plans/new?loan={loan.loan_ref}"
        client.post(url + "&step=1", data=TERMS)
        client.post(url + "&step=2", data=dict(BUDGET, proofs=[(io.BytesIO(png()), "letter.png")]),
                    content_type="multipart/form-data")
    drafts = {d.loan_id: d for d in session.scalars(select(PlanProposal).where(PlanProposal.state == "draft"))}
    old, new = drafts[old_loan.id], drafts[new_loan.id]
    old_file, new_file = old.proofs[0].stored_name, new.proofs[0].stored_name
    old.created_at = utcnow() - timedelta(days=app.config["PLAN_DRAFT_DAYS"] + 1)
    session.add(VerificationCode(borrower_id=borrower.id, purpose="activate", code_hash="x" * 64,
                                 expires_at=utcnow() - timedelta(hours=1)))
    session.add(VerificationCode(borrower_id=borrower.id, purpose="reset", code_hash="y" * 64,
                                 expires_at=utcnow() + timedelta(minutes=5)))
    session.commit()
    sessions_before = len(session.scalars(select(LoginSession)).all())

    counts = housekeeping.run()

    session.expire_all()
    assert counts["plan_drafts"] == 1 and counts["verification_codes"] >= 1
    assert [d.loan_id for d in session.scalars(select(PlanProposal))] == [new_loan.id]
    assert not store.backend().exists(old_file) and store.backend().exists(new_file)
    assert [c.purpose for c in session.scalars(select(VerificationCode))] == ["reset"]
    assert len(session.scalars(select(LoginSession)).all()) == sessions_before  # the live login stays
    assert housekeeping.run()["plan_drafts"] == 0  # idempotent

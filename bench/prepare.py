"""Benchmark set-up (run by bench/run.sh): schema, N generated borrowers, a borrower and a staff user with known
credentials; prints shell variables (LOAN_REF, RIGHTS_SLUG) for run.sh."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import metadata

BORROWER_PHONE, BORROWER_PASSWORD = "13800138000", "bench-pass-2026"
STAFF_USER, STAFF_PASSWORD, STAFF_SECRET = "bench", "bench-staff-pass-2026", "BENCHBENCHBENCHBENCHBENCHBENCH22"


def main() -> None:
    borrowers = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    work = os.environ["BENCH_DIR"]
    app = create_app()
    with app.app_context():
        metadata.create_all(db.engine)  # a throwaway benchmark database (migrations are the lead's)
    if borrowers:
        data = os.path.join(work, f"scale-{borrowers}.jsonl")
        flask = [sys.executable, "-m", "flask", "--app", "portal"]
        subprocess.run(flask + ["generate-data", "--borrowers", str(borrowers), "--out", data], check=True,
                       stdout=sys.stderr)
        subprocess.run(flask + ["load-scale-data", data], check=True, stdout=sys.stderr)
    with app.app_context(), app.test_request_context():
        from portal.accounts.models import Borrower, StaffUser
        from portal.accounts.services import create_staff
        from portal.security import hash_password

        borrower = db.session.scalar(select(Borrower).where(Borrower.phone == BORROWER_PHONE))
        if borrower is None:
            from portal.loans.models import Instalment, Loan

            borrower = Borrower(name="压测", phone=BORROWER_PHONE, id_number="110101199003074514", address="北京市",
                                locale="zh_Hans")
            db.session.add(borrower)
            db.session.flush()
            start = date.today() - timedelta(days=100)
            loan = Loan(loan_ref="BENCH0001", borrower_id=borrower.id, product="消费贷", principal_fen=1_200_000,
                        annual_rate="0.18", penalty_daily_rate="0.0005", start_date=start, source_digest="bench")
            loan.instalments = [Instalment(seq=i, due_date=start + timedelta(days=30 * i), principal_fen=100_000,
                                           interest_fen=18_000, fee_fen=0) for i in range(1, 13)]
            db.session.add(loan)
        borrower.password_hash = hash_password(BORROWER_PASSWORD)
        if db.session.scalar(select(StaffUser).where(StaffUser.username == STAFF_USER)) is None:
            create_staff(STAFF_USER, "supervisor", STAFF_PASSWORD, display_name="压测主管", otp_secret=STAFF_SECRET)
        db.session.commit()
        n = db.session.scalar(select(func.count()).select_from(Borrower))
    with app.app_context(), app.test_request_context():  # the reports' tallies, as the worker builds them
        from portal import tallies
        from portal.i18n import lender_tz

        tallies.ensure(lender_tz())
    with app.app_context():  # planner statistics after the bulk load (SQLite chooses partial indexes only with them)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    print(f"LOAN_REF=BENCH0001\nRIGHTS_SLUG=home-visits\nBORROWERS_IN_DB={n}")


if __name__ == "__main__":
    main()

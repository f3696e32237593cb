"""Is a page slower on a large database than on a small one? Both databases are served in this one process, by two
apps side by side, and each page is requested from both in turn — in a random order for every pair — so a slow
moment of the machine falls on both sides alike. Wall-clock time per request (the database's own time
included: PostgreSQL is another process), through the Flask test client, logged in as the bench borrower and the
bench supervisor of ``bench/prepare.py``.

Usage: PYTHONPATH=. .venv/bin/python bench/scale.py SMALL_URL LARGE_URL [PAIRS] [--pages /,/loans,…]

Both databases must have been prepared by ``bench/prepare.py`` (``bench/run.sh`` does it; for PostgreSQL at
1,000,000 borrowers see ``bench/README.md``). The bench borrower's pages are the same in both; a staff list is a
fair comparison only when the small database fills its page too (10,000 generated borrowers do: 25 complaints,
50 plans, 100 upcoming visits), otherwise it compares a full page with an empty one. For each page it prints
the median time on each database, the
ratio of the medians with its 95 % bootstrap interval (resampling the pairs), and the SQL statements one request
runs on each side (they should be the same: a page that runs more statements for more data does not scale).

Issue 17's bound: at 1,000,000 borrowers on PostgreSQL, no page more than 1.2× slower than a small database.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.prepare import (BORROWER_PASSWORD, BORROWER_PHONE, STAFF_PASSWORD, STAFF_SECRET,  # noqa: E402
                           STAFF_USER)
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

# (path, who): who is "borrower" or "staff"
PAGES = [
    ("/", "borrower"),
    ("/loans", "borrower"),
    ("/loans/BENCH0001", "borrower"),
    ("/rights/home-visits", "borrower"),
    ("/plans", "borrower"),
    ("/visits", "borrower"),
    ("/complaints", "borrower"),
    ("/contacts", "borrower"),
    ("/staff/", "staff"),
    ("/staff/complaints", "staff"),
    ("/staff/plans", "staff"),
    ("/staff/visits/", "staff"),
    (f"/staff/borrowers?q={BORROWER_PHONE}", "staff"),
    ("/staff/borrowers?q=压测", "staff"),  # the bench borrower's name
    ("/staff/borrowers/{borrower_id}", "staff"),
    ("/staff/requests", "staff"),
    ("/staff/messages", "staff"),
    ("/staff/audit", "staff"),
    ("/staff/reports", "staff"),
    ("/staff/team", "staff"),
    ("/staff/complaints?status=all", "staff"),
    ("/staff/plans?which=decided", "staff"),
    ("/staff/audit?action=visits.queue_viewed", "staff"),
    ("/staff/webhooks", "staff"),
    ("/staff/imports", "staff"),
    ("/staff/agencies", "staff"),
]


class Side:
    """One database: its app, a logged-in client for each kind of user and a statement counter."""

    def __init__(self, url: str, work: str) -> None:
        self.app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-scale", "SMS_OUTBOX": f"{work}/sms.jsonl",
                               "EVIDENCE_DIR": f"{work}/evidence"})
        self.statements = 0
        with self.app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)
        self.clients = {"borrower": self.app.test_client(), "staff": self.app.test_client()}
        self._login("borrower", "/login", {"phone": BORROWER_PHONE, "password": BORROWER_PASSWORD})
        # A TOTP code is accepted once per account: after a recent run, wait for the next 30-second step.
        for attempt in range(3):
            code = pyotp.TOTP(STAFF_SECRET).now()
            if self._login("staff", "/staff/login", {"username": STAFF_USER, "password": STAFF_PASSWORD,
                                                      "otp": code}, final=attempt == 2):
                break
            time.sleep(30 - time.time() % 30 + 1)

    def path(self, template: str) -> str:
        """``{borrower_id}``: the bench borrower's id in this database."""
        if "{" not in template:
            return template
        from sqlalchemy import select

        from portal.accounts.models import Borrower

        with self.app.app_context():
            borrower_id = db.session.scalar(select(Borrower.id).where(Borrower.phone == BORROWER_PHONE))
            db.session.remove()
        return template.format(borrower_id=borrower_id)

    def _count(self, *_args) -> None:
        self.statements += 1

    def _login(self, who: str, path: str, fields: dict, final: bool = True) -> bool:
        client = self.clients[who]
        page = client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = client.post(path, data={"csrf_token": token, **fields})
        if answer.status_code != 302 and final:
            raise SystemExit(f"{who} login failed ({answer.status_code}): was the database prepared by "
                             "bench/prepare.py?")
        return answer.status_code == 302

    def get(self, path: str, who: str) -> float:
        start = time.perf_counter()
        answer = self.clients[who].get(path)
        answer.get_data()
        took = (time.perf_counter() - start) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code}")
        return took

    def statements_of(self, path: str, who: str) -> int:
        self.statements = 0
        self.get(path, who)
        return self.statements


def ratio_interval(small: list[float], large: list[float], rounds: int = 1000) -> tuple[float, float]:
    """95 % bootstrap interval of median(large) / median(small), resampling the pairs."""
    pairs = list(zip(small, large))
    rng = random.Random(17)
    ratios = []
    for _ in range(rounds):
        sample = rng.choices(pairs, k=len(pairs))
        ratios.append(statistics.median(b for _a, b in sample) / statistics.median(a for a, _b in sample))
    ratios.sort()
    return ratios[int(rounds * 0.025)], ratios[int(rounds * 0.975)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("small_url")
    parser.add_argument("large_url")
    parser.add_argument("pairs", nargs="?", type=int, default=200)
    parser.add_argument("--pages", help="comma-separated paths (default: all)")
    args = parser.parse_args()
    pages = PAGES
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = [p for p in PAGES if p[0] in wanted]
    with tempfile.TemporaryDirectory() as work:
        small, large = Side(args.small_url, f"{work}/a"), Side(args.large_url, f"{work}/b")
        rng = random.Random(1)
        print(f"{'page':<34}{'small ms':>9}{'large ms':>9}{'ratio':>7}{'95 % interval':>16}{'SQL':>9}"
              f"   ({args.pairs} pairs each, after 20 warm-up)")
        worst = 0.0
        for path, who in pages:
            on_small, on_large = small.path(path), large.path(path)
            for _ in range(20):
                small.get(on_small, who), large.get(on_large, who)
            small_times, large_times = [], []
            for _ in range(args.pairs):
                if rng.random() < 0.5:
                    a = small.get(on_small, who)
                    b = large.get(on_large, who)
                else:
                    b = large.get(on_large, who)
                    a = small.get(on_small, who)
                small_times.append(a)
                large_times.append(b)
            low, high = ratio_interval(small_times, large_times)
            ratio = statistics.median(large_times) / statistics.median(small_times)
            worst = max(worst, ratio)
            sql = f"{small.statements_of(on_small, who)}/{large.statements_of(on_large, who)}"
            print(f"{path:<34}{statistics.median(small_times):>9.2f}{statistics.median(large_times):>9.2f}"
                  f"{ratio:>7.2f}{f'{low:.2f}-{high:.2f}':>16}{sql:>9}")
        print(f"worst ratio: {worst:.2f} (bound: 1.2)")
        for side in (small, large):
            with side.app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()

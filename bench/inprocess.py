"""In-process page times: the demo data in a temporary SQLite database, the Flask test client (no server, no
network) logged in as the demo borrower 张伟 and, for the console, as a supervisor made here; the settings are the
served ones (CSRF tokens, rate limits), so each page pays what it pays behind gunicorn.

Usage: .venv/bin/python bench/inprocess.py [REQUESTS] [--pages /,/loans,…] [--profile PATH] [--gc] [--floor]

For each page it prints the median and 90th percentile of the wall-clock time of one request, the median CPU time
of the process per request (``time.process_time``: less sensitive to other jobs on the machine than wall time),
the SQL statements one request runs and the Python function calls one request makes (cProfile; independent of the
machine's load). ``--profile PATH`` prints the cProfile table (by cumulative time) of that one page instead.
``--gc`` asks every page in turn, REQUESTS times in all, twice: as loaded, then with what is loaded frozen
(``gc.freeze()``, as ``gunicorn.conf.py`` does in each worker); it prints the garbage collector's passes per
generation, their longest pause, and the slowest requests.
``--floor`` sets each target against the floor under it, measured in the same rounds (interleaved, in a random
order each round, CPU time): a bare Flask app through the same test client; the portal anonymous and logged in with
the view replaced by one that returns an empty page (every hook still runs: the session cookie, the login session
and its user, the rate limiter, the locale, the commit point, the security headers); and the target pages. It
prints each as a multiple of bare Flask, and for each target the time it leaves for the page's own work.

The targets of issue 17 (medians): landing ``/`` ≤ 1 ms, ``/loans`` ≤ 1.5 ms, a loan page ≤ 3 ms.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp  # noqa: E402
from sqlalchemy import event  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import metadata  # noqa: E402

PHONE, PASSWORD = "13800138000", "demo-pass-2026"
STAFF, STAFF_PASSWORD, STAFF_SECRET = "bench", "bench-staff-pass-2026", "BENCHBENCHBENCHBENCHBENCHBENCH22"
LOAN_REF = "L2025000101"  # 张伟's first demo loan (portal/loans/demo.py)
# (label, path, who): who is "anon" (no login), "borrower" or "staff"
PAGES = [
    ("/ (anonymous)", "/", "anon"),
    ("/", "/", "borrower"),
    ("/loans", "/loans", "borrower"),
    ("/loans/<ref>", f"/loans/{LOAN_REF}", "borrower"),
    ("/rights/<slug>", "/rights/home-visits", "borrower"),
    ("/plans", "/plans", "borrower"),
    ("/visits", "/visits", "borrower"),
    ("/complaints", "/complaints", "borrower"),
    ("/contacts", "/contacts", "borrower"),
    ("/staff/", "/staff/", "staff"),
    ("/staff/complaints", "/staff/complaints", "staff"),
    ("/staff/plans", "/staff/plans", "staff"),
    ("/staff/visits/", "/staff/visits/", "staff"),
]


def _app(tmp: str):
    app = create_app({
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "SMS_OUTBOX": f"{tmp}/sms.jsonl",
        "EVIDENCE_DIR": f"{tmp}/evidence",
        "SECRET_KEY": "bench-in-process",
    })
    with app.app_context():
        from portal import demo
        from portal.i18n import local_today

        metadata.create_all(db.engine)
        with app.test_request_context():
            from portal.accounts.services import create_staff

            create_staff(STAFF, "supervisor", STAFF_PASSWORD, display_name="主管", otp_secret=STAFF_SECRET)
            db.session.commit()
        demo.seed_all(db.session, local_today())
        db.session.remove()
    return app


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _clients(app) -> dict:
    anon, borrower, staff = app.test_client(), app.test_client(), app.test_client()
    answer = borrower.post("/login", data={"csrf_token": _csrf(borrower, "/login"), "phone": PHONE,
                                           "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit("borrower login failed")
    answer = staff.post("/staff/login", data={"csrf_token": _csrf(staff, "/staff/login"), "username": STAFF,
                                              "password": STAFF_PASSWORD, "otp": pyotp.TOTP(STAFF_SECRET).now()})
    if answer.status_code != 302:
        raise SystemExit(f"staff login failed: {answer.status_code}")
    return {"anon": anon, "borrower": borrower, "staff": staff}


def _get(client, path: str) -> None:
    answer = client.get(path)
    answer.get_data()
    if answer.status_code != 200:
        raise SystemExit(f"{path}: {answer.status_code}")


def _gc_pauses(clients: dict, pages: list, requests: int) -> None:
    import gc

    began: list[float] = []
    pauses: dict[int, list[float]] = {}

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            began[:] = [time.perf_counter()]
        else:
            pauses.setdefault(info["generation"], []).append((time.perf_counter() - began[0]) * 1000)

    for label, path, who in pages:  # templates compiled, statements cached: what a warm worker holds
        for _ in range(5):
            _get(clients[who], path)
    for frozen in (False, True):
        if frozen:
            gc.collect()
            gc.freeze()
        pauses.clear()
        walls = []
        gc.callbacks.append(watch)
        for i in range(requests):
            _label, path, who = pages[i % len(pages)]
            start = time.perf_counter()
            _get(clients[who], path)
            walls.append((time.perf_counter() - start) * 1000)
        gc.callbacks.remove(watch)
        walls.sort()
        print(f"{'frozen' if frozen else 'as loaded'}: {gc.get_freeze_count()} objects frozen, "
              f"{len(gc.get_objects())} tracked; {requests} requests: median {statistics.median(walls):.2f} ms, "
              f"p99 {walls[int(len(walls) * 0.99)]:.2f} ms, slowest {walls[-1]:.1f} ms")
        for generation in sorted(pauses):
            p = pauses[generation]
            print(f"  generation {generation}: {len(p)} passes, {sum(p):.1f} ms in all, longest {max(p):.2f} ms")
    gc.unfreeze()


TARGETS = [("/ (anonymous)", "/", "anon", "pages.home", 1.0), ("/loans", "/loans", "borrower", "loans.index", 1.5),
           ("/loans/<ref>", f"/loans/{LOAN_REF}", "borrower", "loans.detail", 3.0)]


def _floor(app, clients: dict, requests: int) -> None:
    """The targets against the floors under them (see the module's docstring)."""
    import random

    from flask import Flask

    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    cases = {"bare Flask": (bare.test_client(), "/", None)}
    for label, path, who, endpoint, _target in TARGETS:
        floor = "anonymous floor" if who == "anon" else "logged-in floor"
        cases.setdefault(floor, (clients[who], path, endpoint))
        cases[label] = (clients[who], path, None)
    views = dict(app.view_functions)

    def ask(case: str) -> float:
        client, path, empty = cases[case]
        if empty:
            app.view_functions[empty] = lambda **_: ""
        try:
            start = time.process_time()
            _get(client, path)
            return (time.process_time() - start) * 1000
        finally:
            app.view_functions.update(views)

    times: dict[str, list[float]] = {case: [] for case in cases}
    for case in cases:  # warm-up: templates compiled, statements cached
        for _ in range(20):
            ask(case)
    rounds = max(1, requests // 10)
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for case in order:
            times[case].extend(ask(case) for _ in range(10))
    med = {case: statistics.median(t) for case, t in times.items()}
    unit = med["bare Flask"]
    print(f"{'case':<18} {'CPU ms':>7} {'x bare':>7}   (median of {rounds * 10} requests each, {rounds} interleaved "
          f"rounds)")
    for case, ms in med.items():
        print(f"{case:<18} {ms:>7.2f} {ms / unit:>7.1f}")
    print(f"\n{'target':<18} {'target':>7} {'floor':>7} {'left':>7} {'own now':>8}   (ms; 'left': what the target "
          f"leaves for the page's own work)")
    for label, _path, who, _endpoint, target in TARGETS:
        floor = med["anonymous floor" if who == "anon" else "logged-in floor"]
        print(f"{label:<18} {target:>7.2f} {floor:>7.2f} {target - floor:>7.2f} {med[label] - floor:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("requests", nargs="?", type=int, default=200)
    parser.add_argument("--pages", help="comma-separated labels or paths to measure (default: all)")
    parser.add_argument("--profile", help="print the cProfile table of this page (label or path)")
    parser.add_argument("--gc", action="store_true", help="the collector's pauses, unfrozen and frozen")
    parser.add_argument("--floor", action="store_true", help="the targets against the floors under them")
    args = parser.parse_args()
    pages = PAGES
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = [p for p in PAGES if p[0] in wanted or p[1] in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        clients = _clients(app)
        with app.app_context():
            engine = db.engine
        statements = [0]

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_):
            statements[0] += 1

        if args.gc:
            _gc_pauses(clients, pages, args.requests)
            return
        if args.floor:
            _floor(app, clients, args.requests)
            return
        if args.profile:
            label, path, who = next((p for p in PAGES if args.profile == p[0]), None) or \
                next(p for p in PAGES if args.profile == p[1])
            for _ in range(30):
                _get(clients[who], path)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                _get(clients[who], path)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(80)
            return
        print(f"{'page':<20} {'median ms':>9} {'p90 ms':>7} {'CPU ms':>7} {'SQL':>4} {'calls':>7}"
              f"   ({args.requests} requests each, after 20 warm-up)")
        for label, path, who in pages:
            client = clients[who]
            walls, cpus = [], []
            for i in range(args.requests + 20):
                start, cpu = time.perf_counter(), time.process_time()
                _get(client, path)
                if i >= 20:
                    walls.append((time.perf_counter() - start) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
            statements[0] = 0
            profile = cProfile.Profile()
            profile.enable()
            _get(client, path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls
            walls.sort()
            print(f"{label:<20} {statistics.median(walls):>9.2f} {walls[int(len(walls) * 0.9)]:>7.2f} "
                  f"{statistics.median(cpus):>7.2f} {statements[0]:>4} {calls:>7}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()

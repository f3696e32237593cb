"""In-process page times: the demo data in a temporary SQLite database, the test client logged in as 张伟.

Usage: .venv/bin/python bench/inprocess.py [REQUESTS]   (default 200 per page)
Prints, for `/`, `/loans` and a loan page, the median and the 90th percentile of the time one request takes
through the Flask test client (no server, no network): what the application itself costs per page.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import metadata  # noqa: E402

PHONE, PASSWORD = "13800138000", "demo-pass-2026"
LOAN_REF = "L2025000101"  # 张伟's first demo loan (portal/loans/demo.py)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SMS_OUTBOX": f"{tmp}/sms.jsonl",
            "EVIDENCE_DIR": f"{tmp}/evidence",
            "SECRET_KEY": "bench-in-process",
        })
        with app.app_context():
            from portal import demo
            from portal.i18n import local_today

            metadata.create_all(db.engine)
            demo.seed_all(db.session, local_today())
            db.session.remove()
        client = app.test_client()
        answer = client.post("/login", data={"phone": PHONE, "password": PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"login failed: {answer.status_code}")
        print(f"{'page':<22} {'median ms':>10} {'p90 ms':>8}   ({n} requests each, after 20 warm-up)")
        for path in ("/", "/loans", f"/loans/{LOAN_REF}"):
            times = []
            for i in range(n + 20):
                start = time.perf_counter()
                answer = client.get(path)
                answer.get_data()
                elapsed = time.perf_counter() - start
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code}")
                if i >= 20:
                    times.append(elapsed * 1000)
            times.sort()
            print(f"{path:<22} {statistics.median(times):>10.2f} {times[int(len(times) * 0.9)]:>8.2f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

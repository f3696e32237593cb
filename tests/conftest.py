"""Shared fixtures: one app per test session, a clean database per test, factories and login helpers.

The database is SQLite in a temporary folder, or PostgreSQL when PORTAL_TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import contextvars
import itertools
import json
import os
import secrets
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from portal import create_app
from portal.accounts.models import Borrower, StaffUser
from portal.extensions import db as _db
from portal.extensions import limiter
from portal.loans.models import Instalment, Loan, Payment
from portal.models import metadata
from portal.accounts.sessions import new_login_session

PASSWORD = "correct-horse-42"
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def pytest_collection_modifyitems(config, items):
    """``postgres_only`` tests (races that SQLite's single writer cannot show) run in the PostgreSQL pass."""
    if (os.environ.get("PORTAL_TEST_DATABASE_URL") or "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set PORTAL_TEST_DATABASE_URL (tools/pg-test.sh)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def database_url(instance_dir) -> str:
    return os.environ.get("PORTAL_TEST_DATABASE_URL") or f"sqlite:///{instance_dir / 'test.sqlite3'}"


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A second, empty database of the suite's kind (SQLite file or PostgreSQL database), for migration tests."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/scratch.sqlite3"
        return
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_scratch"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(instance_dir, database_url):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "SMS_OUTBOX": str(instance_dir / "sms-outbox.jsonl"),
        "EMAIL_OUTBOX": str(instance_dir / "email-outbox.jsonl"),
        "EVIDENCE_DIR": str(instance_dir / "evidence"),
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SECRET_KEY": "test-secret",
        "QUEUE_URL": "immediate:",  # outbox rows are delivered inline after the commit (worker tests: tests/notify)
    })
    with app.app_context():
        metadata.drop_all(_db.engine)
        metadata.create_all(_db.engine)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def connections_in_shanghai(app):
    """Every new PostgreSQL connection of the app set to the Asia/Shanghai time zone (as a server configured in
    local time would be): what the app binds must mean the same whatever the connection's zone."""
    from sqlalchemy import event

    with app.app_context():
        engine = _db.engine

    def shanghai(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Asia/Shanghai'")
        dbapi_connection.commit()

    event.listen(engine, "connect", shanghai)
    engine.dispose()
    yield
    event.remove(engine, "connect", shanghai)
    engine.dispose()


def _wipe(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


def _midday_local():
    """Today at 12:00 in the lender's time zone (in UTC): messages queued then go out at once."""
    from datetime import datetime, time, timezone

    from portal.i18n import lender_tz

    tz = lender_tz()
    return datetime.combine(datetime.now(tz).date(), time(12), tzinfo=tz).astimezone(timezone.utc)


@pytest.fixture(autouse=True)
def _messages_sent_in_the_day(monkeypatch):
    """Messages queued from 22:00 to 08:00 lender time wait until 08:00: a test run in those hours would see no
    SMS. The night hold reads the clock as at midday local time; tests of the hold set their own clock."""
    from portal.notify import events

    monkeypatch.setattr(events, "utcnow", _midday_local)


@pytest.fixture(autouse=True)
def _clean_state(request, app, instance_dir):
    """A clean database, SMS outbox, rate-limit store and CSRF setting for every test."""
    yield
    _db.session.remove()
    with app.app_context():
        _wipe(_db.engine)
    for key in ("SMS_OUTBOX", "EMAIL_OUTBOX"):
        Path(app.config[key]).unlink(missing_ok=True)
    limiter.reset()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _report_tallies_follow_the_rows(_clean_state, app):
    """Every test starts with the report tallies built (for its empty database) and ends with them equal to its
    rows: whatever a test does through pages, the API, services or the worker keeps them (portal.tallies).
    A test that changes the lender's zone leaves them unbuilt, and nothing is checked."""
    from portal import tallies
    from portal.i18n import lender_tz

    with app.app_context():
        tallies.rebuild(lender_tz())
        _db.session.commit()
        _db.session.remove()
    yield
    with app.app_context():
        _db.session.remove()
        if tallies.ready(lender_tz()):
            assert tallies.differences(lender_tz()) == {}
        _db.session.remove()


@pytest.fixture
def reports_count_rows(_report_tallies_follow_the_rows, app):
    """The report tallies unbuilt (as after the migration, before the worker builds them): the reports count the
    rows themselves."""
    from sqlalchemy import update

    from portal.tallies.models import ReportTallyState

    with app.app_context():
        _db.session.execute(update(ReportTallyState).values(zone=None))
        _db.session.commit()
        _db.session.remove()


@pytest.fixture
def session(app):
    with app.app_context():
        yield _db.session


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: its own app context, ``g`` and teardown,
    even while the test itself holds an app context (the ``session`` fixture), and it is closed when read."""

    def open(self, *args, **kwargs):
        # Buffered, as a server sends the whole answer and then closes it: work deferred until the response is
        # closed (an SMS sent after the answer) has run when the request returns. Pass buffered=False to see
        # the answer before that.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield


def sms_outbox(app) -> list[dict]:
    path = Path(app.config["SMS_OUTBOX"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def outbox(app):
    return lambda: sms_outbox(app)


def email_outbox(app) -> list[dict]:
    path = Path(app.config["EMAIL_OUTBOX"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def mailbox(app):
    return lambda: email_outbox(app)


# ---- factories ------------------------------------------------------------------------------------------

_ID_BODIES = itertools.count()  # the suite makes more borrowers than one birth date has sequence numbers


def make_id_number(seq: int | None = None) -> str:
    """A valid resident ID: ``seq`` (100-998) on 7 March 1990, or by default the next unused one, born a day later
    for every 899 made."""
    from stdnum.cn import ric

    born = date(1990, 3, 7)
    if seq is None:
        n = next(_ID_BODIES)
        born, seq = born + timedelta(days=n // 899), 100 + n % 899
    body = f"110101{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


_PHONES = iter(range(10_000_000, 99_999_999))


@pytest.fixture
def create_borrower(session, app):
    def factory(*, name="张三", phone=None, id_number=None, locale="zh_Hans", activated=True, **kw) -> Borrower:
        from portal.security import hash_password

        borrower = Borrower(
            name=name, phone=phone or f"139{next(_PHONES):08d}", id_number=id_number or make_id_number(),
            address=kw.pop("address", "北京市东城区东直门南大街 3 号"), locale=locale,
            password_hash=hash_password(PASSWORD) if activated else None, **kw,
        )
        session.add(borrower)
        session.commit()
        return borrower

    return factory


@pytest.fixture
def create_loan(session):
    def factory(borrower: Borrower, *, loan_ref=None, principal="1200.00", months=3,
                start: date | None = None, interest="10.00", fee="0.00", payments=(),
                annual_rate="0.18", penalty_daily_rate="0.0005") -> Loan:
        start = start or date(2026, 1, 15)
        total = int(Decimal(principal) * 100)
        per = total // months
        loan = Loan(loan_ref=loan_ref or f"L{secrets.randbelow(10**9):09d}", borrower_id=borrower.id,
                    product="消费贷", principal_fen=total, annual_rate=Decimal(annual_rate),
                    penalty_daily_rate=Decimal(penalty_daily_rate), start_date=start, source_digest="test")
        for i in range(1, months + 1):
            due = start + timedelta(days=30 * i)
            principal_fen = per if i < months else total - per * (months - 1)
            loan.instalments.append(Instalment(seq=i, due_date=due, principal_fen=principal_fen,
                                               interest_fen=int(Decimal(interest) * 100),
                                               fee_fen=int(Decimal(fee) * 100)))
        for i, (paid_on, amount) in enumerate(payments, 1):
            loan.payments.append(Payment(seq=i, paid_on=paid_on, amount_fen=int(Decimal(amount) * 100)))
        session.add(loan)
        session.commit()
        return loan

    return factory


@pytest.fixture
def create_staff(session):
    def factory(*, role="agent", username=None, **kw) -> StaffUser:
        from portal.accounts.services import create_staff as make

        user = make(username or f"{role}{secrets.randbelow(10**6)}", role, PASSWORD, **kw)
        session.commit()
        return user

    return factory


def login_as(client, user) -> None:
    """Log a borrower or staff user in without the form (the form itself has its own tests)."""
    token = new_login_session(user)
    _db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
        sess.permanent = True


@pytest.fixture
def login():
    return login_as


@pytest.fixture
def seeded_demo(app, session):
    """The data set of ``flask seed-demo``, with its staff accounts; the session."""
    from portal import demo as demo_data
    from portal.accounts.services import create_staff
    from portal.cli import DEMO_STAFF, DEMO_STAFF_PASSWORD
    from portal.i18n import local_today

    with app.test_request_context():
        for username, role, name, secret in DEMO_STAFF:
            create_staff(username, role, DEMO_STAFF_PASSWORD, display_name=name, otp_secret=secret)
        session.commit()
        demo_data.seed_all(session, local_today())
    return session

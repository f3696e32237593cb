"""Every page is valid HTML: the pages the access and crawl tests reach (public pages and the pages of every demo
borrower in both scripts, every console page as a supervisor and as an agent in both scripts, every demo plan,
complaint and visit in its state, forms answered with errors, the error pages) and the pages only a sent form
leads to (a third-party report, the plan wizard's later steps, a rate-limited check), rendered from the demo
data, written to one folder and checked by the W3C Nu HTML checker in ONE run. Every page template must have
been rendered, so a new page is checked from the day it lands.

The checker is npm ``vnu-jar`` (tools/package.json, installed by ``make test``) on Debian's Java
(tools/system-deps.sh). Without them only the Java-free checks (tests/html_checks.py) run and the test is skipped
on a developer machine; in CI (``CI=true``) it fails.
``HTML_PAGES_DIR=/some/dir`` keeps the rendered pages there.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import flask
import pyotp
import pytest
from sqlalchemy import select

from portal.accounts.models import Borrower, StaffUser
from portal.complaints import rules as complaint_rules
from portal.complaints.models import Complaint
from portal.i18n import local_today
from portal.loans.models import Loan
from portal.plans.models import PlanProposal
from portal.visits import rules as visit_rules
from portal.visits.models import Visit
from tests.hardening.crawl import SKIP_ACTIONS, crawl, local_path, parse, seed_demo
from tests.html_checks import id_problems

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "portal" / "templates"
VNU_JAR = ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
from portal.locales import LOCALES  # noqa: E402
PUBLIC = ["/", "/login", "/activate", "/activate?step=code", "/password/reset", "/report", "/report/status",
          "/verify-visitor", "/rights", "/agencies", "/staff/login", "/no-such-page"]
BORROWER = ["/", "/loans", "/visits", "/plans", "/plans/new", "/complaints", "/complaints/new", "/settings",
            "/settings/my-data", "/rights", "/no-such-page"]
STAFF = ["/staff/", "/staff/complaints", "/staff/plans", "/staff/visits/", "/staff/visits/new",
         "/staff/visits/roster", "/staff/audit", "/staff/reports", "/staff/requests", "/staff/agencies",
         "/staff/agencies/new", "/staff/imports",
         "/staff/no-such-page"]


def _checker() -> list[str] | None:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        return None
    # A larger stack (the checker asks for it), and the quick JIT only: half the CPU time of a default run.
    return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR)]


def _answered_with_errors(client, pages: dict) -> dict:
    """Each POST form sent back empty (tokens and hidden fields kept): the page that shows the errors."""
    out, seen = {}, set()
    for path, (status, body) in list(pages.items()):
        if status != 200:
            continue
        for form in parse("http://localhost" + path, body).forms:
            action = local_path(form.action)
            if not action or SKIP_ACTIONS.search(action.split("?")[0]) or "/language" in action:
                continue
            key = (action.split("?")[0], tuple(sorted(form.field_names())))
            if key in seen:
                continue
            seen.add(key)
            data = {f.name: f.value for f in form.fields if f.kind == "hidden"}
            response = client.post(action, data=data)
            if response.mimetype == "text/html" and response.status_code != 302:
                out[f"POST {action} (from {path})"] = (response.status_code, response.get_data(as_text=True))
    return out


def _submit(client, page: str, data: dict, action_has: str = ""):
    """Send the page's first POST form whose action contains ``action_has`` (not the language switch or log-out):
    its hidden fields plus ``data``."""
    body = client.get(page).get_data(as_text=True)
    form = next(f for f in parse("http://localhost" + page, body).forms
                if action_has in f.action and not re.search(r"/language$|/logout$", f.action.split("?")[0]))
    hidden = {f.name: f.value for f in form.fields if f.kind == "hidden"}
    return client.post(local_path(form.action), data={**hidden, **data})


def _get(client, path: str, locales=LOCALES) -> dict:
    out = {}
    for locale in locales:
        client.set_cookie("portal_locale", locale)
        response = client.get(path)
        out[f"{locale} {path}"] = (response.status_code, response.get_data(as_text=True))
    return out


def journeys(new_client, session, pages: dict) -> dict:
    """Pages only a sent form leads to: a third-party report sent and followed (the demo one by its secret), the
    plan wizard's steps 2 and 3, the visitor check once rate-limited."""
    from portal.complaints.demo import DEMO_REPORT_SECRET

    out = {}
    client = new_client()
    report = session.scalar(select(Complaint).where(Complaint.borrower_id.is_(None)).order_by(Complaint.id))
    looked_up = _submit(client, "/report/status", {"action": "lookup", "reference": report.reference,
                                                   "secret": DEMO_REPORT_SECRET})
    assert looked_up.status_code == 302, looked_up.status_code
    out |= {f"anonymous {k} (the demo report)": v for k, v in _get(client, "/report/status").items()}

    client = new_client()
    sent = _submit(client, "/report", {
        "categories": ["threats", "third_parties"], "channel": "phone", "occurred_on": "2026-01-10",
        "what_happened": "他半夜打电话给我母亲，说要上门。", "preferred_contact": "sms", "reporter_name": "王阿姨",
        "reporter_relation": "parent", "contact_phone": "13700137000", "debtor_name": "王小明"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/report/done"), sent.status_code
    out |= {f"anonymous {k} (a report just sent)": v for k, v in _get(client, "/report/done", ["zh_Hans"]).items()}
    out |= {f"anonymous {k} (a report just sent)": v for k, v in _get(client, "/report/status").items()}

    wizard = next((name.split(" ", 2) for name in sorted(pages) if "/plans/new?loan=" in name), None)
    assert wizard is not None, "no loan offers a new plan: the wizard's steps are not checked"
    phone, _locale, start = wizard
    client = new_client(session.scalar(select(Borrower).where(Borrower.phone == phone)))
    loan = start.split("loan=")[1].split("&")[0]
    step1 = _submit(client, start, {"kind": "instalments", "months": "6"}, "step=1")
    assert step1.status_code == 302, step1.status_code
    out |= {f"{phone} {k}": v for k, v in _get(client, f"/plans/new?loan={loan}&step=2").items()}
    step2 = _submit(client, f"/plans/new?loan={loan}&step=2", {
        "income": "6000", "housing": "1500", "food": "1200", "utilities": "300", "transport": "200",
        "dependants": "500", "other_debts": "800", "dependants_count": "1", "hardship_reason": "job_loss",
        "hardship_detail": "公司裁员"}, "step=2")
    assert step2.status_code == 302, step2.status_code
    out |= {f"{phone} {k}": v for k, v in _get(client, f"/plans/new?loan={loan}&step=3").items()}

    client = new_client()
    for _attempt in range(30):
        limited = _submit(client, "/verify-visitor", {"badge": "X1", "code": "Y1"})
        if limited.status_code == 429:
            out["anonymous zh_Hans POST /verify-visitor (rate-limited)"] = (429, limited.get_data(as_text=True))
            break
    assert "anonymous zh_Hans POST /verify-visitor (rate-limited)" in out
    return out | team_journey(new_client, session) | who_called_journey(new_client) \
        | webhook_journey(new_client, session) | api_token_journey(new_client, session) \
        | import_journey(new_client, session)


def who_called_journey(new_client) -> dict:
    """"Who called me?": an agency's number, the lender's, a past agency's, an unknown one (both scripts), and
    the check once rate-limited."""
    out = {}
    for locale in LOCALES:
        client = new_client()
        client.set_cookie("portal_locale", locale)
        for number in ("020 6123 4567", "0755-8888 6666", "075566667777", "13912345678"):
            answer = _submit(client, "/agencies", {"number": number})
            out[f"anonymous {locale} POST /agencies ({number})"] = (answer.status_code, answer.get_data(as_text=True))
    client = new_client()
    for _attempt in range(30):
        limited = _submit(client, "/agencies", {"number": "13912345678"})
        if limited.status_code == 429:
            out["anonymous zh_Hans POST /agencies (rate-limited)"] = (429, limited.get_data(as_text=True))
            break
    assert "anonymous zh_Hans POST /agencies (rate-limited)" in out
    from portal.extensions import limiter

    limiter.reset()  # the forms answered with errors come later and post here too
    return out


def import_journey(new_client, session) -> dict:
    """A console import: a file with a good and a bad line uploaded (the worker runs inline in tests), its page."""
    import io

    lead = session.scalar(select(StaffUser).where(StaffUser.role == "supervisor").order_by(StaffUser.id))
    client = new_client(lead)
    line = json.dumps({"loan_ref": "LHTML0001", "product": "消费贷", "borrower": {
        "name": "钱多多", "phone": "13900139000", "id_number": "110101199003074514", "locale": "zh_Hans"},
        "principal": "100.00", "annual_rate": "0.18", "penalty_daily_rate": "0.0005", "start_date": "2026-01-01",
        "schedule": [{"due_date": "2026-02-01", "principal": "100.00"}]}, ensure_ascii=False)
    body = client.get("/staff/imports").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', body)
    sent = client.post("/staff/imports", data={"csrf_token": token.group(1) or token.group(2), "kind": "loans",
                                               "file": (io.BytesIO(f"{line}\nnot json\n".encode()), "x.jsonl")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302, sent.status_code
    return {f"supervisor {k} (an import done)": v for k, v in _get(client, sent.headers["Location"]).items()}


def team_journey(new_client, session) -> dict:
    """Team administration: a new member's one-time link used (setup, done, spent), a new authenticator secret and
    recovery codes for a member."""
    lead = session.scalar(select(StaffUser).where(StaffUser.role == "supervisor").order_by(StaffUser.id))
    client = new_client(lead)
    created = _submit(client, "/staff/team/new", {"display_name": "孙新人", "username": "newcomer", "role": "agent"})
    assert created.status_code == 200, created.status_code
    out = {"supervisor zh_Hans POST /staff/team/new": (200, created.get_data(as_text=True))}
    link = re.search(r"http://localhost(/staff/setup/[A-Za-z0-9_-]+)", created.get_data(as_text=True)).group(1)
    member = session.scalar(select(StaffUser).where(StaffUser.username == "newcomer"))
    for action in ("second-factor", "recovery-codes"):
        shown = _submit(client, f"/staff/team/{member.id}", {}, f"/{action}")
        out[f"supervisor zh_Hans POST /staff/team/{member.id}/{action}"] = (shown.status_code,
                                                                           shown.get_data(as_text=True))
    session.expire_all()
    secret = session.get(StaffUser, member.id).otp_secret
    newcomer = new_client()
    out |= {f"anonymous {k} (a setup link)": v for k, v in _get(newcomer, link).items()}
    done = _submit(newcomer, link, {"password": "a-long-new-password-1", "confirm": "a-long-new-password-1",
                                    "otp": pyotp.TOTP(secret).now()})
    out["anonymous zh_Hans POST setup link"] = (done.status_code, done.get_data(as_text=True))
    out |= {f"anonymous {k} (a spent link)": v for k, v in _get(newcomer, link).items()}
    return out


def webhook_journey(new_client, session) -> dict:
    """Webhooks: an endpoint added (its secret shown once), an event delivered to it (refused: nothing listens on
    that local port) and the delivery's page with its attempt."""
    import socket

    from portal.events import emit
    from portal.webhooks.models import WebhookDelivery

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lead = session.scalar(select(StaffUser).where(StaffUser.role == "supervisor").order_by(StaffUser.id))
    client = new_client(lead)
    added = _submit(client, "/staff/webhooks", {"name": "CRM", "url": f"http://127.0.0.1:{port}/hooks"},
                    "/endpoints")
    assert added.status_code == 200, added.status_code
    out = {"supervisor zh_Hans POST /staff/webhooks/endpoints": (200, added.get_data(as_text=True))}
    emit(session, "consent.changed", loan_ref=session.scalar(select(Loan.loan_ref).limit(1)),
         data={"consent": "family_contact", "scope": "account", "visit": None, "given": False})
    session.commit()
    delivery = session.scalar(select(WebhookDelivery.id).order_by(WebhookDelivery.id.desc()).limit(1))
    session.commit()
    out |= {f"supervisor {k}": v for k, v in _get(client, "/staff/webhooks").items()}
    out |= {f"supervisor {k}": v for k, v in _get(client, f"/staff/webhooks/deliveries/{delivery}").items()}
    return out


def api_token_journey(new_client, session) -> dict:
    """An API token made in the console: the page that shows it once, and the list with it."""
    lead = session.scalar(select(StaffUser).where(StaffUser.role == "supervisor").order_by(StaffUser.id))
    client = new_client(lead)
    made = _submit(client, "/staff/api-tokens/new", {"name": "core-banking", "scopes": ["loans:write",
                                                                                        "events:read"]})
    assert made.status_code == 200 and "bpt_" in made.get_data(as_text=True), made.status_code
    return {"supervisor zh_Hans POST /staff/api-tokens/new": (200, made.get_data(as_text=True)),
            **{f"supervisor {k} (a token made)": v for k, v in _get(client, "/staff/api-tokens").items()}}


def demo_objects(session) -> list[tuple[str, str, int | None, str, str]]:
    """Every demo plan, complaint and visit: (kind, state, borrower id, borrower's page, staff page)."""
    rows = [("plan", p.state, p.borrower_id, f"/plans/{p.id}", f"/staff/plans/{p.id}")
            for p in session.scalars(select(PlanProposal).where(PlanProposal.state != "draft"))]
    rows += [("complaint", c.state, c.borrower_id, f"/complaints/{c.reference}", f"/staff/complaints/{c.reference}")
             for c in session.scalars(select(Complaint))]
    rows += [("visit", v.state, v.loan.borrower_id, f"/visits/{v.id}", f"/staff/visits/{v.id}")
             for v in session.scalars(select(Visit))]
    return rows


def collect_pages(app, login, session, staff, objects) -> dict[str, str]:
    pages: dict[str, str] = {}

    def new_client(user=None):
        """A browser of its own (cookies, session) for each visitor, logged in as ``user`` (the ``client`` fixture
        made ``app.test_client()`` run each request in a context of its own)."""
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.set_cookie("portal_locale", "zh_Hans")
        return client

    def add(prefix: str, found: dict) -> None:
        for path, (status, body) in found.items():
            assert status < 500, f"{prefix} {path}: {status}"
            pages[f"{prefix} {path}".strip()] = body

    client = new_client()
    for locale in LOCALES:
        client.set_cookie("portal_locale", locale)
        anonymous = crawl(client, PUBLIC, limit=60, allow=lambda p: not p.startswith("/staff/") or p == "/staff/login")
        add(f"anonymous {locale}", anonymous)
    borrowers = session.scalars(select(Borrower).where(Borrower.password_hash.is_not(None))
                                .order_by(Borrower.id)).all()
    # Links lead to most pages; each demo object's own page, and the queues' status filters, are visited anyway.
    users = [(b, b.phone, BORROWER + [mine for _k, _s, owner, mine, _staff in objects if owner == b.id],
              lambda p: not p.startswith("/staff")) for b in borrowers]
    staff_starts = STAFF + [f"/staff/complaints?status={state}" for state in complaint_rules.STATES] \
        + [theirs for *_rest, theirs in objects] \
        + [f"/staff/visits/new?loan={ref}" for ref in session.scalars(select(Loan.loan_ref).order_by(Loan.id))]\
        + [f"/staff/borrowers/{b.id}/contacts" for b in borrowers]
    users += [(u, u.role, staff_starts, lambda p: p.startswith("/staff")) for u in staff]
    crawled = []
    for user, who, starts, allow in users:
        client = new_client(user)
        for locale in LOCALES:
            client.set_cookie("portal_locale", locale)
            found = crawl(client, starts, limit=400, per_path=8, allow=allow)
            add(f"{who} {locale}", found)
        crawled.append((user, who, found))
    add("", journeys(new_client, session, pages))
    # Forms answered with errors last: an empty form that is valid (a button) changes the demo data.
    add("anonymous errors", _answered_with_errors(new_client(), anonymous))
    for user, who, found in crawled:
        add(f"{who} errors", _answered_with_errors(new_client(user), found))
    return pages


@pytest.fixture
def demo(app, session, create_staff):
    staff = [create_staff(role="supervisor", username="supervisor", display_name="赵主管"),
             create_staff(role="agent", username="agent", display_name="李客服")]
    with app.test_request_context():
        seed_demo(session, local_today())
        _every_visit_state(session)
    return staff


def _every_visit_state(session) -> None:
    """The demo has one open visit per loan (one visit at a time), on its two loans past their visit day, so not
    every open state: for the pages of the others, a visit in each on a loan with none open (a rendering check, not
    a demo story)."""
    from datetime import timedelta

    shown = set(session.scalars(select(Visit.state)))
    busy = set(session.scalars(select(Visit.loan_id).where(Visit.state.in_(visit_rules.OPEN_STATES))))
    model = session.scalar(select(Visit).where(Visit.state == "confirmed").limit(1))
    free = [loan for loan in session.scalars(select(Loan).order_by(Loan.id)) if loan.id not in busy]
    for n, state in enumerate(s for s in visit_rules.STATES if s not in shown):
        start = model.window_start + timedelta(days=5 + n)
        extra = {"remote_reason": "白天在外地上班，希望视频核实。"} if state == "remote_requested" else {}
        session.add(Visit(loan=free[n], address=free[n].borrower.address or "北京市", window_start=start,
                          window_end=start + timedelta(hours=3), purpose=model.purpose, state=state,
                          code=visit_rules.new_visit_code(), proposed_by=model.proposed_by,
                          visitors=list(model.visitors), reschedule_count=1 if state == "rescheduled" else 0,
                          **extra))
    session.commit()


def _file_name(i: int, name: str) -> str:
    return f"{i:04d}-{re.sub(r'[^A-Za-z0-9_]+', '_', name)[:80]}.html"


def test_every_page_is_valid_html(app, client, login, session, demo, csrf_on, tmp_path, capsys):
    objects = demo_objects(session)
    states = {(kind, state) for kind, state, *_rest in objects}
    assert {("plan", "submitted"), ("plan", "under_review")} <= states  # awaiting a decision
    assert {("complaint", s) for s in complaint_rules.STATES} <= states
    assert {("visit", s) for s in visit_rules.STATES} <= states
    rendered: set[str] = set()

    def record(_sender, template, context, **_extra):
        rendered.add(template.name)

    with flask.template_rendered.connected_to(record, app):
        pages = collect_pages(app, login, session, demo, objects)
    templates = {str(t.relative_to(TEMPLATES)) for t in TEMPLATES.rglob("*.html")}
    unchecked = sorted(t for t in templates - rendered
                       if not Path(t).name.startswith("_") and t not in ("base.html", "staff/base.html"))
    assert not unchecked, f"page templates never rendered here (add a start or a journey above): {unchecked}"
    phones = {b.id: b.phone for b in session.scalars(select(Borrower).where(Borrower.password_hash.is_not(None)))}
    for kind, state, owner, mine, theirs in objects:
        for locale in LOCALES:
            for who in [role.role for role in demo] + ([phones[owner]] if owner in phones else []):
                path = mine if who == phones.get(owner) else theirs
                assert f"{who} {locale} {path}" in pages, f"{kind} {state}: {who} did not see {path} in {locale}"
    for needed in ("/loans/", "/rights/", "/staff/reports", "/staff/audit", "/staff/visits/roster"):
        assert any(needed in name for name in pages), f"no page under {needed} was reached"

    # HTML_PAGES_DIR keeps the pages for a look (e.g. the checker's warnings, without --errors-only).
    folder = Path(os.environ["HTML_PAGES_DIR"]) if os.environ.get("HTML_PAGES_DIR") else tmp_path / "pages"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    names = {}
    python_problems = []
    for i, (name, body) in enumerate(sorted(pages.items())):
        file_name = _file_name(i, name)
        names[file_name] = name
        (folder / file_name).write_text(body, encoding="utf-8")
        python_problems += [f"{name}: {p}" for p in id_problems(body)]

    checker = _checker()
    if checker is None:  # the Java-free checks still ran over every page
        assert not python_problems, "\n".join(python_problems)
        message = (f"{len(pages)} pages rendered; the W3C checker needs java and {VNU_JAR.relative_to(ROOT)} "
                   "(bash tools/system-deps.sh; npm ci --prefix tools)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    started = time.monotonic()
    run = subprocess.run([*checker, "--format", "json", "--errors-only", "--stdout", str(folder)],
                         capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    try:
        messages = json.loads(run.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        pytest.fail(f"the checker gave no JSON (exit {run.returncode}): {run.stdout[:500]} {run.stderr[:500]}")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    with capsys.disabled():
        print(f"\nW3C Nu HTML checker: {len(pages)} pages validated in one run, {len(errors)} errors, "
              f"{seconds:.1f} s")
    report: dict[str, list[str]] = {}
    for m in errors:
        page = names.get(Path(m.get("url", "")).name, m.get("url"))
        report.setdefault(m.get("message", ""), []).append(f"{page} line {m.get('lastLine')}: "
                                                           f"{(m.get('extract') or '').strip()[:100]!r}")
    summary = [f"{len(where)} x {message}\n    " + "\n    ".join(where[:5]) for message, where in report.items()]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(summary)
    assert run.returncode == 0, f"the checker failed (exit {run.returncode}): {run.stderr[-2000:]}"
    assert not python_problems, "\n".join(python_problems)

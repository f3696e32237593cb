"""Hostile input: every POST form of the public, borrower and staff sides (found by crawling the pages) gets
very long text, NUL bytes, emoji, mixed scripts, full-width digits, SQL and HTML/script payloads, wrong types
and a missing CSRF token. No answer may be a 500 and no page may carry a payload unescaped."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import local_today
from tests.hardening.crawl import SKIP_ACTIONS, crawl, local_path, parse, seed_demo

MARK = "xq7"  # finds our payloads in pages
SCRIPT = f'<script>alert("{MARK}")</script>'
ATTR = f'"><img src=x onerror=alert("{MARK}")>'
PAYLOADS = {
    "long": "长" * 20_000 + "A" * 80_000,
    "nul": f"abc\x00def{MARK}\x00",
    "emoji": "😀🙏🏽👨‍👩‍👧 " * 20,
    "mixed": "Zhang 张三 張三 Иван محمد ﷽ \u202eevil\u202c",
    "fullwidth": "１３８００１３８０００",
    "sql": "' OR '1'='1'; DROP TABLE borrowers; --",
    "script": SCRIPT,
    "attr": ATTR,
}
WRONG_TYPES = {"number": "abc", "date": "2026-13-45", "time": "25:61", "tel": "not-a-phone", "email": "@@",
               "select": "no-such-choice", "radio": "no-such-choice", "checkbox": "no-such-choice",
               "file": "not a file", "hidden": "-1"}
PUBLIC = ["/", "/login", "/activate", "/password/reset", "/report", "/report/status", "/verify-visitor", "/rights",
          "/staff/login"]
BORROWER = ["/", "/loans", "/visits", "/plans", "/complaints", "/complaints/new", "/settings", "/settings/my-data"]
STAFF = ["/staff/", "/staff/complaints", "/staff/plans", "/staff/visits/", "/staff/visits/new",
         "/staff/visits/roster", "/staff/audit", "/staff/reports", "/staff/requests"]


def unescaped(body: str) -> bool:
    return SCRIPT in body or ATTR in body or f"onerror=alert(\"{MARK}\")" in body


def values_for(form, payload: str) -> dict:
    data: dict = {}
    for f in form.fields:
        if f.name == "csrf_token" or f.name.endswith("-csrf_token"):
            continue
        if f.kind in ("text", "textarea", "search", "password"):
            data[f.name] = payload
        elif f.kind in WRONG_TYPES and f.kind not in ("hidden",):
            data[f.name] = WRONG_TYPES[f.kind] if payload is PAYLOADS["sql"] else payload
        elif f.kind in ("submit",):
            data[f.name] = f.options[0] if f.options else f.value
        else:  # hidden fields: keep (tokens, versions), but also try the payload on them
            data[f.name] = payload if payload is PAYLOADS["script"] else f.value
    return data


def forms_on(pages: dict) -> list:
    found, seen = [], set()
    for path, (status, body) in pages.items():
        if status != 200:
            continue
        for form in parse("http://localhost" + path, body).forms:
            action = local_path(form.action)
            key = (action.split("?")[0] if action else None, tuple(sorted(form.field_names())))
            if action and not SKIP_ACTIONS.search(action.split("?")[0]) and key not in seen:
                seen.add(key)
                form.action = action
                found.append(form)
    return found


def attack(client, pages: dict) -> list[str]:
    problems = []
    forms = forms_on(pages)
    for form in forms:
        for name, payload in PAYLOADS.items():
            response = client.post(form.action, data=values_for(form, payload))
            body = response.get_data(as_text=True)
            if response.status_code >= 500:
                problems.append(f"{response.status_code} from {form.action} ({form.page}) with {name}")
            elif unescaped(body):
                problems.append(f"unescaped {name} payload echoed by {form.action}")
    return problems, len(forms)


@pytest.fixture
def demo(app, session):
    with app.test_request_context():
        seed_demo(session, local_today())


def _recrawl_clean(client, starts, allow=lambda p: True) -> list[str]:
    pages = crawl(client, starts, limit=80, allow=allow)
    return [f"{status} on {path}" if status >= 500 else f"unescaped payload on {path}"
            for path, (status, body) in pages.items() if status >= 500 or unescaped(body)]


def test_public_and_borrower_forms_survive_hostile_input(app, client, login, session, demo):
    public = crawl(client, PUBLIC, limit=40, allow=lambda p: not p.startswith("/staff/") or p == "/staff/login")
    problems, n_public = attack(client, public)
    borrower = session.scalar(select(Borrower).where(Borrower.phone == "13800138000"))
    login(client, borrower)
    pages = crawl(client, BORROWER, limit=60, allow=lambda p: not p.startswith("/staff"))
    more, n_borrower = attack(client, pages)
    problems += more
    problems += _recrawl_clean(client, BORROWER, allow=lambda p: not p.startswith("/staff"))
    assert n_public >= 4 and n_borrower >= 4, (n_public, n_borrower)
    assert not problems, "\n".join(problems)


def test_staff_forms_survive_hostile_input(app, client, login, create_staff, demo):
    login(client, create_staff(role="supervisor"))
    pages = crawl(client, STAFF, limit=60, allow=lambda p: p.startswith("/staff"))
    problems, n = attack(client, pages)
    problems += _recrawl_clean(client, STAFF, allow=lambda p: p.startswith("/staff"))
    assert n >= 3, n
    assert not problems, "\n".join(problems)


def test_forms_without_a_csrf_token_are_refused_politely(app, client, login, csrf_on, demo, session):
    pages = crawl(client, PUBLIC, limit=30, allow=lambda p: not p.startswith("/staff/") or p == "/staff/login")
    borrower = session.scalar(select(Borrower).where(Borrower.phone == "13800138000"))
    login(client, borrower)
    pages.update(crawl(client, BORROWER, limit=40, allow=lambda p: not p.startswith("/staff")))
    forms = forms_on(pages)
    assert forms
    before = row_counts(session)
    for form in forms:
        response = client.post(form.action, data=values_for(form, "text"))
        assert response.status_code in (200, 302, 400, 403, 422), (form.action, response.status_code)
        if response.status_code != 302:
            assert 'lang="zh-Hans"' in response.get_data(as_text=True)
    session.expire_all()
    assert row_counts(session) == before  # nothing was saved


def row_counts(session) -> dict:
    from sqlalchemy import func

    from portal.models import metadata

    skip = {"login_sessions", "audit_events", "verification_codes"}
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables
            if t.name not in skip}

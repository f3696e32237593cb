"""Staff borrower lookup: every kind of query, masking, pages, bad input, access and the audit trail."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.accounts import rules as identity
from portal.audit.models import AuditEvent
from portal.loans.models import Loan, folded_loan_ref
from portal.staff.borrowers import lookup


def _audit(session, action):
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    return [json.loads(e.detail or "{}") for e in events]


@pytest.fixture
def agent(create_staff, client, login):
    user = create_staff(role="agent")
    login(client, user)
    return user


@pytest.fixture
def chen(create_borrower, create_loan):
    borrower = create_borrower(name="陳美玲", phone="13900139000", id_number="110101199003074514", locale="zh_Hant")
    create_loan(borrower, loan_ref="L2024000123")
    create_loan(borrower, loan_ref="L2024000124")
    return borrower


# ---- rules --------------------------------------------------------------------------------------------------

def test_name_key_folds_script_width_case_and_separators():
    assert identity.name_key("陳美玲") == identity.name_key("陈美玲") == identity.name_key(" 陳 美玲 ")
    assert identity.name_key("阿依古丽·买买提") == "阿依古丽买买提"
    assert identity.name_key("ＬＩ Ｎａ") == "lina"


@pytest.mark.parametrize("raw,kind,value", [
    ("+86 139 0013 9000", "phone", "13900139000"),
    ("139-0013-9000", "phone", "13900139000"),
    ("８６１３９００１３９０００", "phone", "13900139000"),
    ("l2024000123", "loan_ref", "L2024000123"),
    ("ts-20261122-0042", "complaint_ref", "TS-20261122-0042"),
    ("4514", "id_tail", "4514"),
    ("123x", "id_tail", "123X"),
    ("110101199003074514", "id_number", "110101199003074514"),
    ("陳美", "name_key", "陈美"),
])
def test_parse_recognises_each_kind(raw, kind, value):
    assert getattr(lookup.parse(raw), kind) == value


@pytest.mark.parametrize("raw", ["", "   ", "- . -"])
def test_parse_gives_nothing_to_search_for_empty_input(raw):
    assert lookup.parse(raw) is None


@pytest.mark.parametrize("raw", ["😀", "%", "_", "' OR 1=1 --", "12345678", "*"])
def test_symbols_and_bare_digits_are_no_name_search(raw):
    q = lookup.parse(raw)
    assert q is not None and q.name_key is None or (q.name_key and "%" not in q.name_key)


def test_a_query_over_the_limit_is_refused():
    with pytest.raises(lookup.QueryTooLong):
        lookup.parse("张" * (lookup.MAX_QUERY_LENGTH + 1))


# ---- the page ---------------------------------------------------------------------------------------------

def _names(response) -> str:
    return response.get_data(as_text=True)


def _listed(page: str, borrower) -> bool:
    return f'href="/staff/borrowers/{borrower.id}?q=' in page


@pytest.mark.parametrize("q", ["13900139000", "+86 139 0013 9000", "139-0013-9000", "(139) 0013 9000",
                               "０１３９００１３９０００", "陳美玲", "陈美玲", "陈", "L2024000123", "l2024000124", "4514",
                               "110101199003074514"])
def test_agent_finds_the_borrower_every_way(client, agent, chen, q):
    page = _names(client.get("/staff/borrowers", query_string={"q": q}))
    table = page[page.index("<tbody>"):page.index("</tbody>")]  # the query itself is echoed in the form and links
    assert f'href="/staff/borrowers/{chen.id}?q=' in table
    table = re.sub(r'href="[^"]*"', "", table)
    assert "陳美玲" in table
    assert "139****9000" in table and "13900139000" not in table
    assert "110***********4514" in table and "110101199003074514" not in table
    assert re.search(r"<td[^>]*>2</td>", table)  # two loans


@pytest.mark.parametrize("stored,typed", [("l2025000777", "L2025000777"), ("l2025000777", "l2025000777"),
                                          ("L2025000777", "l2025000777"), ("Lx-2025ab", "LX-2025AB"),
                                          ("lx-2025ab", "Lx-2025aB"), ("abcdefghijk", "ABCDEFGHIJK"),
                                          ("Lx-2025abcdefghij", "LX-2025ABCDEFGHIJ")])
def test_a_loan_reference_is_found_in_capitals_or_small_letters_whatever_its_stored_case(
        client, agent, create_borrower, create_loan, stored, typed):
    """A reference read out on the phone loses its case: the agent types it either way."""
    wang = create_borrower(name="王小红")
    create_loan(wang, loan_ref=stored)
    page = _names(client.get("/staff/borrowers", query_string={"q": typed}))
    assert _listed(page, wang)


def test_references_differing_only_in_case_list_both_borrowers(client, agent, create_borrower, create_loan):
    """The lender's references are stored as imported, so two may differ in case only: both are listed."""
    wang, li = create_borrower(name="王小红"), create_borrower(name="李娜")
    create_loan(wang, loan_ref="L2025000777")
    create_loan(li, loan_ref="l2025000777")
    page = _names(client.get("/staff/borrowers", query_string={"q": "L2025000777"}))
    assert _listed(page, wang) and _listed(page, li)


def test_a_loan_reference_in_any_case_is_found_through_its_folded_index(session):
    """No scan of the loans: the lookup compares lower(loan_ref), which ix_loans_loan_ref_folded indexes."""
    from sqlalchemy import text

    from portal.extensions import db

    stmt = select(Loan.borrower_id).where(folded_loan_ref() == "lx-2025abcdefghij")
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " | ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " | ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
    session.rollback()
    assert "ix_loans_loan_ref_folded" in plan, plan
def test_a_complaint_reference_finds_its_borrower(client, agent, chen):
    response = client.post(f"/staff/borrowers/{chen.id}/complaints/new", data={
        "token": "t1", "categories": ["threats"], "channel": "phone", "what_happened": "他们威胁我", "loan": "",
        "preferred_contact": "phone"})
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    assert reference.startswith("TS-")
    page = _names(client.get("/staff/borrowers", query_string={"q": reference.lower()}))
    assert _listed(page, chen)


def test_another_borrower_is_not_listed(client, agent, chen, create_borrower):
    li = create_borrower(name="李娜", phone="13700137000")
    page = _names(client.get("/staff/borrowers", query_string={"q": "13900139000"}))
    assert _listed(page, chen) and not _listed(page, li)


@pytest.mark.parametrize("q", ["😀😀", "' OR '1'='1", "%", "_", "%%%", "*", "\\", "13", "0000", "SELECT * FROM borrowers",
                               "𠀀𠀁", "张" * 100, "\u202e\u200b", "<script>alert(1)</script>"])
def test_hostile_queries_answer_politely_and_match_nobody(client, agent, chen, q):
    response = client.get("/staff/borrowers", query_string={"q": q})
    assert response.status_code == 200
    assert not _listed(_names(response), chen) and "<tbody>" not in _names(response)


def test_a_very_long_query_is_answered_next_to_the_field_and_kept(client, agent, chen, session):
    q = "陈" * 10_000
    response = client.get("/staff/borrowers", query_string={"q": q})
    page = _names(response)
    assert response.status_code == 200
    assert not _listed(page, chen) and 'aria-invalid="true"' in page and q in page
    assert _audit(session, "borrower.searched") == []  # refused: nothing was searched, so nothing is recorded


def test_only_searches_that_ran_are_recorded_and_never_longer_than_the_lookup_allows(client, agent, chen, session):
    client.get("/staff/borrowers", query_string={"q": "x" * (lookup.MAX_QUERY_LENGTH + 200)})  # refused
    client.get("/staff/borrowers", query_string={"q": "- . -"})  # nothing to search for
    client.get("/staff/borrowers", query_string={"q": "陈" * lookup.MAX_QUERY_LENGTH})  # the longest that runs
    client.get(f"/staff/borrowers/{chen.id}", query_string={"q": "陈" * 300})  # a hand-made link
    assert [a["query"] for a in _audit(session, "borrower.searched")] == ["陈" * lookup.MAX_QUERY_LENGTH]
    assert _audit(session, "borrower.viewed") == [{"query": "陈" * lookup.MAX_QUERY_LENGTH}]


def test_results_come_20_a_page_and_the_next_page_continues(client, agent, create_borrower):
    for i in range(45):
        create_borrower(name=f"王{chr(0x4e00 + i)}")
    first = _names(client.get("/staff/borrowers", query_string={"q": "王"}))
    assert first.count('href="/staff/borrowers/') == 20
    seen = set(re.findall(r'href="/staff/borrowers/(\d+)\?', first))
    after = re.search(r'href="[^"]*after=(\d+)"', first).group(1)
    second = _names(client.get("/staff/borrowers", query_string={"q": "王", "after": after}))
    third_after = re.search(r'href="[^"]*after=(\d+)"', second).group(1)
    third = _names(client.get("/staff/borrowers", query_string={"q": "王", "after": third_after}))
    ids = [set(re.findall(r'href="/staff/borrowers/(\d+)\?', p)) for p in (second, third)]
    assert len(ids[0]) == 20 and len(ids[1]) == 5
    assert not (seen & ids[0]) and not (ids[0] & ids[1])
    assert not re.search(r'href="[^"]*after=', third)


@pytest.mark.parametrize("after", [str(2**31), str(2**63), "-1", "²"])
def test_a_page_start_no_borrower_can_have_shows_the_first_page(client, agent, chen, after):
    """``after`` beyond the database's integers was looked up as a borrower id (500: PostgreSQL refused 2**31,
    SQLite 2**63)."""
    response = client.get("/staff/borrowers", query_string={"q": "陳美玲", "after": after})
    assert response.status_code == 200
    assert f'href="/staff/borrowers/{chen.id}?' in response.get_data(as_text=True)


def test_every_search_and_every_opened_borrower_is_audited_with_the_query(client, agent, chen, session):
    client.get("/staff/borrowers", query_string={"q": "139 0013 9000"})
    client.get(f"/staff/borrowers/{chen.id}", query_string={"q": "139 0013 9000"})
    searched = _audit(session, "borrower.searched")
    assert searched == [{"query": "139 0013 9000", "kinds": ["phone"], "results": 1, "after": ""}]
    opened = session.scalars(select(AuditEvent).where(AuditEvent.action == "borrower.viewed")).one()
    assert opened.object_id == str(chen.id) and opened.staff_id == agent.id
    assert json.loads(opened.detail) == {"query": "139 0013 9000"}


def test_the_empty_form_searches_nothing_and_records_nothing(client, agent, chen, session):
    page = _names(client.get("/staff/borrowers"))
    assert not _listed(page, chen) and 'name="q"' in page
    assert _audit(session, "borrower.searched") == []


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_staff_roles_may_search(client, create_staff, login, chen, role):
    login(client, create_staff(role=role))
    assert client.get("/staff/borrowers", query_string={"q": "陈美玲"}).status_code == 200


def test_anonymous_and_borrowers_are_sent_to_the_staff_login(client, chen, login):
    for path in ("/staff/borrowers?q=1", f"/staff/borrowers/{chen.id}"):
        assert client.get(path).headers["Location"].startswith("/staff/login")
    login(client, chen)
    for path in ("/staff/borrowers?q=1", f"/staff/borrowers/{chen.id}"):
        assert client.get(path).headers["Location"].startswith("/staff/login")


def test_the_scale_loader_fills_the_search_keys(app, tmp_path):
    import io

    from portal.extensions import db
    from portal.scale.bulk import load_loans
    from portal.scale.generate import Options, generate

    out, staff = io.StringIO(), io.StringIO()
    generate(Options(borrowers=5, seed=3), out, staff)
    with app.app_context():
        with db.engine.connect() as conn:
            load_loans(conn, io.StringIO(out.getvalue()))
        from portal.accounts.models import Borrower

        rows = db.session.scalars(select(Borrower)).all()
        assert rows and all(r.name_key == identity.name_key(r.name) and r.id_tail == r.id_number[-4:] for r in rows)


def test_the_migration_backfills_the_search_keys_and_keeps_the_borrowers(empty_database_url):
    from sqlalchemy import create_engine, text

    from portal import migrate

    migrate.upgrade(empty_database_url, "a7c4e9f1b2d5")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO borrowers (name, phone, id_number, address, locale, locale_chosen, "
                          "preferred_contact, family_contact_consent, created_at) VALUES ('陳美玲', '13900139000', "
                          "'11010119900307451X', '', 'zh_Hant', false, 'sms', false, '2026-11-01 00:00:00')"))
    migrate.upgrade(empty_database_url, "6e3cc680849d")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, name_key, id_tail FROM borrowers")).one()
    assert tuple(row) == ("陳美玲", "陈美玲", "451X")
    migrate.downgrade(empty_database_url, "a7c4e9f1b2d5")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM borrowers")).scalar_one() == "陳美玲"
    engine.dispose()


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_third_party_report_reference_points_to_the_report_and_does_not_also_say_nothing_matched(
        app, client, agent, chen, locale):
    from portal.complaints import services
    from portal.extensions import db

    with app.test_request_context():
        report, _secret = services.file_complaint(services.Filing(
            categories=["insults"], channel="phone", what_happened="骂人", reporter_name="陈先生",
            reporter_relation="sibling", contact_phone="13700137001", preferred_contact="sms", debtor_name="王小明"))
        db.session.commit()
        reference = report.reference
    client.set_cookie("portal_locale", locale)
    page = _names(client.get("/staff/borrowers", query_string={"q": reference}))
    assert f'href="/staff/complaints/{reference}"' in page
    assert "没有与" not in page and "沒有與" not in page and "<tbody>" not in page
    # A reference nobody has still says so.
    page = _names(client.get("/staff/borrowers", query_string={"q": "TS-20200101-0001"}))
    assert "没有与" in page or "沒有與" in page


def test_the_example_phone_numbers_of_the_hint_are_not_links(client, agent):
    page = _names(client.get("/staff/borrowers"))
    hint = page.split('id="q-hint"', 1)[1].split("</p>", 1)[0]
    assert "138 0013 8000" in hint and "13800138000" in hint
    assert "<a" not in hint and "tel:" not in hint

"""Fix 6: bounded input everywhere: plan drafts keep only known fields, bounded; ids beyond the database's
integer range, NUL bytes in paths and file names, CR/LF in ``next`` and deeply nested JSON answer 400 or 404,
never 500 (on SQLite and PostgreSQL); file names are cleaned before they are stored."""
from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.plans.models import PlanProposal
from portal.uploads import clean_filename
from tests.conftest import PASSWORD
from tests.uploads.samples import png

TERMS = {"kind": "instalments", "months": "6", "deferral_days": ""}
BUDGET = {"income": "6000", "housing": "1500", "food": "1200", "utilities": "300", "transport": "200",
          "medical": "", "education": "", "dependants": "500", "other_debts": "800", "dependants_count": "1",
          "hardship_reason": "job_loss", "hardship_detail": "公司裁员"}


@pytest.fixture
def borrower_with_loan(create_borrower, create_loan, login, client):
    borrower = create_borrower()
    loan = create_loan(borrower, principal="1200.00", months=3, start=date.today() - timedelta(days=75))
    login(client, borrower)
    return borrower, loan


def _draft(session) -> dict:
    session.expire_all()
    return json.loads(session.scalar(select(PlanProposal.draft_json).where(PlanProposal.state == "draft")))


def test_fix6_plan_drafts_keep_only_known_fields_with_bounded_lengths(client, borrower_with_loan, session):
    _, loan = borrower_with_loan
    extra = {f"junk{i}": "x" * 1000 for i in range(200)}
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data={**TERMS, **extra})
    response = client.post(f"/plans/new?loan={loan.loan_ref}&step=2",
                           data={**BUDGET, "hardship_detail": "长" * 50_000, **extra})
    assert response.status_code in (200, 302, 422)
    draft = _draft(session)
    assert set(draft["terms"]) == set(TERMS)
    assert set(draft["budget"]) == set(BUDGET)
    assert len(draft["budget"]["hardship_detail"]) == 2000
    assert len(json.dumps(draft, ensure_ascii=False)) < 5000


@pytest.mark.parametrize("path", ["/visits/{n}", "/plans/{n}", "/staff/plans/{n}", "/staff/visits/{n}",
                                  "/complaints/TS-20260101-0001/evidence/{n}", "/report/evidence/{n}",
                                  "/staff/plans/{n}/proofs/{n}"])
@pytest.mark.parametrize("n", [2**31, 2**63, 10**30])
def test_fix6_ids_beyond_the_integer_range_are_not_found(client, create_borrower, create_staff, login, path, n):
    who = create_staff(role="supervisor") if path.startswith("/staff") else create_borrower()
    login(client, who)
    assert client.get(path.format(n=n)).status_code == 404


def test_fix6_paging_beyond_the_integer_range_is_not_a_500(client, create_staff, login):
    login(client, create_staff(role="supervisor"))
    assert client.get(f"/staff/audit?before={10**30}").status_code == 200
    assert client.get("/staff/audit?before=-5").status_code == 200


@pytest.mark.parametrize("path", ["/complaints/TS%00x", "/loans/L%00123", "/rights/a%00b", "/plans/new%00"])
def test_fix6_nul_bytes_in_paths_are_refused(client, create_borrower, login, path):
    login(client, create_borrower())
    assert client.get(path).status_code in (400, 404)


def test_fix6_nul_bytes_in_file_names_are_refused(client, borrower_with_loan, session):
    _, loan = borrower_with_loan
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    response = client.post(f"/plans/new?loan={loan.loan_ref}&step=2",
                           data=dict(BUDGET, proofs=[(io.BytesIO(png()), "pay\x00slip.png")]),
                           content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["/loans\r\nSet-Cookie: x=1", "/\nLocation: https://evil.example/",
                                    "/%0d%0aX: y", "/\x7f"])
def test_fix6_cr_lf_in_next_never_reach_a_header(client, create_borrower, target):
    create_borrower(phone="13800138000")
    response = client.post("/login", data={"phone": "13800138000", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers["Location"]
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_fix6_language_switch_with_cr_lf_in_next(client):
    response = client.post("/language", data={"locale": "zh_Hant", "next": "/rights\r\nX-Evil: 1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_fix6_deeply_nested_json_is_a_400(app):
    from flask import request
    from werkzeug.exceptions import BadRequest

    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000):
        with app.test_request_context("/", method="POST", data=body, content_type="application/json"):
            with pytest.raises(BadRequest):
                request.get_json()
    nested_ok = json.dumps({"a": [{"b": [1, 2, {"c": "[[[[not nesting]]]]"}]}]})
    with app.test_request_context("/", method="POST", data=nested_ok, content_type="application/json"):
        assert request.get_json()["a"][0]["b"][2]["c"] == "[[[[not nesting]]]]"


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\Users\\me\\工资单.pdf", "工资单.pdf"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b\r\n.png", "ab.png"),
    ("evil\u202egnp.exe", "evilgnp.exe"),
    ("", "file"),
    ("长" * 300 + ".jpeg", "长" * 95 + ".jpeg"),
])
def test_fix6_file_names_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_fix6_a_stored_proof_name_is_cleaned(client, borrower_with_loan, session):
    _, loan = borrower_with_loan
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=2",
                data=dict(BUDGET, proofs=[(io.BytesIO(png()), "..\\..\\收入\u202e证明.png")]),
                content_type="multipart/form-data")
    session.expire_all()
    draft = session.scalar(select(PlanProposal).where(PlanProposal.state == "draft"))
    assert [p.original_name for p in draft.proofs] == ["收入证明.png"]


def test_fix6_a_post_to_an_id_beyond_the_range_is_not_found(client, borrower_with_loan):
    _, loan = borrower_with_loan
    assert client.post(f"/plans/new/proofs/{2**40}/remove?loan={loan.loan_ref}").status_code == 404
    assert client.post(f"/visits/{2**40}/confirm", data={"confirm-version": "1"}).status_code == 404
    # just past the bound, at an address that also answers GET (a refused form's address leads back to its page)
    assert client.post(f"/visits/{2**31}/confirm", data={"confirm-version": "1"}).status_code == 404
    assert client.get(f"/visits/{2**31}/confirm").status_code == 404


def test_fix6_the_id_pattern_takes_exactly_one_to_the_bound():
    import re

    from portal.security.inputs import DB_INT_MAX, digits_at_most

    for limit in (1, 9, 10, 99, 100, 305, 2**31 - 1):
        pattern = re.compile(digits_at_most(limit))
        for n in {1, 2, 9, 10, 11, limit // 2 + 1, limit - 1, limit, limit + 1, limit * 10, 2**40} - {0}:
            assert bool(pattern.fullmatch(str(n))) is (n <= limit), (limit, n)
        assert not pattern.fullmatch("0") and not pattern.fullmatch("07")
    assert re.fullmatch(digits_at_most(DB_INT_MAX), str(DB_INT_MAX))

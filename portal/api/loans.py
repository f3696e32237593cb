"""``PUT /api/v1/loans/<loan_ref>``, ``POST /api/v1/loans`` (a batch) and ``GET /api/v1/loans/<loan_ref>``.

A loan is validated for shape (``portal.api.schemas``), then by ``import-loans``' own rules and written by its
own upsert: the API and the command line accept, refuse and store the same things, and a loan sent both ways is
``unchanged`` the second time. Each loan is written in a savepoint: all of it or nothing of it."""
from __future__ import annotations

import json

from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import bp, scoped, with_body
from portal.api.errors import ErrorSchema, error_response, flatten
from portal.api.loan_state import LoanStateOut, loan_state
from portal.api.schemas import BatchResult, LoanBatchIn, LoanIn, LoanOutcome
from portal.extensions import db
from portal.loans import importer
from portal.loans.models import Loan, folded_loan_ref, pick_loan_ref


class ItemRefused(Exception):
    def __init__(self, errors: dict[str, list[str]], code: int = 422) -> None:
        super().__init__(errors)
        self.errors = errors
        self.code = code


def parse(data: dict) -> dict:
    """The importer's own checks of one loan (raise ``ItemRefused`` with the field and reason)."""
    try:
        return importer.parse_line(json.dumps(data, ensure_ascii=False))
    except importer.Rejected as exc:
        raise ItemRefused({exc.field or "body": [str(exc)]}) from None


def upsert(data: dict | None, parsed: dict | None = None) -> str:
    """Import one validated loan: ``created``, ``updated`` or ``unchanged``; raise ``ItemRefused`` with reasons."""
    parsed = parsed or parse(data)
    try:
        with db.session.begin_nested():
            return importer._apply(db.session, parsed)
    except importer.Rejected as exc:
        raise ItemRefused({exc.field or "body": [str(exc)]}) from None
    except IntegrityError as exc:
        raise ItemRefused({"body": [f"conflicts with data already stored ({exc.orig.__class__.__name__}); "
                                    "retry"]}, 409) from None


@bp.route("/loans/<loan_ref>", methods=["PUT"])
@scoped("loans:write")
@with_body
@bp.arguments(LoanIn)
@bp.response(200, LoanOutcome, description="updated, or unchanged (the same content as stored)")
@bp.alt_response(201, schema=LoanOutcome, description="created")
@bp.alt_response(409, schema=ErrorSchema, description="a concurrent change to the same data; retry")
def put_loan(data: dict, loan_ref: str):
    """Create or update one loan (idempotent)."""
    if data["loan_ref"] != loan_ref:
        return error_response(422, errors={"loan_ref": [f"{data['loan_ref']!r} differs from the loan_ref in "
                                                        f"the path ({loan_ref!r})"]})
    try:
        outcome = upsert(data)
    except ItemRefused as refused:
        return error_response(refused.code, errors=refused.errors)
    return {"loan_ref": loan_ref, "result": outcome}, 201 if outcome == "created" else 200


@bp.route("/loans", methods=["POST"])
@scoped("loans:write")
@with_body
@bp.arguments(LoanBatchIn)
@bp.response(200, BatchResult)
def post_loans(data: dict):
    """Import up to 1,000 loans: one result per loan, in order; each loan all-or-nothing, the batch not."""
    return run_batch(data["loans"], LoanIn(), "loan_ref", parse, upsert_many)


def upsert_many(parsed: list[dict]) -> list[str]:
    """The importer's batch path (a few queries and one flush for all) in a savepoint; if any loan fails there,
    the savepoint is undone and each loan is written on its own, in its own savepoint, as ``import-loans`` does:
    the outcome is the same as sending the loans one by one."""
    try:
        with db.session.begin_nested():
            outcomes = importer._apply_batch(db.session, parsed)
            db.session.flush()
        return outcomes
    except (importer.Rejected, IntegrityError):
        pass
    outcomes: list = []
    for item in parsed:
        try:
            outcomes.append(upsert(None, item))
        except ItemRefused as refused:
            outcomes.append(refused)
    return outcomes


def run_batch(items: list, schema, ref_key: str, check, apply_all) -> dict:
    """Validate each item (shape, then ``check``: the importer's rules), write the valid ones with ``apply_all``
    (a list of outcomes or ``ItemRefused``, one per item), and answer one result per item in order."""
    results: list[dict] = []
    valid: list[tuple[int, dict]] = []
    for index, item in enumerate(items):
        ref = item.get(ref_key) if isinstance(item, dict) and isinstance(item.get(ref_key), str) else None
        results.append({"index": index, "ref": ref})
        try:
            if not isinstance(item, dict):
                raise ItemRefused({"body": ["must be a JSON object"]})
            errors = schema.validate(item)
            if errors:
                raise ItemRefused(flatten(errors))
            valid.append((index, check(item)))  # as sent: the importer (and its content digest) sees that object
        except ItemRefused as refused:
            results[index].update(result="rejected", errors=refused.errors)
    for (index, _parsed), outcome in zip(valid, apply_all([p for _i, p in valid])):
        if isinstance(outcome, ItemRefused):
            results[index].update(result="rejected", errors=outcome.errors)
        else:
            results[index]["result"] = outcome
    counts = {key: sum(r["result"] == key for r in results) for key in ("created", "updated", "unchanged",
                                                                         "rejected")}
    return {"results": results, **counts}


@bp.route("/loans/<loan_ref>", methods=["GET"])
@scoped("loans:read")
@bp.response(200, LoanStateOut)
@bp.alt_response(404, schema=ErrorSchema, description="no loan with this loan_ref in any case (or several differing "
                                                       "only in case, none spelt exactly so)")
def get_loan(loan_ref: str):
    """What the portal knows of the loan now: figures, agreed plan, open visit, open complaints, consent."""
    found = {loan.loan_ref: loan for loan in db.session.scalars(
        select(Loan).where(folded_loan_ref() == loan_ref.lower()))}
    loan = found.get(pick_loan_ref(loan_ref, list(found)))
    if loan is None:
        if found:
            return error_response(404, "Several loans have this loan_ref in other cases; send one exactly.",
                                  errors={"loan_ref": [f"matches {', '.join(sorted(found))}"]})
        abort(404)
    return loan_state(loan)

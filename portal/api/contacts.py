"""``POST /api/v1/contacts``: collection contacts for the contact log (the record of ``import-contacts``).

Each contact is checked by the importer's own rules (``portal.contacts.importer.parse_line``) and upserted on
``contact_ref`` in its own savepoint: one result per contact, in order; the batch is not all-or-nothing."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import bp, scoped, with_body
from portal.api.loans import ItemRefused, run_batch
from portal.api.schemas import BatchResult, ContactBatchIn, ContactIn
from portal.contacts import importer
from portal.contacts.models import Contact
from portal.extensions import db
from portal.loans.importer import Rejected
from portal.loans.models import Loan, folded_loan_ref


def parse_contact(data: dict) -> dict:
    try:
        return importer.parse_line(json.dumps(data, ensure_ascii=False))
    except Rejected as exc:
        raise ItemRefused({exc.field or "body": [str(exc)]}) from None


def upsert_contacts(items: list[dict]) -> list:
    out: list = []
    for parsed in items:
        try:
            out.append(upsert_contact(parsed))
        except ItemRefused as refused:
            out.append(refused)
    return out


def upsert_contact(parsed: dict) -> str:
    """Write one parsed contact in its own savepoint: ``created``, ``updated`` or ``unchanged``."""
    parsed = dict(parsed)
    ref = parsed.pop("loan_ref")
    try:
        parsed["loan_id"] = importer.loan_id_for(ref, dict(db.session.execute(
            select(Loan.loan_ref, Loan.id).where(folded_loan_ref() == ref.lower())).all()))
        existing = db.session.scalar(select(Contact).where(Contact.contact_ref == parsed["contact_ref"]))
        importer.same_loan(existing, parsed)
    except Rejected as exc:
        raise ItemRefused({exc.field or "body": [str(exc)]}) from None
    if existing is not None and existing.source_digest == parsed["source_digest"]:
        return "unchanged"
    try:
        with db.session.begin_nested():
            if existing is None:
                db.session.add(Contact(**parsed))
            else:
                for key in importer.FIELDS:
                    setattr(existing, key, parsed[key])
            db.session.flush()
    except IntegrityError as exc:
        raise ItemRefused({"body": [f"conflicts with data already stored ({exc.orig.__class__.__name__}); "
                                    "retry"]}, 409) from None
    return "created" if existing is None else "updated"


@bp.route("/contacts", methods=["POST"])
@scoped("contacts:write")
@with_body
@bp.arguments(ContactBatchIn)
@bp.response(200, BatchResult)
def post_contacts(data: dict):
    """Record up to 1,000 collection contacts: one result per contact, in order; each contact all-or-nothing."""
    return run_batch(data["contacts"], ContactIn(), "contact_ref", parse_contact, upsert_contacts)

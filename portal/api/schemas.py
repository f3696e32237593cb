"""Request and response bodies of the API (marshmallow; flask-smorest turns them into the OpenAPI document).

Incoming loans and contacts are checked here for shape only -- unknown fields (refused by name), types, required
fields -- and then by the importers' own rules (``portal/loans/importer.py``, ``portal/contacts/importer.py``), so
the API refuses exactly what ``import-loans`` and ``import-contacts`` refuse, with the same reasons."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from portal.contacts.importer import CLOCK_SKEW, MAX_COLLECTORS, MAX_DURATION_S
from portal.contacts.rules import CHANNELS, PARTIES
from portal.loans.importer import FIRST_YEAR, LAST_YEAR, MAX_YUAN

MAX_BATCH = 1000
_MONEY = {"pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "example": "1000.00",
          "description": f"yuan, a decimal string of ASCII digits with at most two decimals, at most "
                         f"{MAX_YUAN}.00"}
_DATE = {"format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "example": "2024-02-15",
         "description": f"an ISO date that exists, written YYYY-MM-DD, in the years {FIRST_YEAR} to {LAST_YEAR}"}
_RATE = r"^[0-9]+(\.[0-9]+)?$"
OUTCOMES = ("created", "updated", "unchanged")


class StrictBoolean(fields.Boolean):
    """true or false only (marshmallow's Boolean would also take "yes" or 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictInteger(fields.Integer):
    """A JSON whole number only (not true, 1.0 or "1")."""

    def __init__(self, **kw):
        super().__init__(strict=True, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _money(**kw) -> fields.String:
    return fields.String(metadata=dict(_MONEY), **kw)


def _date(**kw) -> fields.String:
    return fields.String(metadata=dict(_DATE), **kw)


class BorrowerIn(Schema):
    name = fields.String(required=True, metadata={"maxLength": 100})
    phone = fields.String(required=True, metadata={"description": "mainland mobile number", "example": "13800138000"})
    id_number = fields.String(required=True, metadata={"description": "resident ID number (checksum verified)"})
    address = fields.String(metadata={"maxLength": 500})
    locale = fields.String(metadata={"enum": ["zh_Hans", "zh_Hant"], "default": "zh_Hans"})


class InstalmentIn(Schema):
    due_date = _date(required=True)
    principal = _money(required=True)
    interest = _money()
    fee = _money()


class PaymentIn(Schema):
    paid_on = fields.String(required=True, metadata={**_DATE, "description": _DATE["description"] + "; not after "
                                             "the lender's tomorrow"})
    amount = _money(required=True)


class LoanIn(Schema):
    """One loan in the import format (design §4): the same object as one line of ``import-loans``."""

    loan_ref = fields.String(required=True, metadata={"pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
                                                      "example": "L2024000123"})
    product = fields.String(required=True, metadata={"maxLength": 100, "example": "消费贷"})
    borrower = fields.Nested(BorrowerIn, required=True)
    principal = _money(required=True)
    annual_rate = fields.String(required=True, metadata={"example": "0.18", "pattern": _RATE,
                                                         "description": "decimal string, 0-10"})
    penalty_daily_rate = fields.String(required=True, metadata={"example": "0.0005", "pattern": _RATE,
                                                                "description": "decimal string, 0-0.1"})
    start_date = _date(required=True)
    schedule = fields.List(fields.Nested(InstalmentIn), required=True,
                           metadata={"description": "principal sums to the loan's principal; dates increase"})
    payments = fields.List(fields.Nested(PaymentIn))


class LoanOutcome(Schema):
    loan_ref = fields.String(required=True)
    result = fields.String(required=True, metadata={"enum": list(OUTCOMES)})


class LoanBatchIn(Schema):
    loans = fields.List(fields.Raw(allow_none=True, metadata={"allOf": [{"$ref": "#/components/schemas/LoanIn"}]}),
                        required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH),
                        metadata={"description": f"1 to {MAX_BATCH} loans; each is imported or refused on its own"})


class ItemResult(Schema):
    index = fields.Integer(required=True, metadata={"description": "position in the request, from 0"})
    ref = fields.String(allow_none=True, required=True,
                        metadata={"description": "the item's loan_ref / contact_ref as sent (null if none)"})
    result = fields.String(required=True, metadata={"enum": [*OUTCOMES, "rejected"]})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "for a rejected item: reasons per field (dotted path)"})


class BatchResult(Schema):
    results = fields.List(fields.Nested(ItemResult), required=True,
                          metadata={"description": "one per item, in the order sent"})
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    rejected = fields.Integer(required=True)


class ContactIn(Schema):
    """One collection contact (the contact log; the same object as one line of ``import-contacts``)."""

    contact_ref = fields.String(required=True, metadata={"example": "C-2026-0001"})
    loan_ref = fields.String(required=True)
    at = fields.String(required=True, metadata={
        "format": "date-time", "description": f"ISO 8601 with a UTC offset, in the years {FIRST_YEAR} to {LAST_YEAR}, "
                                              f"not more than {int(CLOCK_SKEW.total_seconds() // 60)} minutes ahead of "
                                              "the portal's clock"})
    channel = fields.String(required=True, metadata={"enum": list(CHANNELS)})
    answered = StrictBoolean(allow_none=True)
    duration_s = StrictInteger(allow_none=True, metadata={"minimum": 0, "maximum": MAX_DURATION_S})
    to_number = fields.String(allow_none=True)
    to_party = fields.String(required=True, metadata={"enum": list(PARTIES)})
    from_number = fields.String(allow_none=True)
    agent = fields.String(allow_none=True)
    agency_code = fields.String(allow_none=True)
    summary = fields.String(allow_none=True, metadata={"maxLength": 200})
    collectors_count = StrictInteger(allow_none=True, metadata={"minimum": 0, "maximum": MAX_COLLECTORS})


class ContactBatchIn(Schema):
    contacts = fields.List(fields.Raw(allow_none=True,
                                      metadata={"allOf": [{"$ref": "#/components/schemas/ContactIn"}]}),
                           required=True, validate=validate.Length(min=1, max=MAX_BATCH))

"""Pure rules for identity data: phone numbers and resident ID numbers (no Flask, no session)."""
from __future__ import annotations

import hmac
import unicodedata

import phonenumbers
from stdnum.cn import ric
from stdnum.exceptions import ValidationError


class InvalidPhone(ValueError):
    pass


class InvalidIdNumber(ValueError):
    pass


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and drop spaces, hyphens and dots people type inside numbers."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-–—.·")


def normalize_phone(raw: str) -> str:
    """Return the 11-digit national form of a mainland mobile number, or raise InvalidPhone."""
    text = fold(raw)
    if not text:
        raise InvalidPhone("empty")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone("not a valid mainland China number")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone("not a mobile number")
    return str(number.national_number)


def normalize_id_number(raw: str) -> str:
    """Validate an 18-character resident ID number (checksum and birth date) and return it upper-case."""
    text = fold(raw).upper()
    try:
        return ric.validate(text)
    except ValidationError as exc:
        raise InvalidIdNumber(exc.message) from exc


def id_tail_matches(id_number: str, tail: str) -> bool:
    """The last 6 characters of the ID number, as the borrower types them (x or X, full-width too)."""
    typed = fold(tail).upper()
    return len(typed) == 6 and hmac.compare_digest(typed, id_number.upper()[-6:])


def mask_id_number(id_number: str) -> str:
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]

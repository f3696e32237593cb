"""Pure rules for identity data: phone numbers and resident ID numbers (no Flask, no session)."""
from __future__ import annotations

import hmac
import unicodedata
from functools import lru_cache

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


NAME_KEY_LENGTH = 100
ID_TAIL_LENGTH = 4
_NAME_SEPARATORS = frozenset("·•・‧.-–—'’")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def name_key(name: str) -> str:
    """A name folded for search: full-width to half-width, lower case, Traditional to Simplified, no spaces or
    the dots of transliterated names (陳美玲, 陈美玲 and 陳 美玲 give the same key)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _NAME_SEPARATORS)
    return _t2s().convert(text)[:NAME_KEY_LENGTH]


def id_tail(id_number: str) -> str:
    """The last 4 characters of a resident ID number, as staff ask a caller for them."""
    return (id_number or "")[-ID_TAIL_LENGTH:].upper()


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


def mask_name(name: str) -> str:
    """Surname and, for longer names, the last character: 张* · 陈*玲 · 阿**丽 (enough to confirm on the phone)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]

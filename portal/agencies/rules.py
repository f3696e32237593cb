"""Agency rules, pure: the unified social credit code and when an agency is on the published list.

The unified social credit code (统一社会信用代码) is checked as GB 32100-2015 defines it: 18 characters from the
31-character set 0-9 and A-Z without I, O, S, V and Z; the 3rd to 8th are digits (the administrative division);
the 18th is the check character, 31 minus the weighted sum (weights 3^(i-1) mod 31) of the first 17 modulo 31.
"""
from __future__ import annotations

from datetime import date

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
KINDS = ("lender", "agency")


class InvalidUSCC(ValueError):
    """``reason``: 'length', 'chars', 'division' or 'check'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def uscc_check_char(first17: str) -> str:
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CODE_CHARS[(31 - total % 31) % 31]


def normalize_uscc(raw: str) -> str:
    """The code in upper case without spaces, or InvalidUSCC with the first problem found."""
    from portal.accounts.rules import fold

    code = fold(raw or "").replace(" ", "").replace("-", "").upper()
    if len(code) != 18:
        raise InvalidUSCC("length")
    if any(ch not in CODE_CHARS for ch in code):
        raise InvalidUSCC("chars")
    if not code[2:8].isdigit():
        raise InvalidUSCC("division")
    if uscc_check_char(code[:17]) != code[17]:
        raise InvalidUSCC("check")
    return code


def listed_on(day: date, since: date, until: date | None) -> bool:
    """On the published list that day: from ``since`` up to and including ``until`` (None: still listed)."""
    return since <= day and (until is None or day <= until)


def is_past(today: date, until: date | None) -> bool:
    return until is not None and until < today

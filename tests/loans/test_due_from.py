"""The amount due now may hold several instalments: the home, /loans and the loan page all say when the EARLIEST
of them fell due ("最早一期 … 到期"), in both scripts, never "自 … 起应还" as if the whole sum were that old."""
from __future__ import annotations

import re

import pytest

from portal.loans.rules import status_of
from portal.i18n import local_today

WORDS = {"zh_Hans": "最早一期 2026年2月14日 到期", "zh_Hant": "最早一期 2026年2月14日 到期"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_page_names_the_earliest_instalment(client, create_borrower, create_loan, login, locale):
    me = create_borrower(locale=locale)
    loan = create_loan(me)  # three instalments (2026-02-14, 03-16, 04-15), nothing paid: all due now
    assert status_of(loan, local_today()).due_now_fen
    login(client, me)
    for url in ("/", "/loans", f"/loans/{loan.loan_ref}"):
        page = _text(client.get(url).get_data(as_text=True))
        assert WORDS[locale] in page, url
        assert "起应还" not in page and "起應還" not in page, url

"""Chinese pages join their parts with full-width punctuation: "已接通，90 秒", "（依据：…；…）", "员工编号：…"
(ASCII ", " "; " ": " "(" were put between translated parts by the templates)."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.accounts.models import Borrower
from tests.test_translations import ascii_punctuation_in_chinese


def _visible(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"[ \t]*\n\s*", "", re.sub(r"<[^>]+>", "", main.split(">", 1)[1]))


def test_contacts_and_visit_pages_use_chinese_punctuation(seeded_demo, client, login):
    from portal.loans.models import Loan
    from portal.visits.models import Visit

    me = seeded_demo.scalar(select(Borrower).where(Borrower.phone == "13800138000"))
    login(client, me)
    contacts = _visible(client.get("/contacts").get_data(as_text=True))
    assert "已接通，180 秒" in contacts and "（依据：" in contacts
    visits = [v.id for v in seeded_demo.scalars(select(Visit).join(Loan, Loan.id == Visit.loan_id)
                                                                 .where(Loan.borrower_id == me.id))]
    assert visits
    for url in ["/contacts"] + [f"/visits/{v}" for v in visits]:
        page = _visible(client.get(url).get_data(as_text=True))
        assert not ascii_punctuation_in_chinese(page), (url, ascii_punctuation_in_chinese(page))
    page = _visible(client.get(f"/visits/{visits[0]}").get_data(as_text=True))
    assert "员工编号：" in page

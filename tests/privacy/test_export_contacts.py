"""The contact log is part of the borrower's data: in the download's data.json and counted on /settings/my-data."""
from __future__ import annotations

from datetime import timedelta

from portal.contacts.models import Contact
from portal.orm import utcnow
from portal.privacy.export import collect


def _contact(session, loan, ref, summary):
    session.add(Contact(contact_ref=ref, loan_id=loan.id, at=utcnow() - timedelta(days=1), channel="call",
                        answered=True, duration_s=30, to_number="13800138000", to_party="family",
                        from_number="02061234567", agent="GZ-208", agency_code="AG-GZ02", summary=summary,
                        source_digest="t"))


def test_contacts_are_in_the_download_and_counted_on_the_page(client, login, session, create_borrower,
                                                              create_loan):
    mine, other = create_borrower(), create_borrower()
    my_loan, other_loan = create_loan(mine, loan_ref="L-MINE-1"), create_loan(other, loan_ref="L-OTHER-1")
    _contact(session, my_loan, "C-MINE", "联系家人")
    _contact(session, other_loan, "C-OTHER", "别人的")
    session.commit()
    document, _files = collect(session, mine)
    [row] = document["collection_contacts"]
    assert row["contact_ref"] == "C-MINE" and row["loan_ref"] == "L-MINE-1" and row["to_party"] == "family"
    assert row["from_number"] == "02061234567" and row["agency_code"] == "AG-GZ02" and row["summary"] == "联系家人"
    assert "别人的" not in str(document)
    login(client, mine)
    page = client.get("/settings/my-data").get_data(as_text=True)
    assert "贷款机构记录了 1 次催收联系" in page and 'href="/contacts"' in page

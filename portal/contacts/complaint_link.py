"""A complaint made from the contact log: the form pre-filled from the contacts, and the contacts linked to it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import insert, select

from portal.contacts import labels, queries
from portal.contacts.models import Contact, complaint_contacts
from portal.contacts.rules import COMPLAINT_CATEGORY
from portal.extensions import db
from portal.i18n import fmt_date, fmt_time, lender_tz


def describe(contact: Contact, rules_broken: list[str], names: dict[str, str] | None = None) -> str:
    text = _("%(date)s %(time)s: %(channel)s to %(party)s (%(number)s) from %(caller)s, %(agency)s.",
             date=fmt_date(contact.at.astimezone(lender_tz()).date()), time=fmt_time(contact.at),
             channel=labels.CHANNEL_LABELS[contact.channel], party=labels.PARTY_LABELS[contact.to_party],
             number=contact.to_number or "-", caller=contact.from_number or "-",
             agency=(names or {}).get(contact.agency_code, contact.agency_code) or _("the lender itself"))
    return " ".join([text] + [str(labels.RULES[r][0]) for r in rules_broken])


def prefill(form, borrower, ids) -> list[Contact]:
    """Fill an empty complaint form from the borrower's own contacts among ``ids``; returns them."""
    contacts = queries.contacts_for_borrower(borrower, ids)
    if not contacts:
        return []
    flags = {c.id: queries.contact_flags(borrower, c) for c in contacts}
    first = contacts[0]
    form.contact_ids.data = " ".join(str(c.id) for c in contacts)
    form.categories.data = list(dict.fromkeys(COMPLAINT_CATEGORY[r] for c in contacts for r in flags[c.id])) \
        or ["other"]
    form.channel.data = labels.COMPLAINT_CHANNEL[first.channel]
    form.occurred_on.data = first.at.astimezone(lender_tz()).date()
    form.occurred_time.data = first.at.astimezone(lender_tz()).time().replace(second=0, microsecond=0)
    form.collector_phone.data = first.from_number
    form.collector_name.data = " · ".join(x for x in (first.agent, first.agency_code) if x)[:100]
    from portal.agencies.queries import names_by_code
    from portal.i18n import current_locale

    names = names_by_code(current_locale())
    form.what_happened.data = "\n".join(describe(c, flags[c.id], names) for c in contacts)
    if form.loan.data == "":
        form.loan.data = first.loan.loan_ref
    return contacts


def link(complaint, borrower, raw: str | None) -> None:
    """Link the complaint to the borrower's own contacts named in the hidden field (others' are ignored)."""
    contacts = queries.contacts_for_borrower(borrower, (raw or "").split())
    if contacts:
        db.session.execute(insert(complaint_contacts),
                           [{"complaint_id": complaint.id, "contact_id": c.id} for c in contacts])


def contacts_of(complaint) -> list[Contact]:
    return list(db.session.scalars(select(Contact).join(complaint_contacts,
                                                        complaint_contacts.c.contact_id == Contact.id)
                                   .where(complaint_contacts.c.complaint_id == complaint.id).order_by(Contact.at)))

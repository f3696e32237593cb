"""For the borrower's home: open complaints whose deadline has passed (``rules.late``, as the complaint's page and
list say it), and complaints whose last word is a staff reply (the borrower has not answered it)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from portal.attention import Attention
from portal.complaints import queries, rules
from portal.complaints.models import Complaint, ComplaintMessage
from portal.extensions import db
from portal.i18n import fmt_date

RECENT_DAYS = 30  # a reply older than this is not news any more


# The last message of each author kind on each of the borrower's complaints, with the complaint's reference (built
# once, the borrower bound).
_LAST = (select(ComplaintMessage.complaint_id, Complaint.reference, ComplaintMessage.author_kind,
                func.max(ComplaintMessage.at))
         .join(Complaint, Complaint.id == ComplaintMessage.complaint_id)
         .where(Complaint.borrower_id == bindparam("borrower_id"))
         .group_by(ComplaintMessage.complaint_id, Complaint.reference, ComplaintMessage.author_kind))


def late_complaints(borrower, today: date) -> list[Attention]:
    """An entry for each open complaint that is late (decision or confirmation): the same rule and list query as
    /complaints (``queries.complaints_of`` with ``rules.late``), pointing to the complaint page's "what you can do
    now"."""
    items = []
    for listed in queries.complaints_of(borrower, today):
        if listed.late is None:
            continue
        url = url_for("complaints.detail", reference=listed.reference) + "#deadline-passed"
        if listed.late == rules.LATE_DECISION:
            title = _("Complaint %(ref)s: the decision deadline (%(date)s) has passed and we have not given you our "
                      "decision yet", ref=listed.reference, date=fmt_date(listed.decide_due))
        else:
            title = _("Complaint %(ref)s: we have not yet confirmed that we are handling it (we promised to by "
                      "%(date)s)", ref=listed.reference, date=fmt_date(listed.acknowledge_due))
        items.append(Attention("complaint", title, _("See what you can do now"), url, rank=25))
    return items


def needs_you(borrower, today: date) -> list[Attention]:
    """Late complaints, then staff replies not answered: two queries whatever the number of complaints."""
    last: dict[tuple[int, str], object] = {}
    refs: dict[int, str] = {}
    for cid, ref, kind, at in db.session.execute(_LAST, {"borrower_id": borrower.id}):
        last[(cid, kind)], refs[cid] = at, ref
    replied = {cid: at for (cid, kind), at in last.items()
               if kind == "staff" and (last.get((cid, "complainant")) is None or last[(cid, "complainant")] < at)
               and _recent(at, today)}
    items = late_complaints(borrower, today)
    for cid in sorted(replied):
        ref = refs[cid]
        items.append(Attention("complaint", _("Complaint %(ref)s: staff replied on %(date)s", ref=ref,
                                              date=fmt_date(replied[cid])),
                               _("Read the reply"), url_for("complaints.detail", reference=ref) + "#messages-title",
                               rank=30))
    return items


def _recent(at, today: date) -> bool:
    from portal.i18n import lender_tz

    return at.astimezone(lender_tz()).date() >= today - timedelta(days=RECENT_DAYS)

"""The complaints blueprint, shared by the borrower pages (``routes``) and the public third-party pages
(``report_routes``): deny by default, the report pages listed public; the labels every complaint page uses."""
from __future__ import annotations

from flask import Blueprint, url_for

from portal.complaints import labels, rules, services
from portal.i18n import local_today
from portal.security import gate

bp = Blueprint("complaints", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login",
     public=frozenset({"complaints.report", "complaints.report_done", "complaints.report_status",
                       "complaints.report_export", "complaints.report_evidence"}))


@bp.app_context_processor
def _labels() -> dict:

    def evidence_link(complaint):
        return lambda item: url_for("complaints.evidence", reference=complaint.reference, evidence_id=item.id)

    def complaint_late(complaint):
        """What the complaint is late with today (rules.late), for the complainant's page."""
        return rules.late(complaint.state, complaint.acknowledge_due, complaint.decide_due, local_today())

    return {**labels.template_labels(), "review_until": services.review_until,
            "can_request_review": services.can_request_review, "evidence_link": evidence_link,
            "complaint_late": complaint_late}

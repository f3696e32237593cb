"""What each stored code is called on the pages (lazy, so they follow the reader's locale)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.translated import per_catalogue, table

CATEGORY_LABELS = {
    "threats": _l("Threats or violence"),
    "insults": _l("Insults or humiliation"),
    "night_or_frequent": _l("Contact at night or too often"),
    "third_parties": _l("Contacting family, employer or others"),
    "disclosure": _l("Telling others about the debt"),
    "impersonation": _l("Pretending to be police, a court or an official"),
    "false_statements": _l("False statements about the debt or what will happen"),
    "visit_conduct": _l("A visit without notice, without ID, or by one person"),
    "home_entry": _l("Entering a home, or refusing to leave"),
    "excess_demand": _l("Asking for more money than the contract says"),
    "other": _l("Something else"),
}
CHANNEL_LABELS = {
    "visit": _l("A visit in person"),
    "phone": _l("Phone call"),
    "sms": _l("SMS"),
    "app": _l("App or chat message"),
    "other": _l("Other"),
}
RELATION_LABELS = {
    "spouse": _l("Spouse or partner"),
    # Translators: complaints: the reporter's relation to the borrower (father or mother)
    "parent": _l("Parent"),
    "child": _l("Son or daughter"),
    "sibling": _l("Brother or sister"),
    "relative": _l("Other relative"),
    "employer": _l("Employer or colleague"),
    "friend": _l("Friend or neighbour"),
    "other": _l("Other"),
}
CONTACT_LABELS = {
    "portal": _l("Through this portal"),
    "phone": _l("By phone call"),
    "sms": _l("By SMS"),
}
# The staff queue's status filter, besides each state: every open complaint, or all of them.
QUEUE_STATUS_LABELS = {"open": _l("All open"), "work": _l("Open, and closed ones waiting for our answer"),
                       "all": _l("All")}
STATE_LABELS = {
    "received": _l("Received"),
    "acknowledged": _l("Acknowledged"),
    "investigating": _l("Being investigated"),
    "resolved": _l("Resolved"),
    "not_upheld": _l("Not upheld"),
}
OUTCOME_LABELS = {
    "upheld_corrected": _l("Upheld: conduct corrected and apology made"),
    "upheld_staff_action": _l("Upheld: action taken against the collector or agency"),
    "upheld_charges_refunded": _l("Upheld: wrong charges removed or refunded"),
    "partly_upheld": _l("Partly upheld"),
    "not_upheld_lawful": _l("Not upheld: the collection was within the rules"),
    "not_upheld_no_evidence": _l("Not upheld: the facts could not be confirmed"),
    "other": _l("Other outcome"),
}
# What the complainant reads: the decision in plain words, not the staff's codes (issue 13).
OUTCOME_TEXTS = {
    "upheld_corrected": _l("We found that the collection broke the rules. We have had it corrected, and we apologise."),
    "upheld_staff_action": _l("We found that the collector broke the rules, and we have taken action against the "
                              "collector or the collection agency."),
    "upheld_charges_refunded": _l("We found that you were charged what you should not have been, and we have removed "
                                  "or refunded those charges."),
    "partly_upheld": _l("We found that part of what you told us broke the rules. The explanation below says which "
                        "part and what we have done about it."),
    "not_upheld_lawful": _l("We looked into what you told us and found that the collection kept to the rules."),
    "not_upheld_no_evidence": _l("We looked into what you told us but could not confirm what happened. If you have "
                                 "more evidence, you can still send it."),
    "other": _l("Our decision is explained below."),
}
EVENT_LABELS = {
    "filed": _l("Complaint received"),
    # Translators: a complaint the borrower made by phone; a staff member typed it in for them.
    "taken_by_phone": _l("Made by phone and written down by our staff"),
    "acknowledged": _l("We confirmed we received it and are looking at it"),
    "investigating": _l("Investigation started"),
    "extended": _l("Decision deadline extended"),
    "resolved": _l("Decision: resolved"),
    "not_upheld": _l("Decision: not upheld"),
    "evidence_added": _l("Evidence added"),
    "accepted": _l("You accepted the outcome"),
    "not_satisfied": _l("You said you are not satisfied and asked for a review"),
    "review_answered": _l("We answered your review request"),
}
# A third party's report (举报 / 檢舉) is never called a complaint, on its timeline either.
REPORT_EVENT_LABELS = {**EVENT_LABELS, "filed": _l("Report received")}
RESPONSE_LABELS = {
    "accepted": _l("Accepted the outcome"),
    "not_satisfied": _l("Not satisfied"),
}


def title(complaint) -> str:
    """The heading of a complaint's page: a third party's report (举报 / 檢舉) is never called a complaint."""
    from flask_babel import gettext as _

    if complaint.is_third_party:
        return _("Report %(ref)s", ref=complaint.reference)
    return _("Complaint %(ref)s", ref=complaint.reference)


_TEMPLATE_LABELS = {"category_labels": CATEGORY_LABELS, "channel_labels": CHANNEL_LABELS,
                    "relation_labels": RELATION_LABELS, "contact_labels": CONTACT_LABELS, "state_labels": STATE_LABELS,
                    "outcome_labels": OUTCOME_LABELS, "outcome_texts": OUTCOME_TEXTS, "event_labels": EVENT_LABELS,
                    "report_event_labels": REPORT_EVENT_LABELS,
                    "response_labels": RESPONSE_LABELS, "queue_status_labels": QUEUE_STATUS_LABELS}
# The label dicts in the current locale, translated once per catalogue (portal.translated), not once per label shown.
_translated = per_catalogue(lambda: {name: table(labels) for name, labels in _TEMPLATE_LABELS.items()})


def event_labels_for(complaint) -> dict:
    """The timeline's words for ``complaint``: a third party's report reads "report received", not "complaint"."""
    return REPORT_EVENT_LABELS if complaint.is_third_party else EVENT_LABELS


def template_labels() -> dict:
    translated = _translated()
    return {**translated, "complaint_title": title,
            "timeline_labels": lambda complaint: translated["report_event_labels" if complaint.is_third_party
                                                            else "event_labels"]}

"""What the audit log says: a readable, localised name for every action code and detail key.

tests/audit/test_labels.py fails when code records an action or a detail key that has no label here, or when two
actions read the same (the action filter lists them side by side).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Translators: audit log actions, read after the actor's name ("Zhao viewed a complaint").
ACTION_LABELS = {
    "agency.added": _l("added an organisation to the published agency list"),
    "agency.changed": _l("changed an entry of the published agency list"),
    "agency.ended": _l("ended an agency on the published list"),
    "api_token.created": _l("made an API token"),
    "api_token.revoked": _l("revoked an API token"),
    "audit.viewed": _l("viewed the audit log"),
    "audit.exported": _l("exported the audit log"),
    "borrower.activated": _l("activated their account"),
    "borrower.password_reset": _l("reset their password by SMS"),
    # Translators: audit action of a borrower; the staff's own is told apart in the action filter
    "borrower.password_changed": _l("changed their borrower account password"),
    "borrower.family_contact_consent": _l("changed their consent to family contact"),
    "borrower.searched": _l("searched for a borrower"),
    "borrower.viewed": _l("viewed a borrower's page"),
    "borrower.contacts_viewed": _l("viewed a borrower's contact log"),
    "borrower.personal_data_shown": _l("showed a borrower's personal information"),
    "borrower.note_added": _l("added a note about a borrower"),
    "complaint.filed": _l("filed a complaint"),
    "complaint.taken_by_phone": _l("wrote down a complaint made by phone"),
    "complaint.information_added": _l("added information to a complaint"),
    "complaint.accepted": _l("accepted the outcome of a complaint"),
    "complaint.not_satisfied": _l("said they are not satisfied with a complaint's outcome"),
    "complaint.assigned": _l("assigned a complaint"),
    "complaint.note_added": _l("added an internal note to a complaint"),
    "complaint.replied": _l("replied to a complainant"),
    "complaint.review_answered": _l("answered a complainant's review request"),
    "complaint.state_changed": _l("changed a complaint's status"),
    "complaint.extended": _l("extended a complaint's deadline"),
    "complaint.queue_viewed": _l("viewed the complaint queue"),
    "complaint.viewed": _l("viewed a complaint"),
    "complaint.evidence_downloaded": _l("downloaded complaint evidence"),
    "complaint.exported": _l("downloaded a complaint's evidence bundle"),
    "data_export.requested": _l("asked for a download of their personal information"),
    "data_export.downloaded": _l("downloaded their personal information"),
    "data_request.filed": _l("filed a personal information request"),
    "data_request.answered": _l("answered a personal information request"),
    "data_request.viewed": _l("viewed a personal information request"),
    "loan.viewed": _l("viewed a loan"),
    "loan.viewed_for_visit": _l("viewed a loan to propose a visit"),
    "plan.queue_viewed": _l("viewed the repayment plan queue"),
    "plan.submitted": _l("submitted a repayment plan"),
    "plan.review_started": _l("started reviewing a repayment plan"),
    "plan.approved": _l("approved a repayment plan"),
    "plan.declined": _l("declined a repayment plan"),
    "plan.countered": _l("made a counter-offer on a repayment plan"),
    "plan.accepted": _l("accepted a counter-offer"),
    "plan.withdrawn": _l("withdrew a repayment plan"),
    "plan.viewed": _l("viewed a repayment plan"),
    "plan.proof_downloaded": _l("downloaded a repayment plan's proof"),
    "report.viewed": _l("viewed a report"),
    "retention.deleted": _l("deleted data whose retention period had ended"),
    "messages.viewed": _l("viewed the outbox of messages"),
    "message.retried": _l("sent a failed message again"),
    "webhooks.viewed": _l("viewed the webhook deliveries"),
    "webhook.endpoint_added": _l("added a webhook endpoint"),
    "webhook.endpoint_enabled": _l("resumed a webhook endpoint"),
    "webhook.endpoint_disabled": _l("paused a webhook endpoint"),
    "webhook.secret_replaced": _l("replaced a webhook endpoint's secret"),
    "webhook.delivery_viewed": _l("viewed a webhook delivery"),
    "webhook.redelivered": _l("sent a webhook delivery again"),
    "report.exported": _l("exported a report"),
    "staff.login": _l("logged in"),
    "staff.login_failed": _l("failed to log in"),
    "staff.logout": _l("logged out"),
    # Translators: audit action of a staff member; the borrower's own is told apart in the action filter
    "staff.password_changed": _l("changed their staff account password"),
    "staff.created": _l("created a staff account"),
    "staff.disabled": _l("disabled a staff account"),
    "staff.enabled": _l("enabled a staff account again"),
    "staff.role_changed": _l("changed a staff member's role"),
    "staff.password_reset": _l("reset a staff member's password"),
    "staff.password_set": _l("set a new password from a one-time link"),
    "staff.setup_completed": _l("set up their account from a one-time link"),
    "staff.second_factor_reenrolled": _l("set up a staff member's authenticator again"),
    "staff.recovery_codes_issued": _l("made new recovery codes"),
    "staff.recovery_code_used": _l("logged in with a recovery code"),
    "visit.proposed": _l("proposed a visit"),
    "visit.rescheduled": _l("rescheduled a visit"),
    "visit.cancelled": _l("cancelled a visit"),
    "visit.recorded": _l("wrote a visit record"),
    "visit.remote_declined": _l("declined a request for a video check"),
    "visit.annotated": _l("added a note to a visit record"),
    "visit.viewed": _l("viewed a visit"),
    "visit.answer.confirm": _l("confirmed a visit"),
    "visit.answer.reschedule": _l("asked for another visit time"),
    "visit.answer.remote": _l("asked for a video check instead of a visit"),
    "visit.answer.family": _l("chose whether visitors may speak with family"),
    "visit.answer.record_confirm": _l("confirmed a visit record"),
    "visit.answer.record_dispute": _l("disputed a visit record"),
    "visits.queue_viewed": _l("viewed the visit queue"),
    "import.uploaded": _l("uploaded a file to import"),
    "import.rejections_downloaded": _l("downloaded the rejected lines of an import"),
    "visitor.added": _l("added a visitor to the roster"),
    "visitor.activated": _l("put a visitor back on the roster"),
    "visitor.deactivated": _l("took a visitor off the roster"),
    "visitor.checked": _l("checked a visitor's identity"),
}

# Translators: names of details shown in the audit log ("Reason: …").
DETAIL_LABELS = {
    "address": _l("Address"),
    "after": _l("Continued after result"),
    # Translators: audit detail: the time a visitor arrived at the borrower's address
    "arrived": _l("Arrived"),
    "badge": _l("Badge number"),
    "name": _l("Name"),
    "scopes": _l("What it may do"),
    "borrower_id": _l("Borrower"),
    "code": _l("Code"),
    "fields": _l("Fields shown"),
    "kinds": _l("Searched as"),
    # Translators: audit log, a filter of the audit log itself: the action it was narrowed to
    "action": _l("Action"),
    # Translators: audit log, a filter of the audit log itself: the staff member it was narrowed to
    "staff": _l("Staff member"),
    # Translators: audit log, a filter of the audit log itself: the reference or number it was narrowed to
    "object": _l("Object"),
    "borrower": _l("Borrower's mobile number"),
    "note": _l("Note"),
    "previous_role": _l("Previous role"),
    # Translators: audit log, a detail of a search: how many results it returned
    "results": _l("Results"),
    # Translators: audit log, a detail of a change: which consent it was about
    "consent": _l("Consent"),
    # Translators: audit log, a detail of an action: how many (e.g. recovery codes issued)
    "count": _l("Number"),
    # Translators: audit detail: the time a visitor left the address (past tense of leave, not the direction)
    "departed": _l("Left"),
    "detail": _l("Details"),
    "evidence": _l("Evidence file"),
    "event_type": _l("Event type"),
    "bytes": _l("Size in bytes"),
    # Translators: audit detail: the number of files attached
    "files": _l("Files"),
    "filters": _l("Filters"),
    "held": _l("Visit held"),
    # Translators: the type of an item (a message, a request, a change)
    "kind": _l("Kind"),
    # Translators: audit detail: the extension of a complaint's answer deadline
    "level": _l("Extension"),
    "loan": _l("Loan"),
    # Translators: audit log, a detail of an action: the way it was done
    "method": _l("Method"),
    # Translators: what came of a visit or an action
    "outcome": _l("Outcome"),
    "proof": _l("Proof file"),
    "query": _l("Search"),
    "reason": _l("Reason"),
    "result": _l("Result"),
    "role": _l("Role"),
    # Translators: audit log, a detail: the number of rows (of an export or import)
    "rows": _l("Rows"),
    "sha256": _l("File fingerprint (SHA-256)"),
    # Translators: date filter: the first day of the period shown
    "since": _l("From"),
    "state": _l("Status"),
    "status": _l("Status"),
    "third_party": _l("Reported by a third party"),
    "to": _l("Assigned to"),
    # Translators: a total amount of money (of a plan or a payment)
    "total_fen": _l("Total"),
    # Translators: date filter: the last day of the period shown (inclusive)
    "until": _l("Until"),
    "url": _l("Address (URL)"),
    "username": _l("Username"),
    "visitors": _l("Visitors"),
    "weeks": _l("Weeks"),
    # Translators: audit detail: the number of the repayment plan whose agreement cancelled a visit
    "plan": _l("Repayment plan"),
    "window": _l("Time"),
}
# Translators: audit log, what the deletion at the end of a retention period deleted ("SMS codes: 12")
DETAIL_LABELS.update({
    "verification_codes": _l("SMS codes"),
    "login_sessions": _l("Login sessions"),
    "report_grants": _l("Third parties' access to their reports"),
    "data_exports": _l("Borrowers' downloads of their personal information"),
    "outbox_texts": _l("Texts of old messages"),
    "webhook_deliveries": _l("Webhook deliveries"),
    "complaint_evidence": _l("Complaint evidence files"),
    "visitor_photos": _l("Visitors' photos"),
})

# Codes that detail values carry (lists of searched kinds, fields shown).
VALUE_LABELS = {
    "phone": _l("Mobile number"),
    "id_number": _l("Resident ID number"),
    "id_tail": _l("Last 4 characters of the ID number"),
    "address": _l("Address"),
    "loan_ref": _l("Loan reference"),
    "complaint_ref": _l("Complaint reference"),
    "name_key": _l("Name"),
}

ACTOR_KIND_LABELS = {
    "public": _l("A member of the public"),
    "system": _l("The system"),
}

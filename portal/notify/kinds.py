"""The message kinds the portal sends and the named parameters of each (no imports: the config reads it).

Mainland SMS gateways send a pre-approved template with parameters, not free text. The lender registers one
template per kind and locale with the provider and lists their ids in ``PORTAL_SMS_TEMPLATES``; the order of the
names below is the order of Tencent's ``{1}``, ``{2}``… placeholders, the names are Aliyun's ``${name}`` variables.
Every parameter is a string already formatted for the recipient's script (dates, money, links). Every kind but the
code carries a link (``url``, built from ``PORTAL_BASE_URL``) to the page it is about, so that nobody has to search
for the portal. The lender's name is not in the texts: the gateway's signature 【…】 (``PORTAL_SMS_SIGN_NAME``) opens
every SMS and names the lender (``portal.notify.texts.render_sms`` shows it the same way).
"""
from __future__ import annotations

SMS_KINDS: dict[str, tuple[str, ...]] = {
    # accounts: sent at once, also at night
    "account_code": ("code",),
    "account_active": ("url",),
    # visits
    "visit_proposed": ("when", "url"),
    "visit_rescheduled": ("when", "url"),
    "visit_cancelled": ("when", "url"),
    "visit_remote_declined": ("when", "url"),
    "visit_recorded": ("url",),
    "visit_tomorrow": ("when", "url"),
    # plans
    "plan_approved": ("ref", "url"),
    "plan_declined": ("ref", "url"),
    "plan_counter": ("ref", "url"),
    "plan_agreed": ("ref", "url"),
    # payments: a contract instalment, or a payment under an agreed repayment plan (the plan's dates replace the
    # contract's, so its reminders never invite the borrower to propose a plan)
    "instalment_due": ("ref", "date", "amount", "url"),
    "instalment_missed": ("ref", "date", "amount", "url"),
    "plan_payment_due": ("ref", "date", "amount", "url"),
    "plan_payment_missed": ("ref", "date", "amount", "url"),
    # complaints (the reason of an extension is on the complaint page, never in the SMS: free text written by
    # staff does not fit a gateway template's variable)
    "complaint_acknowledged": ("ref", "url"),
    "complaint_extended": ("ref", "date", "url"),
    "complaint_reply": ("ref", "url"),
    "complaint_decided": ("ref", "url"),
    # third-party reporters who asked for SMS: the reference only, never the secret
    "report_received": ("ref", "url"),
    "report_updated": ("ref", "state", "url"),
}

# Codes go out at once, day or night; every other message waits for 08:00 local time (design §6).
IMMEDIATE_KINDS = frozenset({"account_code", "account_active"})

EMAIL_KINDS: tuple[str, ...] = ("staff_digest",)

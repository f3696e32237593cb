"""The message kinds the portal sends and the named parameters of each (no imports: the config reads it).

Mainland SMS gateways send a pre-approved template with parameters, not free text. The lender registers one
template per kind and locale with the provider and lists their ids in ``PORTAL_SMS_TEMPLATES``; the order of the
names below is the order of Tencent's ``{1}``, ``{2}``… placeholders, the names are Aliyun's ``${name}`` variables.
Every parameter is a string already formatted for the recipient's script (dates, money, links).
"""
from __future__ import annotations

SMS_KINDS: dict[str, tuple[str, ...]] = {
    # accounts: sent at once, also at night
    "account_code": ("code",),
    "account_active": (),
    # visits
    "visit_proposed": ("when", "url"),
    "visit_rescheduled": ("when", "url"),
    "visit_cancelled": ("when", "url"),
    "visit_remote_declined": ("when", "url"),
    "visit_recorded": ("url",),
    "visit_tomorrow": ("when", "url"),
    # plans and instalments
    "plan_approved": ("ref",),
    "plan_declined": ("ref",),
    "plan_counter": ("ref", "url"),
    "plan_agreed": ("ref",),
    "instalment_due": ("ref", "date", "amount"),
    "instalment_missed": ("ref", "date", "amount"),
    # complaints
    "complaint_acknowledged": ("ref", "url"),
    "complaint_extended": ("ref", "date", "reason", "url"),
    "complaint_reply": ("ref", "url"),
    "complaint_decided": ("ref", "url"),
    # third-party reporters who asked for SMS: the reference only, never the secret
    "report_received": ("ref",),
    "report_updated": ("ref", "state"),
}

# Codes go out at once, day or night; every other message waits for 08:00 local time (design §6).
IMMEDIATE_KINDS = frozenset({"account_code", "account_active"})

EMAIL_KINDS: tuple[str, ...] = ("staff_digest",)

"""Other domains put things on the loan pages through this registry (plans, visits, complaints …).

A provider is ``provider(borrower, loans: list[Loan]) -> dict[loan_id, list[dict]]``; it must make a constant
number of queries for all the loans together (one ``select ... where loan_id in (...)``), never one per loan.
Each dict may have:

- ``badge``: short text shown on the loan's card and at the top of its page (already translated);
- ``tone``: ``"info"`` | ``"warning"`` | ``"ok"`` (default ``"info"``);
- ``url``: where the badge links to;
- ``panel_template`` + ``panel_context``: a template included on the loan's detail page with that context;
- ``replaces_schedule``: True for an agreed repayment plan: the detail page then shows that panel instead of
  the contract schedule, with a note saying so;
- ``plan_lines`` (``[(due_date, amount_fen), …]``) and ``plan_since`` (the day it was agreed): with
  ``replaces_schedule``, the loan pages show what is due under the plan instead of the contract's arrears;
- ``plan_pending``: True while a proposal waits for an answer (the pages then do not invite another one);
- ``next_step``: what the borrower has to do about this entry (e.g. answer a counter-offer); the loan pages show
  it as the loan's next step, in place of the generic one.

Usage, in the other domain's ``configure``/blueprint registration::

    from portal.loans.panels import register_loan_panel
    register_loan_panel(app, my_provider)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

Provider = Callable[[Any, list], dict[int, list[dict]]]
TONES = ("info", "warning", "ok")
_KEY = "loan_panels"


@dataclass(frozen=True)
class LoanPanel:
    badge: str | None = None
    tone: str = "info"
    url: str | None = None
    panel_template: str | None = None
    panel_context: dict = field(default_factory=dict)
    replaces_schedule: bool = False
    plan_lines: tuple = ()
    plan_since: Any = None
    plan_pending: bool = False
    next_step: str | None = None

    @classmethod
    def from_dict(cls, raw: dict) -> "LoanPanel":
        tone = raw.get("tone") or "info"
        return cls(badge=raw.get("badge"), tone=tone if tone in TONES else "info", url=raw.get("url"),
                   panel_template=raw.get("panel_template"), panel_context=dict(raw.get("panel_context") or {}),
                   replaces_schedule=bool(raw.get("replaces_schedule")),
                   plan_lines=tuple(raw.get("plan_lines") or ()), plan_since=raw.get("plan_since"),
                   plan_pending=bool(raw.get("plan_pending")), next_step=raw.get("next_step") or None)


def register_loan_panel(app: Flask, provider: Provider) -> None:
    """Add a provider (registering the same function twice has no effect)."""
    providers = app.extensions.setdefault(_KEY, [])
    if provider not in providers:
        providers.append(provider)


def panels_for(borrower, loans: list) -> dict[int, list[LoanPanel]]:
    """Every provider's entries for these loans, keyed by loan id (every loan id present)."""
    out: dict[int, list[LoanPanel]] = {loan.id: [] for loan in loans}
    if not loans:
        return out
    for provider in current_app.extensions.get(_KEY, []):
        for loan_id, entries in (provider(borrower, loans) or {}).items():
            if loan_id in out:
                out[loan_id].extend(LoanPanel.from_dict(e) for e in entries)
    return out

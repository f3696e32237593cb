"""Other domains put things on the loan pages through this registry (plans, visits, complaints …).

A provider is ``provider(borrower, loans: list[Loan]) -> dict[loan_id, list[LoanPanel]]``; it must make a constant
number of queries for all the loans together (one ``select ... where loan_id in (...)``), never one per loan.
A ``LoanPanel`` may have:

- ``badge``: short text shown on the loan's card and at the top of its page (already translated);
- ``tone``: ``"info"`` | ``"warning"`` | ``"ok"`` (default ``"info"``);
- ``url``: where the badge links to;
- ``panel_template`` + ``panel_context``: a template included on the loan's detail page with that context;
- ``replaces_schedule``: True when the detail page shows that panel instead of the contract schedule, with a
  note saying so; an ``AgreedPlan`` (``plan``) implies it;
- ``plan``: an agreed repayment plan (its payments and the day it was agreed): the loan pages then show what is
  due under the plan instead of the contract's arrears;
- ``plan_pending``: True while a proposal waits for an answer (the pages then do not invite another one);
- ``next_step``: what the borrower has to do about this entry (e.g. answer a counter-offer); the loan pages show
  it as the loan's next step, in place of the generic one.

Usage, in the other domain's ``configure``/blueprint registration::

    from portal.loans.panels import register_loan_panel
    register_loan_panel(app, my_provider)
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app

TONES = ("info", "warning", "ok")
_KEY = "loan_panels"


@dataclass(frozen=True)
class PlanPayment:
    due_date: date
    amount_fen: int


@dataclass(frozen=True)
class AgreedPlan:
    """An agreed repayment plan that replaces the contract's schedule from ``since`` (the day it was agreed). Its
    amounts count the ``paid_fen`` paid on the loan when they were worked out; any later payment goes to them."""
    payments: tuple[PlanPayment, ...]
    since: date
    paid_fen: int = 0

    @property
    def lines(self) -> tuple[tuple[date, int], ...]:
        """``(due_date, amount_fen)`` pairs, as ``portal.loans.rules.plan_status`` takes them."""
        return tuple((p.due_date, p.amount_fen) for p in self.payments)


@dataclass(frozen=True)
class LoanPanel:
    badge: str | None = None
    tone: str = "info"
    url: str | None = None
    panel_template: str | None = None
    panel_context: Mapping[str, Any] = field(default_factory=dict)
    replaces_schedule: bool = False
    plan: AgreedPlan | None = None
    plan_pending: bool = False
    next_step: str | None = None

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {TONES}, got {self.tone!r}")
        object.__setattr__(self, "panel_context", MappingProxyType(dict(self.panel_context)))
        if self.plan is not None:
            object.__setattr__(self, "replaces_schedule", True)


Provider = Callable[[Any, list], dict[int, list[LoanPanel]]]
PlanSource = Callable[[Any, list], dict[int, AgreedPlan]]
_PLANS_KEY = "loan_agreed_plans"


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
                for entry in entries:
                    if not isinstance(entry, LoanPanel):
                        raise TypeError(f"{provider!r} must return LoanPanel objects, not {type(entry).__name__}")
                    out[loan_id].append(entry)
    return out


def register_plan_source(app: Flask, source: PlanSource) -> None:
    """The domain whose agreed plans replace a loan's schedule (the one that gives ``LoanPanel.plan``) also gives
    them alone, for pages that show a loan's figures without its panels (the borrower's home)."""
    app.extensions[_PLANS_KEY] = source


def agreed_plans(borrower, loans: list) -> dict[int, AgreedPlan]:
    """The agreed plan of each of these loans that has one (the same ``AgreedPlan`` its panel carries)."""
    source = current_app.extensions.get(_PLANS_KEY)
    return source(borrower, loans) if source is not None and loans else {}

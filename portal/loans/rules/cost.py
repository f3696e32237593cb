"""Annualised cost of a contract and the 24 % verdict (design §6 "Interest"): pure functions, ``Decimal`` only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Iterable

from portal.loans.rules.status import ScheduleItem

RATE_CEILING = Decimal("0.24")
_YEAR = Decimal(365)


def _npv(rate: Decimal, flows: tuple[tuple[int, int], ...]) -> Decimal:
    """Net present value; (1 + r)^(d/365) as exp(ln(1 + r) · d/365), with ln taken once, at 20 digits."""
    with localcontext() as ctx:
        ctx.prec = 20
        log_base = (1 + rate).ln()
        return sum((Decimal(amount) / (log_base * days / _YEAR).exp() for days, amount in flows), Decimal(0))


def annualised_cost(principal_fen: int, start: date, schedule: Iterable[ScheduleItem]) -> Decimal:
    """Effective annual rate (IRR, actual/365) of the contract: the principal received at ``start`` against
    every scheduled principal, interest and fee. Bisection in ``Decimal``; 6 decimal places."""
    flows = ((0, -principal_fen),) + tuple(((s.due_date - start).days, s.principal_fen + s.interest_fen + s.fee_fen)
                                           for s in schedule)
    if principal_fen <= 0 or sum(a for _, a in flows) <= 0:
        return Decimal(0)
    return _irr(flows)


@lru_cache(maxsize=4096)
def _irr(flows: tuple[tuple[int, int], ...]) -> Decimal:
    """The bisection, once per distinct set of cash flows: a contract's schedule does not change from one page view
    to the next, and the few dozen ``exp`` at 20 digits it takes are the dearest part of a loan page."""
    low, high = Decimal(0), Decimal(1)
    while _npv(high, flows) > 0 and high < 10**6:  # npv falls as the rate rises; widen until it turns negative
        high *= 4
    step = Decimal("0.0000001")
    while high - low > step:
        mid = (low + high) / 2
        if _npv(mid, flows) > 0:
            low = mid
        else:
            high = mid
    return ((low + high) / 2).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def penalty_annual_rate(penalty_daily_rate: Decimal) -> Decimal:
    """The daily penalty rate over a year, simple (e.g. 0.05 % a day is 18.25 % a year)."""
    return Decimal(penalty_daily_rate) * _YEAR


@dataclass(frozen=True)
class CostCheck:
    contract_rate: Decimal       # annualised cost of the contract's schedule (interest and fees)
    penalty_rate: Decimal        # penalty interest on overdue principal, over a year (simple)
    ceiling: Decimal = RATE_CEILING

    @property
    def with_penalty_rate(self) -> Decimal:
        """What overdue principal costs a year: the contract's annualised cost plus penalty interest (simple)."""
        return self.contract_rate + self.penalty_rate

    @property
    def contract_exceeds(self) -> bool:
        return self.contract_rate > self.ceiling

    @property
    def penalty_exceeds(self) -> bool:
        return self.with_penalty_rate > self.ceiling

    @property
    def exceeds(self) -> bool:
        """Design §6: the 24 % note applies when the contract's cost, or the cost with penalty interest, is above it."""
        return self.contract_exceeds or self.penalty_exceeds


def cost_check(principal_fen: int, start: date, schedule: Iterable[ScheduleItem],
               penalty_daily_rate: Decimal, ceiling: Decimal = RATE_CEILING) -> CostCheck:
    return CostCheck(annualised_cost(principal_fen, start, list(schedule)), penalty_annual_rate(penalty_daily_rate),
                     ceiling)

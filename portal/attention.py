"""What needs the borrower now: each domain registers a provider; the borrower's home lists what they return.

A provider is ``provider(borrower, today) -> list[Attention]`` and makes a constant number of queries. The home
shows the items sorted by ``rank`` (lower first), each with one button.

Usage, in a domain's ``configure``::

    from portal.attention import register_attention
    register_attention(app, my_provider)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask, current_app

_KEY = "borrower_attention"


@dataclass(frozen=True)
class Attention:
    kind: str                  # "payment" | "visit" | "plan" | "complaint" …
    title: str                 # what needs the borrower, in a sentence
    button: str                # the one button's text
    url: str
    rank: int = 50             # lower first: money due now 10, answers the lender waits for 20, news 30
    detail: str = ""           # one more line (amounts, dates)
    day_word: str | None = None  # "Today" / "Tomorrow"
    amount_fen: int | None = None  # shown large when set


Provider = Callable[[Any, date], list[Attention]]


def register_attention(app: Flask, provider: Provider) -> None:
    providers = app.extensions.setdefault(_KEY, [])
    if provider not in providers:
        providers.append(provider)


def attention_for(borrower, today: date) -> list[Attention]:
    items: list[Attention] = []
    for provider in current_app.extensions.get(_KEY, []):
        items.extend(provider(borrower, today))
    return sorted(items, key=lambda a: a.rank)

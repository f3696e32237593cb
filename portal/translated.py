"""Tables of lazy labels translated once per catalogue instead of once per label shown.

A lazy string (``lazy_gettext``) looks its translation up through Flask-Babel each time a page prints it. The
compiled catalogues do not change while the process runs, so a table of labels translated in one catalogue is the
same for every page in that locale: ``per_catalogue(build)`` returns a function giving ``build()``'s result for the
current catalogue, built on first use. A label is kept as what the lazy string renders: marked safe (its
``__html__``), so the pages' HTML does not change.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from flask_babel import get_translations
from markupsafe import Markup

T = TypeVar("T")


def safe(label) -> Markup:
    """One lazy label as its page renders it, in the current locale."""
    return Markup(str(label))


def table(labels: dict) -> dict:
    """``{code: lazy label}`` -> ``{code: label}`` in the current locale."""
    return {code: Markup(str(label)) for code, label in labels.items()}


def per_catalogue(build: Callable[[], T]) -> Callable[[], T]:
    # catalogue -> what build() gave under it (weak: a catalogue made for one call outside a request is not kept)
    made: WeakKeyDictionary = WeakKeyDictionary()

    def current() -> T:
        translations = get_translations()
        found = made.get(translations)
        if found is None:
            found = made[translations] = build()
        return found

    return current

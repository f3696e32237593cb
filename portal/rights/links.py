"""Stable addresses of the rights pages: other domains link to ``/rights/<slug>#<section>``.

``SECTIONS`` is the contract: every slug and every section id listed here exists in both locales (a test checks
the content against it). Add ids freely; never rename or remove one, since SMS, letters and other pages link here.
"""
from __future__ import annotations

from flask import url_for

# The "what to do now" box every page has.
WHAT_TO_DO_ID = "what-to-do-now"

SECTIONS: dict[str, tuple[str, ...]] = {
    # Your rights at a glance.
    "at-a-glance": (WHAT_TO_DO_ID, "collection", "home-and-privacy", "money-and-time", "credit-report", "complain"),
    # Before and during a verification visit (visit pages link to "before-visit" and "check-visitors").
    "home-visits": (WHAT_TO_DO_ID, "before-visit", "check-visitors", "during-visit", "no-entry", "refuse-to-leave"),
    # What collectors may not do (the complaint form links to the whole page).
    "collector-conduct": (WHAT_TO_DO_ID, "hours", "frequency", "identity", "threats", "impersonation",
                          "false-consequences", "third-parties", "outsourcing"),
    # Your family and your privacy.
    "family-privacy": (WHAT_TO_DO_ID, "family", "disclosure", "personal-information", "your-data-rights", "crime"),
    # Negotiating repayment (the plan preview links to "limitation-period").
    "repayment-plans": (WHAT_TO_DO_ID, "personalised-instalments", "limitation-period", "before-you-agree"),
    # Interest and charges (the loan page links to "cap").
    "interest-charges": (WHAT_TO_DO_ID, "usury", "cap", "check-your-cost"),
    # Credit reports (the loan page links to "notice").
    "credit-reports": (WHAT_TO_DO_ID, "notice", "five-years", "free-reports", "disputes", "credit-repair"),
    # How to complain and where to escalate.
    "complaints-escalation": (WHAT_TO_DO_ID, "complain-to-us", "deadlines", "review", "outside-help", "danger"),
    # Recognising scams.
    "scams": (WHAT_TO_DO_ID, "fake-collectors", "personal-accounts", "credit-repair-scams", "check-first"),
}
SLUGS: tuple[str, ...] = tuple(SECTIONS)


def rights_url(slug: str, section: str | None = None) -> str:
    """``/rights/<slug>`` or ``/rights/<slug>#<section>``; a wrong slug or id fails loudly (in tests), not silently."""
    if slug not in SECTIONS:
        raise ValueError(f"unknown rights page {slug!r}")
    if section is not None and section not in SECTIONS[slug]:
        raise ValueError(f"unknown section {section!r} of rights page {slug!r}")
    return url_for("rights.page", slug=slug, _anchor=section)

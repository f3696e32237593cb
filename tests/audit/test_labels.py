"""Every action code and detail key that the code records has a readable label in both scripts."""
from __future__ import annotations

import ast
import itertools
import json
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from portal.api.models import SCOPES
from portal.audit.labels import ACTION_LABELS, DETAIL_LABELS
from portal.complaints import rules as complaint_rules
from portal.complaints.rules import RESPONSES
from portal.imports.models import KINDS as IMPORT_KINDS
from portal.orm import utcnow
from portal.notify.queries import STATES as MESSAGE_STATES
from portal.plans import rules as plan_rules
from portal.plans.queries import QUEUE_FILTERS as PLAN_QUEUE_FILTERS
from portal.privacy import rules as privacy_rules
from portal.privacy.retention import Policy, rules_for
from portal.staff.audit_view import ACTION_DETAIL_LABELS, ACTION_VALUE_LABELS, detail_text
from portal.visits.models import VisitAnswer
from portal.webhooks.models import STATES as WEBHOOK_STATES

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# The answer kinds the database allows (the table's check constraint).
ANSWER_KINDS = next(re.findall(r"'(\w+)'", str(c.sqltext)) for c in VisitAnswer.__table__.constraints
                    if getattr(c, "name", "") and str(c.name).endswith("kind"))
# Codes built at run time, expanded from the values the domains allow; a new dynamic code must be added here.
DYNAMIC = {
    "'complaint.' + response": [f"complaint.{r}" for r in RESPONSES],
    "f'visit.answer.{kind}'": [f"visit.answer.{k}" for k in ANSWER_KINDS],
}
ACTOR_KEYWORDS = {"staff", "borrower", "system"}


def _values(node: ast.expr) -> list[str] | None:
    """The strings an expression of constants can take (a + b, x if c else y), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = _values(node.body), _values(node.orelse)
        return None if a is None or b is None else a + b
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _values(node.left), _values(node.right)
        return None if a is None or b is None else [x + y for x, y in itertools.product(a, b)]
    return None


def _record_calls():
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and \
                    getattr(node.func, "id", getattr(node.func, "attr", None)) in ("record", "record_read"):
                yield path, node


def recorded_codes() -> set[str]:
    codes: set[str] = set()
    for path, call in _record_calls():
        values = _values(call.args[0])
        if values is None:
            source = ast.unparse(call.args[0])
            assert source in DYNAMIC, f"{path}: audit code {source} is built at run time; list its values in DYNAMIC"
            values = DYNAMIC[source]
        codes.update(values)
    return codes


def test_the_scan_finds_the_codes_we_know():
    codes = recorded_codes()
    assert {"complaint.viewed", "visit.answer.record_dispute", "complaint.not_satisfied", "staff.disabled",
            "staff.enabled", "audit.exported", "borrower.activated"} <= codes


def test_every_recorded_action_has_a_label():
    missing = sorted(recorded_codes() - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in portal/audit/labels.py: {missing}"


def test_every_recorded_detail_key_has_a_label():
    keys = {kw.arg for _path, call in _record_calls() for kw in call.keywords
            if kw.arg and kw.arg not in ACTOR_KEYWORDS}
    assert not sorted(keys - set(DETAIL_LABELS))


def test_labels_read_as_chinese_in_both_scripts(app):
    with app.test_request_context():
        for locale, expected in (("zh_Hans", "查看了投诉"), ("zh_Hant", "查看了投訴")):
            with force_locale(locale):
                assert str(ACTION_LABELS["complaint.viewed"]) == expected
                untranslated = [code for code, label in ACTION_LABELS.items() if str(label).isascii()]
                assert not untranslated, (locale, untranslated)


def test_no_two_actions_read_the_same_in_either_script(app):
    """The action filter lists every label: a borrower's and a staff member's password change are told apart."""
    with app.test_request_context():
        for locale in ("zh_Hans", "zh_Hant"):
            with force_locale(locale):
                labels = [str(label) for label in ACTION_LABELS.values()]
                assert sorted(x for x in labels if labels.count(x) > 1) == [], locale


# Details whose values need no words of their own: text people typed, names, numbers, dates, yes/no, file sizes
# and fingerprints, references; or values the audit view words by their key (a staff role, the staff member a
# complaint went to, the audit log's own filters). Any other detail holds a code: it must be in ACTION_VALUE_LABELS.
PLAIN_DETAILS = {"address", "after", "arrived", "badge", "borrower_id", "bytes", "code", "consent", "count",
                 "departed", "detail", "evidence", "fields", "files", "filters", "held", "kinds", "level", "loan",
                 "name", "note", "plan", "previous_role", "proof", "query", "result", "results", "role", "rows", "sha256",
                 "since", "third_party", "to", "total_fen", "until", "url", "username", "visitors", "window"}
PLAIN_BY_ACTION = {
    ("visit.cancelled", "reason"), ("visit.remote_declined", "reason"),  # what the staff member wrote
    ("webhook.redelivered", "kind"),  # the event type: an identifier of the lender's API, as the webhook pages show it
}
# The codes each coded detail can hold, from the domain that records it (else: the codes its labels name).
DOMAIN_CODES = {
    ("complaint.state_changed", "state"): complaint_rules.STATES,
    ("complaint.state_changed", "outcome"): complaint_rules.OUTCOMES,
    ("plan.queue_viewed", "status"): tuple(PLAN_QUEUE_FILTERS),
    ("plan.submitted", "kind"): plan_rules.KINDS,
    ("plan.countered", "kind"): plan_rules.KINDS,
    ("plan.declined", "reason"): plan_rules.DECLINE_REASONS,
    ("messages.viewed", "state"): MESSAGE_STATES + ("all",),
    ("import.uploaded", "kind"): IMPORT_KINDS,
    ("data_request.filed", "kind"): privacy_rules.KINDS,
    ("data_request.answered", "outcome"): privacy_rules.ANSWERS,
    ("webhooks.viewed", "state"): WEBHOOK_STATES + ("all",),
    ("api_token.created", "scopes"): SCOPES,
}


def _recorded_details() -> set[tuple[str, str]]:
    pairs = set()
    for _path, call in _record_calls():
        values = _values(call.args[0])
        codes = values if values is not None else DYNAMIC[ast.unparse(call.args[0])]
        pairs.update((code, kw.arg) for code in codes for kw in call.keywords
                     if kw.arg and kw.arg not in ACTOR_KEYWORDS)
    return pairs


def test_every_detail_that_holds_a_code_has_words_for_it():
    coded = {(action, key) for action, key in _recorded_details()
             if key not in PLAIN_DETAILS and (action, key) not in PLAIN_BY_ACTION}
    assert {("import.uploaded", "kind"), ("data_request.answered", "outcome"), ("webhooks.viewed", "state")} <= coded
    missing = sorted(coded - set(ACTION_VALUE_LABELS))
    assert not missing, f"audit details that hold a code without words in portal/staff/audit_view.py: {missing}"
    assert not sorted(set(ACTION_VALUE_LABELS) - _recorded_details()), "words for a detail nobody records"
    assert not sorted(set(ACTION_DETAIL_LABELS) - _recorded_details())


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_code_a_domain_allows_reads_as_words_in_both_scripts(app, locale):
    with app.test_request_context(), force_locale(locale):
        for (action, key), labels in ACTION_VALUE_LABELS.items():
            for code in DOMAIN_CODES.get((action, key), tuple(labels)):
                text = detail_text(json.dumps({key: code}), action)
                words = text.split(": ", 1)[1]
                assert words != code and not words.isascii(), (locale, action, key, code, text)


def test_every_kind_of_data_the_retention_run_deletes_has_a_name(app):
    with app.app_context():
        names = {rule.name for rule in rules_for(utcnow(), Policy.from_config())}
        with app.test_request_context(), force_locale("zh_Hant"):
            assert not [n for n in names if n not in DETAIL_LABELS or str(DETAIL_LABELS[n]).isascii()]

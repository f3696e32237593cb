"""Every action code and detail key that the code records has a readable label in both scripts."""
from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from flask_babel import force_locale

from portal.audit.labels import ACTION_LABELS, DETAIL_LABELS
from portal.complaints.rules import RESPONSES
from portal.visits.models import VisitAnswer

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# The answer kinds the database allows (the table's check constraint).
ANSWER_KINDS = next(re.findall(r"'(\w+)'", str(c.sqltext)) for c in VisitAnswer.__table__.constraints
                    if getattr(c, "name", "") and str(c.name).endswith("kind"))
# Codes built at run time, expanded from the values the domains allow; a new dynamic code must be added here.
DYNAMIC = {
    "'complaint.' + response": [f"complaint.{r}" for r in RESPONSES],
    "f'visit.answer.{kind}'": [f"visit.answer.{k}" for k in ANSWER_KINDS],
}
ACTOR_KEYWORDS = {"staff", "borrower"}


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

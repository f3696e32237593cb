"""The Java-free HTML checks that the crawling tests apply to every page (tests/html_checks.py)."""
from __future__ import annotations

from tests.html_checks import id_problems, shared_form_ids

TWO_FORMS = """<form method="post"><input type="hidden" id="version" name="version">
<label for="note">Note</label><textarea id="note" name="note"></textarea></form>
<form method="post"><input type="hidden" id="version" name="version">
<label for="note">Note</label><textarea id="note" name="note"></textarea></form>"""


def test_two_forms_sharing_ids_are_found():
    assert shared_form_ids(TWO_FORMS) == ["note", "version"]
    problems = id_problems(TWO_FORMS)
    assert "duplicate id 'version' on lines [1, 3]" in problems and "duplicate id 'note' on lines [2, 4]" in problems


def test_prefixed_forms_pass():
    fixed = TWO_FORMS.replace('id="version"', 'id="a-version"', 1).replace('id="note"', 'id="a-note"', 1) \
        .replace('for="note"', 'for="a-note"', 1)
    assert shared_form_ids(fixed) == [] and id_problems(fixed) == []


def test_a_label_for_a_missing_id_is_found():
    assert id_problems('<label for="phone">Phone</label><input id="mobile" name="phone">') == [
        "<label for='phone'> on line 1 names no element"]
    assert id_problems('<label for="phone">Phone</label><input id="phone" name="phone">') == []


def test_references_to_a_missing_id_are_found():
    page = ('<div class="error-summary"><a href="#amount">Amount: required</a></div>'
            '<input id="amount-field" aria-describedby="amount-hint amount-error"><p id="amount-hint">Yuan</p>')
    assert sorted(id_problems(page)) == ["aria-describedby='amount-error' on line 1 names no element",
                                         "href='amount' on line 1 names no element"]
    fixed = page.replace('href="#amount"', 'href="#amount-field"').replace(" amount-error", "")
    assert id_problems(fixed) == []

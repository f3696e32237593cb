"""Python-side translations find the request's catalogue once, and still follow force_locale and refresh."""
from __future__ import annotations

from flask_babel import force_locale, gettext, lazy_gettext, refresh


def test_gettext_follows_the_request_then_force_locale_then_the_request_again(app):
    label = lazy_gettext("Your rights")
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert gettext("Your rights") == str(label) == "您的权利"
        with force_locale("zh_Hant"):  # a text in the recipient's script
            assert gettext("Your rights") == str(label) == "您的權利"
        assert gettext("Your rights") == str(label) == "您的权利"


def test_gettext_follows_a_refresh_after_the_locale_changed(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-TW"}):
        assert gettext("Your rights") == "您的權利"
        refresh()
        assert gettext("Your rights") == "您的權利"


def test_outside_a_request_gettext_is_untranslated(app):
    assert gettext("Your rights") == "Your rights"

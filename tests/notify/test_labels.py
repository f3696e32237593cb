"""Every kind of message the portal sends has a name staff read in the outbox, in both scripts."""
from __future__ import annotations

from flask_babel import force_locale

from portal.notify.kinds import EMAIL_KINDS, SMS_KINDS
from portal.notify.labels import KIND_LABELS


def test_every_kind_has_a_name_in_both_scripts_and_no_two_read_the_same(app):
    assert set(KIND_LABELS) == set(SMS_KINDS) | set(EMAIL_KINDS)
    with app.test_request_context():
        for locale in ("zh_Hans", "zh_Hant"):
            with force_locale(locale):
                names = [str(label) for label in KIND_LABELS.values()]
                assert not [n for n in names if n.isascii()], locale
                assert len(set(names)) == len(names), locale


def test_every_sms_kind_has_a_name_on_the_borrowers_data_page(app):
    from portal.privacy.queries import MESSAGE_KINDS

    assert set(MESSAGE_KINDS) == set(SMS_KINDS)
    with app.test_request_context():
        for locale in ("zh_Hans", "zh_Hant"):
            with force_locale(locale):
                names = [str(label) for label in MESSAGE_KINDS.values()]
                assert not [n for n in names if n.isascii()] and len(set(names)) == len(names), locale

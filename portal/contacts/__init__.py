"""The collection contact log (issue 16): every contact the lender or its agencies made, and the rules it breaks."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.contacts import labels
    from portal.contacts.complaint_link import contacts_of
    from portal.contacts.routes import bp

    app.register_blueprint(bp)
    # The complaint pages (staff) show the contacts a complaint was made from.
    app.jinja_env.globals.update(complaint_contacts=contacts_of, contact_channel_labels=labels.CHANNEL_LABELS,
                                 contact_party_labels=labels.STAFF_PARTY_LABELS)

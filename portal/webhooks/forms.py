"""Console forms of the webhooks page: a new endpoint (name, address, optional secret)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import ActionForm, no_control_chars, stripped
from portal.webhooks.models import URL_MAX

SECRET_MIN = 16


class EndpointForm(ActionForm):
    # Translators: the name given to a thing (a system, an address, an organisation), not a person: 名称
    name = StringField(_l("Label"), filters=[stripped],
                       validators=[DataRequired(message=_l("Give the endpoint a name.")),
                                   Length(max=80, message=_l("At most %(max)d characters.")), no_control_chars])
    url = StringField(_l("Address (URL)"), filters=[stripped],
                      description=_l("The address where the lender's system receives the events."),
                      validators=[DataRequired(message=_l("Enter the address.")),
                                  Length(max=URL_MAX, message=_l("At most %(max)d characters."))])
    secret = StringField(_l("Secret (optional)"), filters=[stripped],
                         description=_l("Leave empty and the portal makes one and shows it once. Your own must have "
                                        "at least 16 characters."),
                         validators=[Optional(), Length(min=SECRET_MIN, max=128,
                                                        message=_l("Between 16 and 128 characters.")),
                                     no_control_chars])

    def validate_url(self, field) -> None:
        parts = urlsplit(field.data or "")
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in field.data):
            raise ValidationError(_l("Enter an address that starts with https:// (or http://)."))


class VersionForm(ActionForm):
    version = HiddenField()

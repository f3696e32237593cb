"""The search form of ``/rights`` (a GET form: nothing changes, so no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import Length

from portal.rights.search import MAX_QUERY


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search these pages"),
        validators=[Length(max=MAX_QUERY, message=_l("Please use at most %(max)d characters."))],
        description=_l("A few words or a whole question, for example: visit, credit report, “a collector threatened me, what can I do?”"),
    )

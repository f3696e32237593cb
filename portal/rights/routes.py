"""Public pages: ``/rights`` (every page, and search with ``?q=``) and ``/rights/<slug>``."""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request

from portal.i18n import current_locale
from portal.rights import documents, search
from portal.rights.forms import SearchForm
from portal.rights.links import rights_url
from portal.security import gate

_TITLE = re.compile(r"《[^《》]+》")  # the documents a page cites, in the reader's script

bp = Blueprint("rights", __name__, url_prefix="/rights")
gate(bp, kind="borrower", login_endpoint="accounts.login", public=frozenset({"rights.index", "rights.page"}))


@bp.app_context_processor
def _rights_links() -> dict:
    return {"rights_url": rights_url}


@bp.route("")
def index():
    form = SearchForm(request.args)
    pages = documents.pages(current_locale())
    searched = "q" in request.args and form.validate()
    results = search.search(pages, form.q.data) if searched else []
    return render_template("rights/index.html", form=form, pages=pages, searched=searched,
                           query=(form.q.data or "").strip(), results=results)


@bp.route("/<slug>")
def page(slug: str):
    found = documents.find(current_locale(), slug)
    if found is None:
        abort(404)
    cited = list(dict.fromkeys(_TITLE.findall(found.text)))
    others = [p for p in documents.pages(current_locale()) if p.slug != slug]
    return render_template("rights/page.html", page=found, cited=cited, others=others)


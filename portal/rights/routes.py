"""Public pages: ``/rights`` (every page, and search with ``?q=``) and ``/rights/<slug>``."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup

from portal.i18n import current_locale, fmt_date
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
    locale = current_locale()
    found = documents.find(locale, slug)
    if found is None:
        abort(404)
    return render_template("rights/page.html", page=found, article=_article(found, locale))


def _article(found: documents.RightsPage, locale: str) -> Markup:
    """The page's body, rendered on its first view in each locale (content files do not change while the app
    runs; the links to the other pages depend only on the script root)."""
    cache = current_app.extensions.setdefault("portal_rights_articles", {})
    key = (locale, found.slug, request.script_root)
    html = cache.get(key)
    if html is None:
        cited = list(dict.fromkeys(_TITLE.findall(found.text)))
        others = [p for p in documents.pages(locale) if p.slug != found.slug]
        html = cache[key] = Markup(current_app.jinja_env.get_template("rights/_article.html").render(
            page=found, cited=cited, others=others, fmt_date=fmt_date))
    return html

"""Page weight on a cheap phone: every borrower page, HTML + CSS + JS as a server sends them gzip-compressed
(the app itself does not compress: the proxy in front does, see bench/README.md), within 30 KB."""
from __future__ import annotations

import gzip

import pytest
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import local_today
from tests.hardening.crawl import crawl, local_path, parse, seed_demo

BUDGET = 30 * 1024
STARTS = ["/", "/loans", "/visits", "/plans", "/complaints", "/complaints/new", "/settings", "/rights", "/report",
          "/report/status", "/verify-visitor", "/login", "/activate", "/password/reset"]


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.fixture
def demo_borrower(app, session):
    with app.test_request_context():
        seed_demo(session, local_today())
    return session.scalar(select(Borrower).where(Borrower.phone == "13800138000"))


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_borrower_page_fits_the_budget(app, client, login, demo_borrower, locale):
    login(client, demo_borrower)
    client.set_cookie("portal_locale", locale)
    pages = crawl(client, STARTS, limit=80, allow=lambda path: not path.startswith("/staff"))
    assert len(pages) >= 8, sorted(pages)
    assets: dict[str, int] = {}
    over, sizes = {}, {}
    for path, (status, body) in pages.items():
        total = compressed(body.encode())
        for url in parse("http://localhost" + path, body).assets:
            asset = local_path(url)
            if asset not in assets:
                response = client.get(asset)
                assets[asset] = compressed(response.get_data())
                response.close()
            total += assets[asset]
        sizes[path] = total
        if total > BUDGET:
            over[path] = total
    print(f"\npage weight ({locale}, gzip, HTML + CSS + JS):")  # shown with pytest -s
    for path, total in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {total:6d} B  {path}")
    assert not over, f"over {BUDGET} bytes compressed: {over}"
